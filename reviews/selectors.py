"""Review queues: one scope per reviewer role, combined for people who hold several."""

import datetime

from django.db.models import Prefetch, Q, QuerySet

from applications.models import Application
from portal.catalog.stages import stages_of
from portal.organizations.scope import reviewer_memberships, units_q


def scope_filter(user, *, waiting_only: bool) -> Q | None:
    """Applications this user reviews: waiting at their stage, or every filed one in their scope."""
    query = None
    for membership in reviewer_memberships(user):
        part = units_q(membership)
        if waiting_only:
            part &= Q(state__in=stages_of(membership.role))
        query = part if query is None else query | part
    return query


def review_queue(
    user, *, waiting_only=True, item=None, series=None, state=None, date_from=None, date_to=None
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
    return qs.select_related("applicant", "unit", "item", "series", "level", "title", "committee").order_by(
        "submitted_at", "id"
    )


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
