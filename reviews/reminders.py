"""Scheduled notifications (run by Celery beat, see CELERY_BEAT_SCHEDULE in settings): the
reviewers' daily digest, application windows closing, applications waiting too long at a stage
(to the stage's reviewers daily, and a weekly summary to the bureau), and public notices ending.

Every function takes `now` and uses no other clock, so tests run them at any moment. Every
message carries a dedupe key: a job that runs twice (beat restarted, a retry) sends nothing twice.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from applications.models import REVIEW_STATE_VALUES, Action, Application, ReviewRecord, State
from portal.accounts.models import User
from portal.catalog.models import ApplicationWindow
from portal.notifications.models import DigestEntry, Notification
from portal.notifications.services import in_site_language, notify, page_url
from portal.organizations.models import Membership, Role
from portal.organizations.scope import region_subtree_ids

from .alerts import application_context, notice_context, stage_reviewers
from .models import Holiday, NoticeResult, UnitNotice
from .selectors import review_queue
from .working_days import library_day

STAGE_LABELS = dict(State.choices)


def _label(state: str) -> str:
    return str(STAGE_LABELS.get(state, state))


def _since(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _row(application: Application, state: str, since: str, **extra) -> dict:
    return {
        "applicant": application.applicant.real_name,
        "unit": application.unit.name,
        "item": application.item.short_name,
        "title": application.title.name,
        "stage": _label(state),
        "since": since,
        **extra,
    }


# --- the reviewers' daily digest ---------------------------------------------------------------------


@in_site_language
def review_digests_send(*, now: datetime.datetime) -> int:
    """One message per reviewer per day listing what reached their queue since their last digest
    and still waits there. Returns the number of digests sent."""

    today = timezone.localdate(now)
    key = f"review_digest:{today.isoformat()}"
    entries = (
        DigestEntry.objects.filter(digested_at__isnull=True, created_at__lte=now)
        .select_related(
            "recipient", "application__applicant", "application__unit", "application__item", "application__title"
        )
        .order_by("recipient_id", "created_at", "id")
    )
    sent = 0
    for _recipient_id, group in groupby(entries, key=lambda e: e.recipient_id):
        group = list(group)
        recipient = group[0].recipient
        waiting = [e for e in group if e.application.state == e.state]
        moved_on = [e.pk for e in group if e.application.state != e.state]
        with transaction.atomic():
            if moved_on:  # handled by someone before the digest went out: nothing to tell
                DigestEntry.objects.filter(pk__in=moved_on).update(digested_at=now)
            if not waiting:
                continue
            rows = [_row(e.application, e.state, _since(e.created_at)) for e in waiting]
            created = notify(
                recipients=[recipient],
                event="review_digest",
                context={
                    "date": today.isoformat(),
                    "new_count": len(rows),
                    "waiting_count": review_queue(recipient).count(),
                    "items": rows,
                },
                url=page_url("reviews:queue"),
                dedupe_key=key,
                purpose="review_digest",
            )
            if created:
                DigestEntry.objects.filter(pk__in=[e.pk for e in waiting]).update(
                    digested_at=now, notification=created[0]
                )
                sent += 1
            elif not Notification.objects.filter(recipient=recipient, dedupe_key=key).exists():
                # Nobody to tell (the account was deactivated): do not carry these forever.
                DigestEntry.objects.filter(pk__in=[e.pk for e in waiting]).update(digested_at=now)
            # else: today's digest already went out; these wait for tomorrow's.
    return sent


# --- application windows closing -----------------------------------------------------------------------


def _drafts_for(window: ApplicationWindow):
    query = Q(window=window)
    if window.committee_id:
        query |= Q(window__isnull=True, committee_id=window.committee_id, year=window.year)
    return (
        Application.objects.filter(query, state__in=[State.DRAFT, State.RETURNED])
        .select_related("applicant", "unit", "item", "series", "title", "committee")
        .order_by("pk")
    )


@in_site_language
def closing_windows_remind(*, now: datetime.datetime) -> int:
    """Applicants with an unsubmitted draft (or a returned application) for a window that closes
    within NOTIFY_WINDOW_REMINDER_DAYS days (7 and 1): one reminder per threshold and application."""
    count = 0
    lower = now
    for days in sorted(set(settings.NOTIFY_WINDOW_REMINDER_DAYS)):
        upper = now + datetime.timedelta(days=days)
        windows = ApplicationWindow.objects.filter(opens_at__lte=now, closes_at__gt=lower, closes_at__lte=upper)
        for window in windows.select_related("committee"):
            days_left = max(1, math.ceil((window.closes_at - now).total_seconds() / 86400))
            for application in _drafts_for(window):
                context = {
                    **application_context(application),
                    "window_name": window.name,
                    "committee": window.committee.name if window.committee_id else "",
                    "closes_at": _since(window.closes_at),
                    "days_left": days_left,
                }
                count += len(
                    notify(
                        recipients=[application.applicant],
                        event="window_closing",
                        context=context,
                        application=application,
                        url=page_url("applications:checklist", application.pk),
                        dedupe_key=f"window_closing:{window.pk}:{days}:{application.pk}",
                        purpose="window_closing",
                    )
                )
        lower = upper
    return count


# --- applications waiting too long ---------------------------------------------------------------------


class _WorkingCalendar:
    """Working days over a range, the Holiday table read once (reviews.working_days' rules)."""

    def __init__(self, start: datetime.date, end: datetime.date):

        self.table = {row.date: row.is_workday for row in Holiday.objects.filter(date__gte=start, date__lte=end)}

    def is_workday(self, day: datetime.date) -> bool:

        if day in self.table:
            return self.table[day]
        info = library_day(day)
        return info.workday if info is not None else day.weekday() < 5

    def count_after(self, since: datetime.date, today: datetime.date) -> int:
        """Working days in (since, today]."""
        day, count = since + datetime.timedelta(days=1), 0
        while day <= today:
            count += self.is_workday(day)
            day += datetime.timedelta(days=1)
        return count


# Waiting here is the plan, not a delay: the committee meets on its own dates (often once a year)
# and every application waits for that meeting. Reminding the bureau daily would list them all
# for weeks, and the weekly summary would count them as overdue.
NOT_OVERDUE_STATES = (State.COMMITTEE_REVIEW,)


@dataclass
class Overdue:
    application: Application
    since: datetime.datetime
    waited: int


def overdue_applications(*, now: datetime.datetime) -> list[Overdue]:
    """Applications waiting at a review stage more than NOTIFY_STAGE_OVERDUE_WORKING_DAYS working
    days, counted from the last record that put them there (a notice opened or concluded restarts
    the clock). A public notice still running, or the committee's meeting, is waiting by design and
    is left out."""

    limit = settings.NOTIFY_STAGE_OVERDUE_WORKING_DAYS
    today = timezone.localdate(now)
    entered = (
        ReviewRecord.objects.filter(application=OuterRef("pk"), to_state=OuterRef("state"), created_at__lte=now)
        .exclude(action=Action.REFUSED)
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    running_notice = UnitNotice.objects.filter(
        applications=OuterRef("pk"), result=NoticeResult.PENDING, end_date__gte=today
    )
    applications = list(
        Application.objects.filter(state__in=REVIEW_STATE_VALUES, submitted_at__isnull=False)
        .exclude(state__in=NOT_OVERDUE_STATES)
        .annotate(entered_at=Subquery(entered))
        .exclude(Exists(running_notice))
        .select_related("applicant", "unit", "unit__region", "unit__parent", "item", "title")
        .order_by("submitted_at", "pk")
    )
    if not applications:
        return []
    starts = [timezone.localdate(a.entered_at or a.submitted_at) for a in applications]
    calendar = _WorkingCalendar(min(starts), today)
    found = []
    for application, start in zip(applications, starts, strict=True):
        waited = calendar.count_after(start, today)
        if waited > limit:
            found.append(Overdue(application, application.entered_at or application.submitted_at, waited))
    return found


def _overdue_row(overdue: Overdue) -> dict:
    application = overdue.application
    return _row(application, application.state, _since(overdue.since), waited=overdue.waited)


@in_site_language
def overdue_stages_remind(*, now: datetime.datetime) -> int:
    """On working days: one message per reviewer listing the overdue applications at their stage."""
    today = timezone.localdate(now)
    if not _WorkingCalendar(today, today).is_workday(today):
        return 0
    per_reviewer: dict[int, tuple] = {}
    reviewers_cache: dict[tuple, list] = {}
    for overdue in overdue_applications(now=now):
        application = overdue.application
        key = (application.state, application.unit_id)
        if key not in reviewers_cache:
            reviewers_cache[key] = stage_reviewers(application)
        for reviewer in reviewers_cache[key]:
            per_reviewer.setdefault(reviewer.pk, (reviewer, []))[1].append(_overdue_row(overdue))
    sent = 0
    for reviewer, rows in per_reviewer.values():
        sent += len(
            notify(
                recipients=[reviewer],
                event="stage_overdue",
                context={"days": settings.NOTIFY_STAGE_OVERDUE_WORKING_DAYS, "count": len(rows), "items": rows},
                url=page_url("reviews:queue"),
                dedupe_key=f"stage_overdue:{today.isoformat()}",
                purpose="stage_overdue",
            )
        )
    return sent


@in_site_language
def overdue_summary_send(*, now: datetime.datetime) -> int:
    """Weekly, to each bureau approver: the overdue applications of their region, by stage."""

    today = timezone.localdate(now)
    iso = today.isocalendar()
    overdue = overdue_applications(now=now)
    regions_of: dict[int, set] = defaultdict(set)
    users = {}
    for membership in (
        Membership.objects.active()
        .filter(role=Role.BUREAU_APPROVER, user__is_active=True)
        .select_related("user", "organization")
    ):
        regions_of[membership.user_id] |= region_subtree_ids({membership.organization.region_id})
        users[membership.user_id] = membership.user
    sent = 0
    for user_id, regions in regions_of.items():
        mine = [o for o in overdue if o.application.unit.region_id in regions]
        if not mine:
            continue
        by_stage = defaultdict(int)
        for o in mine:
            by_stage[o.application.state] += 1
        stages = [
            {"stage": _label(state), "count": by_stage[state]} for state in REVIEW_STATE_VALUES if by_stage.get(state)
        ]
        sent += len(
            notify(
                recipients=[users[user_id]],
                event="overdue_summary",
                context={
                    "week": f"{iso.year}年第{iso.week}周",
                    "date": today.isoformat(),
                    "days": settings.NOTIFY_STAGE_OVERDUE_WORKING_DAYS,
                    "total": len(mine),
                    "stages": stages,
                    "items": [_overdue_row(o) for o in mine[:50]],
                },
                url=page_url("reviews:queue"),
                dedupe_key=f"overdue_summary:{iso.year}-W{iso.week:02d}",
                purpose="overdue_summary",
            )
        )
    return sent


# --- public notices ---------------------------------------------------------------------------------


@in_site_language
def notices_remind(*, now: datetime.datetime) -> int:
    """Officers, when their unit's notice ends today or tomorrow (record the result after it);
    applicants, when a notice they are in has ended (within the last week, once)."""

    today = timezone.localdate(now)
    count = 0
    ending = UnitNotice.objects.filter(
        result=NoticeResult.PENDING, end_date__gte=today, end_date__lte=today + datetime.timedelta(days=1)
    ).select_related("unit")
    for notice in ending:
        officers = User.objects.filter(
            memberships__organization=notice.unit, memberships__role=Role.UNIT_HR, memberships__is_active=True
        ).distinct()
        count += len(
            notify(
                recipients=list(officers),
                event="notice_ending",
                context={**notice_context(notice), "count": notice.applications.count()},
                url=page_url("reviews:notice_detail", notice.pk),
                # The end date is part of the key: a corrected notice is reminded of again.
                dedupe_key=f"notice_ending:{notice.pk}:{notice.end_date.isoformat()}",
                purpose="notice_ending",
            )
        )
    ended = (
        UnitNotice.objects.filter(end_date__lt=today, end_date__gte=today - datetime.timedelta(days=7))
        .exclude(result=NoticeResult.WITHDRAWN)
        .select_related("unit")
    )
    for notice in ended:
        for application in notice.applications.exclude(state=State.WITHDRAWN).select_related("applicant"):
            count += len(
                notify(
                    recipients=[application.applicant],
                    event="notice_closed",
                    context=notice_context(notice),
                    application=application,
                    url=page_url("applications:timeline", application.pk),
                    dedupe_key=f"notice_closed:{notice.pk}:{application.pk}",
                    purpose="notice_closed",
                )
            )
    return count
