"""Review queues: one scope per reviewer role, combined for people who hold several."""

import datetime

from django.db.models import Case, Prefetch, Q, QuerySet, Value, When

from applications.acceptance import number_pattern
from applications.models import Application, State
from applications.workflow.permissions import waiting_states
from portal.organizations.scope import reviewer_memberships, units_q


def scope_filter(user, *, waiting_only: bool) -> Q | None:
    """Applications this user reviews: waiting for them (their stages, and for the bureau the result
    notice it files), or every filed one in their scope."""
    query = None
    for membership in reviewer_memberships(user):
        part = units_q(membership)
        if waiting_only:
            part &= Q(state__in=waiting_states(membership.role))
        query = part if query is None else query | part
    return query


def acceptance_q(text: str) -> Q:
    """The acceptance number as printed, or its ASCII form from a barcode (SL-2026-0000001)."""
    query = Q(acceptance_number=text)
    pattern = number_pattern(text)
    if pattern is not None:
        query |= Q(acceptance_number__iregex=pattern)
    return query


def search_q(text: str) -> Q:
    """What the window clerk types or scans: a name, a whole ID number, a mobile, an acceptance
    number (or its ASCII form) or a unit's name. ID numbers and mobiles are encrypted: they match
    whole only, through their blind indexes; a name or unit part matches anywhere."""
    text = text.strip()
    query = acceptance_q(text) | Q(applicant__real_name__icontains=text) | Q(unit__name__icontains=text)
    return query | identity_q(text)


def identity_q(text: str, *, person: str = "applicant") -> Q:
    """The person by their whole ID number or mobile: the one place the queues and the window desk
    match identity. Both columns are encrypted, so they match whole only, through their blind
    indexes (last digits cannot be searched)."""
    text = text.strip()
    if not (text.isascii() and text.replace("x", "").replace("X", "").isdigit()):
        return Q(pk__in=[])
    return Q(**{f"{person}__mobile": text}) | Q(**{f"{person}__id_number": text.upper()})


def unit_q(text: str) -> Q:
    """A unit by part of its name, or by its unified social credit code (typed in any case)."""
    text = text.strip()
    return Q(unit__name__icontains=text) | Q(unit__credit_code=text.upper())


def review_queue(
    user,
    *,
    waiting_only=True,
    item=None,
    series=None,
    state=None,
    date_from=None,
    date_to=None,
    search="",
    unit="",
    longest_waiting=False,
) -> QuerySet[Application]:
    query = scope_filter(user, waiting_only=waiting_only)
    if query is None:
        return Application.objects.none()
    qs = Application.objects.filter(query, submitted_at__isnull=False)
    if item:
        qs = qs.filter(item_id=item)
    if series:
        qs = qs.filter(series_id=series)
    if state:
        qs = qs.filter(state=state)
    if isinstance(date_from, datetime.date):
        qs = qs.filter(submitted_at__date__gte=date_from)
    if isinstance(date_to, datetime.date):
        qs = qs.filter(submitted_at__date__lte=date_to)
    if search and search.strip():
        qs = qs.filter(search_q(search))
    if unit and unit.strip():
        qs = qs.filter(unit_q(unit))
    # The filed content and eligibility record are the largest columns and no list shows them:
    # left out, so a queue page reads 50 narrow rows.
    qs = qs.select_related("applicant", "unit", "item", "series", "level", "title", "committee").defer(
        "filed_content", "eligibility"
    )
    if longest_waiting:
        # When it entered its state (set by every transition): the waiting_* partial indexes.
        return qs.order_by("stage_entered_at", "id")
    return qs.order_by("submitted_at", "id")


def scanned_application(user, text: str) -> Application | None:
    """The one application in this user's scope whose acceptance number is exactly `text`, or
    whose ASCII form it is (what a scanner types), else None."""
    text = (text or "").strip()
    if not text:
        return None
    query = scope_filter(user, waiting_only=False)
    if query is None:
        return None
    found = list(Application.objects.filter(query).filter(acceptance_q(text)).values_list("pk", flat=True)[:2])
    return Application(pk=found[0]) if len(found) == 1 else None


def next_waiting(user, application) -> Application | None:
    """下一份: the file after this one in the user's waiting queue (its default order), else the
    first other file waiting, else None. One query."""
    query = scope_filter(user, waiting_only=True)
    if query is None:
        return None
    waiting = Application.objects.filter(query, submitted_at__isnull=False).exclude(pk=application.pk)
    if application.submitted_at is not None:
        after = Q(submitted_at__gt=application.submitted_at) | Q(
            submitted_at=application.submitted_at, pk__gt=application.pk
        )
        ordered = waiting.annotate(later=Case(When(after, then=Value(0)), default=Value(1)))
        waiting = ordered.order_by("later", "submitted_at", "id")
    else:
        waiting = waiting.order_by("submitted_at", "id")
    return waiting.only("pk").first()


# What the review page shows in place (the browser's own PDF viewer, or an image), served inline by
# the permission-checking preview view; anything else is downloaded.
PREVIEW_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp")


def previewable(material) -> bool:
    return (material.content_type or "").split(";")[0].strip().lower() in PREVIEW_TYPES


def application_for_review(application_id) -> Application | None:
    return (
        Application.objects.select_related(
            "applicant",
            "unit",
            "unit__region",
            "unit__parent",
            "item",
            "series",
            "level",
            "title",
            "committee",
            "window",
        )
        .prefetch_related(Prefetch("materials"))
        .filter(pk=application_id)
        .first()
    )


def unit_recommendation(application):
    """The unit's latest recommendation text (基层单位意见), or None."""
    return application.unit_recommendations.select_related("unit", "written_by").first()


def current_return(application):
    """While a returned application is being changed: the latest return's sections and opinion."""
    if application.state != State.RETURNED or application.submitted_at is None:
        return None
    return application.returned_sections.filter(returned_at__gte=application.submitted_at).first()
