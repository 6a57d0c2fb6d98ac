"""Sent messages do not keep their bodies for ever: after NOTIFY_OUTBOX_RETENTION_DAYS only who,
why, when and the outcome remain; a code nobody could deliver is erased once it expires."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from portal.notifications.models import EmailMessage, SmsMessage, SmsStatus
from portal.notifications.services import sms_code_seal
from portal.notifications.tasks import purge_outbox

pytestmark = pytest.mark.django_db


def sms(*, sent_days_ago=None, status=SmsStatus.SENT, **fields):
    now = timezone.now()
    sent_at = now - timedelta(days=sent_days_ago) if sent_days_ago is not None else None
    return SmsMessage.objects.create(
        mobile="13800000001",
        text="您的申报已受理，受理号 受理〔2026〕0000001。",
        purpose="workflow_accepted",
        status=status,
        sent_at=sent_at,
        created_at=sent_at or now,
        **fields,
    )


def email(*, sent_days_ago):
    sent_at = timezone.now() - timedelta(days=sent_days_ago)
    return EmailMessage.objects.create(
        to="zhang@example.cn",
        subject="【职称申报】申报已受理",
        body="张伟，您好：您的申报已受理。",
        purpose="workflow_accepted",
        status=SmsStatus.SENT,
        sent_at=sent_at,
        created_at=sent_at,
    )


def test_bodies_of_messages_sent_before_the_retention_period_are_purged(settings):
    settings.NOTIFY_OUTBOX_RETENTION_DAYS = 30
    old_sms, recent_sms = sms(sent_days_ago=31), sms(sent_days_ago=29)
    old_email, recent_email = email(sent_days_ago=31), email(sent_days_ago=29)
    pending = sms(status=SmsStatus.PENDING)
    failed = sms(status=SmsStatus.FAILED)
    old_failed = SmsMessage.objects.create(
        mobile="13800000001",
        text="x",
        purpose="t",
        status=SmsStatus.FAILED,
        created_at=timezone.now() - timedelta(days=40),
    )

    assert purge_outbox.apply().get() == 2

    for row in (old_sms, recent_sms, old_email, recent_email, pending, failed, old_failed):
        row.refresh_from_db()
    assert old_sms.text == "" and old_sms.params == {} and old_sms.purged_at is not None
    assert old_email.body == "" and old_email.purged_at is not None
    # What stays: to whom, why, when, the outcome.
    assert (old_sms.mobile, old_sms.purpose, old_sms.status) == ("13800000001", "workflow_accepted", SmsStatus.SENT)
    assert old_email.subject == "【职称申报】申报已受理"
    assert "受理号" in recent_sms.text and "已受理" in recent_email.body
    # Not sent yet: kept for sending or for staff to retry.
    assert pending.text and failed.text and old_failed.text
    # Running again purges nothing more.
    assert purge_outbox.apply().get() == 0


def test_a_sealed_code_that_expired_undelivered_is_erased():
    now = timezone.now()
    sealed = sms_code_seal(
        mobile="13800000001",
        template="password_reset",
        params={"minutes": 10},
        code="123456",
        expires_at=now - timedelta(minutes=1),
    )
    expired = SmsMessage.objects.create(
        mobile="13800000001", purpose="password_reset", status=SmsStatus.FAILED, **sealed
    )
    live = SmsMessage.objects.create(
        mobile="13800000001",
        purpose="password_reset",
        status=SmsStatus.PENDING,
        **{**sealed, "secret_expires_at": now + timedelta(minutes=5)},
    )
    purge_outbox.apply()
    expired.refresh_from_db()
    live.refresh_from_db()
    assert expired.sealed_secret == "" and "******" in expired.text
    assert live.sealed_secret == sealed["sealed_secret"]


def test_the_purge_runs_daily_from_beat():
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "portal.notifications.tasks.purge_outbox" in tasks
