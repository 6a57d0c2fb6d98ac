"""The reviewers' and applicants' scheduled messages (Celery beat, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from portal.notifications.tasks import moment_from

from . import reminders


@shared_task(acks_late=True)
def send_review_digests(now: str | None = None) -> int:
    return reminders.review_digests_send(now=moment_from(now))


@shared_task(acks_late=True)
def remind_closing_windows(now: str | None = None) -> int:
    return reminders.closing_windows_remind(now=moment_from(now))


@shared_task(acks_late=True)
def remind_overdue_stages(now: str | None = None) -> int:
    return reminders.overdue_stages_remind(now=moment_from(now))


@shared_task(acks_late=True)
def send_overdue_summary(now: str | None = None) -> int:
    return reminders.overdue_summary_send(now=moment_from(now))


@shared_task(acks_late=True)
def remind_notices(now: str | None = None) -> int:
    return reminders.notices_remind(now=moment_from(now))
