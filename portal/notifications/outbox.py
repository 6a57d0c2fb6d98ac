"""Handing outbox rows to the broker, and taking them back when it was down.

A row is written in the caller's transaction. After commit it is published to its send task; when
publishing fails (Redis down, network) the error is logged and the row stays pending with no
`queued_at`. The beat task `dispatch_outbox` runs every minute and publishes pending rows older than
NOTIFY_DISPATCH_AFTER_SECONDS that were never queued, or were queued more than
NOTIFY_REQUEUE_AFTER_SECONDS ago and are still pending (a task lost with its worker). Sending twice
is harmless: the send task locks the row and skips it once sent.

Bodies are not kept for ever: `purge_outbox` (beat, daily) erases the text of messages sent more
than NOTIFY_OUTBOX_RETENTION_DAYS ago, keeping to whom, why, when and the outcome, and erases sealed
one-time codes that expired before anyone could deliver them.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import EmailMessage, SmsMessage, SmsStatus

logger = logging.getLogger("portal.notifications")

# Publishing happens in the request (after commit): give up quickly and leave it to the dispatcher.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def _task_for(model):
    # Imported here because tasks.py imports this module (the dispatcher it runs queues tasks).
    from . import tasks

    return {SmsMessage: tasks.send_sms, EmailMessage: tasks.send_email}[model]


def enqueue(model, pk: int) -> bool:
    """Publish the send task of one outbox row. Never raises: a failure leaves it to the dispatcher."""
    task = _task_for(model)
    # Marked before publishing: once published, a worker may hold the row's lock while it sends,
    # and the request must not wait for that.
    model.objects.filter(pk=pk).update(queued_at=timezone.now())
    try:
        task.apply_async(args=[pk], retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:  # kombu.exceptions.OperationalError, redis errors, OSError: anything the broker raises
        logger.warning("could not queue %s %s; the dispatcher will send it later", model.__name__, pk, exc_info=True)
        model.objects.filter(pk=pk, status=SmsStatus.PENDING).update(queued_at=None)
        return False
    return True


def enqueue_on_commit(rows) -> None:
    """After the caller's transaction commits, queue each pending row (robust: a failure in one
    callback neither breaks the request nor the other callbacks)."""
    pending = [(type(row), row.pk) for row in rows if row.status == SmsStatus.PENDING]
    if not pending:
        return

    def publish():
        for model, pk in pending:
            enqueue(model, pk)

    transaction.on_commit(publish, robust=True)


def dispatch_outbox(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Queue the pending rows nobody queued (or whose task was lost). Returns how many were queued."""
    now = now or timezone.now()
    never_before = now - datetime.timedelta(seconds=settings.NOTIFY_DISPATCH_AFTER_SECONDS)
    lost_before = now - datetime.timedelta(seconds=settings.NOTIFY_REQUEUE_AFTER_SECONDS)
    queued = 0
    for model in (SmsMessage, EmailMessage):
        ids = list(
            model.objects.filter(status=SmsStatus.PENDING)
            .filter(Q(queued_at__isnull=True, created_at__lte=never_before) | Q(queued_at__lte=lost_before))
            .order_by("created_at")
            .values_list("pk", flat=True)[:limit]
        )
        for pk in ids:
            queued += enqueue(model, pk)
    if queued:
        logger.info("dispatcher queued %d pending message(s)", queued)
    return queued


def purge_outbox(*, now: datetime.datetime | None = None) -> int:
    """Erase the bodies of messages sent before the retention period, and expired sealed codes.
    Returns how many bodies were erased."""
    now = now or timezone.now()
    before = now - datetime.timedelta(days=settings.NOTIFY_OUTBOX_RETENTION_DAYS)
    old = {"status": SmsStatus.SENT, "sent_at__lt": before, "purged_at__isnull": True}
    purged = SmsMessage.objects.filter(**old).update(text="", params={}, sealed_secret="", purged_at=now)
    purged += EmailMessage.objects.filter(**old).update(body="", purged_at=now)
    SmsMessage.objects.exclude(sealed_secret="").filter(secret_expires_at__lte=now).update(sealed_secret="")
    if purged:
        logger.info("purged the bodies of %d sent message(s)", purged)
    return purged
