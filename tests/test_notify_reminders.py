"""Scheduled notifications, at chosen moments: every reminder function and beat task takes `now`
(no clock library is installed); the beat schedule itself is evaluated with a frozen clock."""

import copy
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from applications.models import Action, State
from portal.notifications.models import DigestEntry, Notification
from reviews import reminders
from reviews.models import NoticeResult, UnitNotice
from tests.factories import member
from tests.workflow_helpers import start, step, submitted, user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def messages(role_or_user, event):
    person = user(role_or_user) if isinstance(role_or_user, str) else role_or_user
    return list(Notification.objects.filter(recipient=person, event=event).order_by("created_at", "id"))


# --- the reviewers' daily digest ---------------------------------------------------------------------


def test_one_digest_per_reviewer_per_day_lists_what_waits(demo, django_capture_on_commit_callbacks):
    unit = user("unit_hr").memberships.get().organization
    others = [member("applicant", unit, real_name=name) for name in ("王芳", "李雷")]
    with django_capture_on_commit_callbacks(execute=True):
        first = submitted("initial_recognition")
        second = submitted("initial_recognition", applicant=others[0])
        third = submitted("initial_recognition", applicant=others[1])
        # The officer handles one before the digest goes out: it moves to the window's queue.
        step(third, "unit_hr", "unit_recommend")
    assert DigestEntry.objects.filter(recipient=user("unit_hr")).count() == 3
    assert messages("unit_hr", "review_digest") == []  # nothing per application

    now = timezone.now() + datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.review_digests_send(now=now) == 2  # the officer's and the window's
    [digest] = messages("unit_hr", "review_digest")
    assert "新到2件" in digest.subject
    assert first.applicant.real_name in digest.body and "王芳" in digest.body and "李雷" not in digest.body
    assert "共有2件待办" in digest.body
    assert digest.sms_messages.get().text.startswith("您有2件职称申报新进入待审核列表")
    [window_digest] = messages("window_staff", "review_digest")
    assert "李雷" in window_digest.body
    assert not DigestEntry.objects.filter(digested_at__isnull=True).exists()

    # Run twice the same day: nothing more. Something new the same day waits for tomorrow's digest.
    assert reminders.review_digests_send(now=now) == 0
    late = member("applicant", unit, real_name="赵强")
    with django_capture_on_commit_callbacks(execute=True):
        submitted("initial_recognition", applicant=late)
    assert reminders.review_digests_send(now=now + datetime.timedelta(minutes=30)) == 0
    assert len(messages("unit_hr", "review_digest")) == 1
    assert reminders.review_digests_send(now=now + datetime.timedelta(days=1)) == 1
    tomorrow = messages("unit_hr", "review_digest")[-1]
    assert "赵强" in tomorrow.body and "新到1件" in tomorrow.subject and "共有3件待办" in tomorrow.body
    assert second.pk  # still waiting at the unit, counted in the total


# --- application windows closing ---------------------------------------------------------------------


