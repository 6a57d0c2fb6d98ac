"""What the applicants and reviewers are told when the workflow moves, and when a unit public
notice opens. Each builds the variables of its event from the domain objects and calls `notify`.

- `on_step(event)`: subscribed to the workflow's events (reviews.apps.ReviewsConfig.ready): every
  step tells the applicant and puts the application in the daily digest of the reviewers of the
  stage it reached. It runs inside the step's transaction, so the inbox, outbox and digest rows
  commit or roll back with the step; sending is queued after commit.
- `notice_opened(notice, application)`: each applicant of a unit public notice that opens.
- `notice_changed(...)`, `notice_withdrawn(...)`: a published notice's period changed, or its unit
  withdrew it.

Other apps call `portal.notifications.services.notify` directly with an event of
portal/notifications/events.py and its variables (certificates: `certificate_ready`,
`certificate_posted`; organizations: `unit_approved`, `unit_rejected`).
"""

from __future__ import annotations

from django.utils import timezone

from applications.labels import applicant_label
from applications.models import REVIEW_STATE_VALUES, Action, Application, State
from applications.workflow.events import StepTaken
from portal.catalog.stages import STAGE_ROLE
from portal.notifications.models import DigestEntry
from portal.notifications.services import in_site_language, notify, page_url
from portal.organizations.models import Organization, OrgKind
from portal.organizations.scope import memberships_covering, region_chain


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


def intake_window(application: Application):
    """The window that takes the paper file: the one that accepted it, else the nearest window
    of the applicant's unit's region (the district's own, else the city's)."""
    if application.acceptance_window_id:
        return application.acceptance_window
    for region_id in region_chain(application.unit.region):
        window = Organization.objects.filter(kind=OrgKind.WINDOW, region_id=region_id).order_by("pk").first()
        if window is not None:
            return window
    return None


def _window_context(window) -> dict:
    if window is None:
        return {"window_name": "政务服务中心人才服务窗口", "window_address": "", "window_phone": ""}
    return {"window_name": window.name, "window_address": window.address, "window_phone": window.phone}


def stage_reviewers(application: Application, state: str | None = None) -> list:
    """The people whose queue holds this application at `state` (default: its current state)."""
    role = STAGE_ROLE.get(state or application.state)
    if role is None:
        return []
    memberships = memberships_covering(application.unit, roles=[role]).filter(user__is_active=True)
    users = {}
    for membership in memberships.select_related("user").order_by("pk"):
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
    record = (
        application.records.filter(to_state=application.state)
        .exclude(
            action__in=[
                Action.REFUSED,
                Action.NOTICE_OPEN,
                Action.NOTICE_RESULT,
                Action.NOTICE_CHANGE,
                Action.NOTICE_WITHDRAW,
            ]
        )
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


@in_site_language
def notice_changed(notice, *, application: Application | None, before: tuple, reason: str, officers=()) -> list:
    """A published notice's period changed (corrected, or counted again after a holiday change):
    tell one applicant in it, or (application=None) the unit's officers."""
    context = {
        **notice_context(notice),
        "old_start_date": before[0].isoformat(),
        "old_end_date": before[1].isoformat(),
        "reason": reason,
    }
    if application is None:
        return notify(
            recipients=list(officers),
            event="notice_changed",
            context=context,
            url=page_url("reviews:notice_detail", notice.pk),
            purpose="notice_changed",
        )
    return notify(
        recipients=[application.applicant],
        event="notice_changed",
        context=context,
        application=application,
        url=page_url("reviews:public_notices"),
        purpose="notice_changed",
    )


@in_site_language
def notice_withdrawn(notice, *, application: Application, reason: str) -> list:
    """The unit withdrew a notice an applicant was in."""
    return notify(
        recipients=[application.applicant],
        event="notice_withdrawn",
        context={**notice_context(notice), "reason": reason},
        application=application,
        url=page_url("applications:timeline", application.pk),
        dedupe_key=f"notice_withdrawn:{notice.pk}:{application.pk}",
        purpose="notice_withdrawn",
    )


def on_step(event: StepTaken) -> None:
    """The workflow's subscriber (see the module's docstring)."""
    application_state_changed(event.application, opinion=event.opinion)
