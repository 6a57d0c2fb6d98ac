"""What the other apps call when something happened. Each builds the variables of its event from
the domain objects and calls `notify`. All are safe to call after commit (they open their own
transaction) or inside the transaction of the change they report.

- `application_state_changed(application, opinion=...)`: reviews.services (every step) and
  applications.filing (submission). Tells the applicant, and puts the application in the daily
  digest of the reviewers of the stage it reached.
- `unit_reviewed(unit)`: the unit's HR officers, when its registration is approved or rejected.
- `notice_opened(notice, application)`: each applicant of a unit public notice that opens.

Other apps call `services.notify` directly with an event of events.py and its variables, e.g.
certificates, after commit: `notify(recipients=[holder], event="certificate_ready",
application=..., url=..., dedupe_key=f"certificate_ready:{certificate.pk}", context={...the
APPLICATION variables, "certificate_number", "place", "address", "note"})`, and
`event="certificate_posted"` with "carrier", "tracking_number", "express_address".
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from applications.labels import applicant_label
from applications.models import REVIEW_STATE_VALUES, Application, State

from .models import DigestEntry
from .services import in_site_language, notify


def page_url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def application_context(application: Application, opinion: str = "") -> dict:
    return {
        "applicant": application.applicant.real_name,
        "unit": application.unit.name,
        "item": application.item.short_name,
        "series": application.series.name,
        "title": application.title.name,
        "state": applicant_label(application),
        # Templates put their own full stop after the opinion.
        "opinion": (opinion or "").strip().rstrip("。.；;，, "),
        "organization": "",
    }


def _region_path(region) -> list:
    path, seen = [], set()
    while region is not None and region.pk not in seen:
        seen.add(region.pk)
        path.append(region)
        region = region.parent
    return path


def intake_window(application: Application):
    """The window that takes the paper file: the one that accepted it, else the nearest window
    of the applicant's unit's region (the district's own, else the city's)."""
    from portal.organizations.models import Organization, OrgKind

    if application.acceptance_window_id:
        return application.acceptance_window
    for region in _region_path(application.unit.region):
        window = Organization.objects.filter(kind=OrgKind.WINDOW, region=region).order_by("pk").first()
        if window is not None:
            return window
    return None


def _window_context(window) -> dict:
    if window is None:
        return {"window_name": "政务服务中心人才服务窗口", "window_address": "", "window_phone": ""}
    return {"window_name": window.name, "window_address": window.address, "window_phone": window.phone}


def stage_reviewers(application: Application, state: str | None = None) -> list:
    """The people whose queue holds this application at `state` (default: its current state)."""
    from portal.organizations.models import Membership, Role
    from reviews.permissions import STAGE_ROLE, in_scope, region_chain

    role = STAGE_ROLE.get(state or application.state)
    if role is None:
        return []
    memberships = Membership.objects.active().filter(role=role, user__is_active=True)
    unit = application.unit
    if role == Role.UNIT_HR:
        memberships = memberships.filter(organization_id=unit.pk)
    elif role == Role.DEPT_REVIEWER:
        memberships = memberships.filter(organization_id=unit.parent_id)
    else:
        memberships = memberships.filter(organization__region_id__in=region_chain(unit.region))
    users = {}
    for membership in memberships.select_related("user", "organization"):
        if in_scope(membership, application):
            users.setdefault(membership.user_id, membership.user)
    return list(users.values())


def queue_for_digest(application: Application) -> int:
    """Note the application for the daily digest of each reviewer of the stage it is at."""
    if application.state not in REVIEW_STATE_VALUES:
        return 0
    count = 0
    for reviewer in stage_reviewers(application):
        _entry, created = DigestEntry.objects.get_or_create(
            recipient=reviewer, application=application, state=application.state, digested_at=None
        )
        count += created
    return count


def _event_for(application: Application, record) -> str:
    from reviews.models import Action

    action = record.action if record else ""
    if application.state == State.RETURNED:
        return "application_returned"
    if application.state == State.DRAFT:
        return "application_reset"
    if application.state == State.FAILED:
        return "application_failed"
    if application.state == State.APPROVED:
        return "application_approved"
    if action == Action.ACCEPT:
        return "application_accepted"
    if application.state == State.WINDOW_INTAKE:
        return "application_window_intake"
    if action in (Action.SUBMIT, Action.RESUBMIT):
        return "application_submitted"
    return "application_progressed"


@in_site_language
def application_state_changed(application: Application, *, opinion: str = "") -> list:
    """A step changed the application's state: tell the applicant (with the opinion, and what the
    new state asks of them) and queue it for the next reviewers' daily digest.

    `application` is the instance the step saved: its state is the one this step produced, even
    if another step has moved the application on by the time this runs."""
    from reviews.models import Action

    record = (
        application.records.filter(to_state=application.state)
        .exclude(action__in=[Action.REFUSED, Action.NOTICE_OPEN, Action.NOTICE_RESULT])
        .select_related("organization")
        .last()
    )
    event = _event_for(application, record)
    context = application_context(application, opinion)
    if record is not None and record.organization_id:
        context["organization"] = record.organization.name
    if event in ("application_window_intake", "application_accepted"):
        context.update(_window_context(intake_window(application)))
        context["acceptance_number"] = application.acceptance_number
    if event == "application_returned":
        stages = dict(State.choices)
        context["returned_from"] = str(stages.get(application.returned_from, application.returned_from))
        context["returns_left"] = application.returns_left
        window = application.window
        context["deadline"] = _local(window.closes_at) if window and window.closes_at > timezone.now() else ""
    notifications = notify(
        recipients=[application.applicant],
        event=event,
        context=context,
        application=application,
        url=page_url("applications:timeline", application.pk),
        purpose=f"workflow_{application.state}",
    )
    queue_for_digest(application)
    return notifications


@in_site_language
def unit_reviewed(unit, *, purpose: str) -> list:
    """The unit's registration was approved (`unit_approved`) or rejected (`unit_rejected`)."""
    from portal.accounts.models import User
    from portal.organizations.models import Role

    officers = User.objects.filter(
        memberships__organization=unit, memberships__role=Role.UNIT_HR, memberships__is_active=True
    ).distinct()
    return notify(
        recipients=list(officers),
        event=purpose,
        context={"unit_name": unit.name, "reason": unit.rejection_reason},
        url=page_url("core:dashboard"),
        purpose=purpose,
    )


def notice_context(notice) -> dict:
    return {
        "unit": notice.unit.name,
        "notice_title": notice.title,
        "start_date": notice.start_date.isoformat(),
        "end_date": notice.end_date.isoformat(),
        "contact_person": notice.contact_person,
        "phone": notice.phone,
    }


@in_site_language
def notice_opened(notice, application: Application) -> list:
    """An applicant is in a unit public notice that opens."""
    return notify(
        recipients=[application.applicant],
        event="notice_opened",
        context=notice_context(notice),
        application=application,
        url=page_url("reviews:public_notices"),
        dedupe_key=f"notice_opened:{notice.pk}:{application.pk}",
        purpose="notice_open",
    )