def test_window_closing_reminders_at_seven_and_one_days(demo, django_capture_on_commit_callbacks):
    draft = start("evaluation")
    window = draft.window
    assert window is not None and window.committee_id == draft.committee_id
    already_in = submitted("initial_recognition")  # not for this window; and submitted ones are left alone
    closes = window.closes_at

    assert reminders.closing_windows_remind(now=closes - datetime.timedelta(days=10)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.closing_windows_remind(now=closes - datetime.timedelta(days=6, hours=20)) == 1
    [seven] = messages("applicant", "window_closing")
    assert window.name in seven.body and "约剩7天" in seven.body and "不再开放" in seven.sms_messages.get().text
    # The daily job runs again the next days: still one 7-day reminder.
    assert reminders.closing_windows_remind(now=closes - datetime.timedelta(days=5)) == 0
    assert reminders.closing_windows_remind(now=closes - datetime.timedelta(hours=15)) == 1
    assert reminders.closing_windows_remind(now=closes - datetime.timedelta(hours=3)) == 0
    assert "约剩1天" in messages("applicant", "window_closing")[-1].body
    assert reminders.closing_windows_remind(now=closes + datetime.timedelta(hours=1)) == 0
    assert all(n.application_id == draft.pk for n in messages("applicant", "window_closing"))
    assert already_in.state == State.UNIT_REVIEW


def test_a_submitted_draft_gets_no_closing_reminder(demo, django_capture_on_commit_callbacks):
    from applications import services as filing
    from tests.filing_helpers import fill_everything

    draft = fill_everything(start("evaluation"))
    filing.application_submit(application=draft, user=draft.applicant)
    assert reminders.closing_windows_remind(now=draft.window.closes_at - datetime.timedelta(days=3)) == 0


# --- waiting too long --------------------------------------------------------------------------------


def _first(day, workday: bool):
    calendar = reminders._WorkingCalendar(day, day + datetime.timedelta(days=30))
    while calendar.is_workday(day) != workday:
        day += datetime.timedelta(days=1)
    return day


def _at(day, hour=9, minute=15):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


def test_overdue_applications_remind_the_stage_reviewers_on_working_days(
    demo, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_STAGE_OVERDUE_WORKING_DAYS = 5
    application = submitted("initial_recognition")
    entered = timezone.localdate(application.records.get(action=Action.SUBMIT).created_at)

    assert reminders.overdue_stages_remind(now=_at(_first(entered + datetime.timedelta(days=2), True))) == 0
    holiday = _first(entered + datetime.timedelta(days=21), False)
    assert reminders.overdue_stages_remind(now=_at(holiday)) == 0  # nobody is nagged on a day off
    workday = _first(holiday, True)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.overdue_stages_remind(now=_at(workday)) == 1
    [reminder] = messages("unit_hr", "stage_overdue")
    assert application.applicant.real_name in reminder.body and "超过5个工作日" in reminder.subject
    assert reminders.overdue_stages_remind(now=_at(workday, 15)) == 0  # once a day
    # Other stages' reviewers are not told.
    assert messages("window_staff", "stage_overdue") == messages("bureau_approver", "stage_overdue") == []


def test_a_running_notice_is_not_overdue_but_an_ended_one_without_result_is(demo, settings):
    settings.NOTIFY_STAGE_OVERDUE_WORKING_DAYS = 5
    application = step(submitted("evaluation"), "unit_hr", "unit_recommend")
    today = timezone.localdate()
    notice = UnitNotice.objects.create(
        unit=application.unit,
        title="公示",
        contact_person="李娜",
        phone="0871-65310000",
        start_date=today,
        working_days=30,
        end_date=today + datetime.timedelta(days=45),
        created_by=user("unit_hr"),
    )
    notice.applications.add(application)
    later = timezone.now() + datetime.timedelta(days=30)
    assert reminders.overdue_applications(now=later) == []
    assert [o.application for o in reminders.overdue_applications(now=later + datetime.timedelta(days=40))] == [
        application
    ]


def test_weekly_overdue_summary_to_the_bureau(demo, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_STAGE_OVERDUE_WORKING_DAYS = 5
    at_unit = submitted("initial_recognition")
    at_window = step(submitted("mobile_confirmation"), "unit_hr", "unit_recommend")
    at_window = step(at_window, "dept_reviewer", "department_pass")
    monday = timezone.localdate() + datetime.timedelta(days=28)
    monday -= datetime.timedelta(days=monday.weekday())
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.overdue_summary_send(now=_at(monday, 9, 30)) == 1
    [summary] = messages("bureau_approver", "overdue_summary")
    assert "共2件" in summary.subject
    assert "单位审核：1件" in summary.body and "窗口受理初审：1件" in summary.body
    assert not summary.sms_messages.exists()  # the default template sends no text message
    assert reminders.overdue_summary_send(now=_at(monday + datetime.timedelta(days=3))) == 0  # same week
    assert reminders.overdue_summary_send(now=_at(monday + datetime.timedelta(days=7))) == 1  # next week
    assert at_unit.state == State.UNIT_REVIEW and at_window.state == State.WINDOW_INTAKE


# --- public notices ----------------------------------------------------------------------------------


def test_notice_ending_to_the_officer_and_closed_to_its_applicants(demo, django_capture_on_commit_callbacks):
    application = step(submitted("evaluation"), "unit_hr", "unit_recommend")
    end = datetime.date(2026, 3, 13)
    notice = UnitNotice.objects.create(
        unit=application.unit,
        title="关于张伟申报职称的公示",
        contact_person="李娜",
        phone="0871-65310000",
        start_date=datetime.date(2026, 3, 9),
        working_days=5,
        end_date=end,
        created_by=user("unit_hr"),
    )
    notice.applications.add(application)
    assert reminders.notices_remind(now=_at(end - datetime.timedelta(days=3), 8, 0)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.notices_remind(now=_at(end - datetime.timedelta(days=1), 8, 0)) == 1
    assert reminders.notices_remind(now=_at(end, 8, 0)) == 0  # once
    [ending] = messages("unit_hr", "notice_ending")
    assert "2026-03-13" in ending.subject and "登记公示结果" in ending.body
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.notices_remind(now=_at(end + datetime.timedelta(days=3), 8, 0)) == 1
    [closed] = messages("applicant", "notice_closed")
    assert "2026-03-13" in closed.body and closed.sms_messages.exists()
    assert reminders.notices_remind(now=_at(end + datetime.timedelta(days=4), 8, 0)) == 0
    notice.result = NoticeResult.NO_OBJECTION
    notice.save()


# --- the beat schedule -------------------------------------------------------------------------------


def _due(entry, *, last_run, now) -> bool:
    schedule = copy.copy(entry["schedule"])
    if isinstance(schedule, float | int):
        return (now - last_run).total_seconds() >= schedule
    schedule.nowfun = lambda: now
    return schedule.is_due(last_run).is_due


def test_every_beat_entry_names_a_registered_task(settings):
    from portal import celery_app

    celery_app.loader.import_default_modules()  # what a worker and beat do at start: autodiscovery

    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {e["task"].rsplit(".", 1)[1] for e in schedule.values()} >= {
        "dispatch_outbox",
        "send_review_digests",
        "remind_closing_windows",
        "remind_overdue_stages",
        "send_overdue_summary",
        "remind_notices",
    }
    for entry in schedule.values():
        assert entry["task"] in celery_app.tasks, entry["task"]


def test_beat_fires_each_job_at_its_time_on_a_frozen_clock(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    digest = schedule["notifications-review-digests"]
    monday = datetime.datetime(2026, 3, 2, 8, 30, tzinfo=SHANGHAI)
    assert not _due(digest, last_run=monday, now=monday + datetime.timedelta(hours=23, minutes=59))
    assert _due(digest, last_run=monday, now=monday + datetime.timedelta(days=1, minutes=1))

    summary = schedule["notifications-overdue-summary"]
    last = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)  # a Monday
    assert not _due(summary, last_run=last, now=datetime.datetime(2026, 3, 8, 23, 0, tzinfo=SHANGHAI))
    assert _due(summary, last_run=last, now=datetime.datetime(2026, 3, 9, 9, 31, tzinfo=SHANGHAI))

    dispatcher = schedule["notifications-dispatch-outbox"]
    assert _due(dispatcher, last_run=monday, now=monday + datetime.timedelta(seconds=61))
    assert not _due(dispatcher, last_run=monday, now=monday + datetime.timedelta(seconds=30))


def test_beat_tasks_run_with_a_given_moment(demo, django_capture_on_commit_callbacks):
    from portal.notifications import tasks as notification_tasks
    from reviews import tasks

    draft = start("evaluation")
    moment = (draft.window.closes_at - datetime.timedelta(hours=10)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_closing_windows.apply(kwargs={"now": moment}).get() == 1
    for task in (
        notification_tasks.dispatch_outbox,
        tasks.send_review_digests,
        tasks.remind_overdue_stages,
        tasks.send_overdue_summary,
        tasks.remind_notices,
    ):
        assert isinstance(task.apply(kwargs={"now": moment}).get(), int)
    assert isinstance(notification_tasks.dispatch_outbox.apply().get(), int)  # as beat calls it: no arguments
