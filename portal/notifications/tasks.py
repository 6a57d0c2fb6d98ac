"""Celery tasks: sending one outbox row (ids, never objects; idempotent; acks_late; bounded retries
with backoff; failures recorded on the row), and the beat jobs (dispatcher, digests, reminders).

The beat jobs take an optional `now` (ISO 8601) so tests can run them at a chosen moment."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.core.mail import EmailMessage as DjangoEmail
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from . import codes
from .models import EmailMessage, FailureKind, SmsMessage, SmsStatus
from .outbox import dispatch_outbox as dispatch
from .outbox import purge_outbox as purge
from .sms import get_backend

logger = logging.getLogger("portal.notifications")

MAX_RETRIES = 5
# A database that blinked (failover, restart, a dropped connection) is retried soon, not left to
# the dispatcher's requeue rule.
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)


def _backoff(retries: int) -> int:
    return min(30 * 2**retries, 3600)


def _db_backoff(retries: int) -> int:
    return min(5 * 2**retries, 120)


def _send(task, model, message_id: int, send, problem_of) -> str:
    try:
        return _send_once(task, model, message_id, send, problem_of)
    except TRANSIENT_DB_ERRORS as exc:
        logger.warning("%s %s: database unavailable, retrying", model.__name__, message_id)
        if task.request.is_eager or task.request.retries >= task.max_retries:
            raise  # the row is still pending: the dispatcher queues it again
        raise task.retry(exc=exc, countdown=_db_backoff(task.request.retries)) from exc


def _send_once(task, model, message_id: int, send, problem_of) -> str:
    """Lock the row, skip it if sent, send, record the outcome. Only a send error is retried.

    `problem_of(message)` returns (failure kind, message) when sending cannot help, else None."""
    failed = None
    with transaction.atomic():
        message = model.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status == SmsStatus.SENT:
            return "skipped"
        problem = problem_of(message)
        if problem:
            # Retrying cannot help until the account is corrected; an admin retries then.
            message.status = SmsStatus.FAILED
            message.failure_kind, message.last_error = problem
            fields = ["status", "failure_kind", "last_error"]
            if problem[0] == FailureKind.EXPIRED:
                message.sealed_secret = ""
                fields.append("sealed_secret")
            message.save(update_fields=fields)
            return "failed"
        message.attempts += 1
        try:
            send(message)
        except Exception as exc:  # any backend error is recorded on the row, where staff see it
            message.status, message.failure_kind, message.last_error = SmsStatus.FAILED, FailureKind.SEND, str(exc)
            message.save(update_fields=["status", "failure_kind", "attempts", "last_error"])
            failed = exc
        else:
            message.status, message.failure_kind, message.last_error = SmsStatus.SENT, FailureKind.NONE, ""
            message.sent_at = timezone.now()
            fields = ["status", "failure_kind", "attempts", "last_error", "sent_at"]
            if getattr(message, "sealed_secret", ""):
                message.sealed_secret = ""  # delivered: nothing left that could be opened
                fields.append("sealed_secret")
            message.save(update_fields=fields)
            return "sent"
    logger.warning("%s %s failed: %s", model.__name__, message_id, failed)
    if task.request.is_eager or task.request.retries >= task.max_retries:
        # No broker, or retries used up: the failure stays recorded for staff to retry.
        return "failed"
    raise task.retry(exc=failed, countdown=_backoff(task.request.retries))


def _sms_problem(message: SmsMessage):
    # Imported here because services.py imports outbox.py, which queues these tasks.
    from .services import mobile_problem

    problem = mobile_problem(message.address)
    if problem:
        return FailureKind.ADDRESS, problem
    if message.template and (
        not message.sealed_secret or message.secret_expires_at is None or message.secret_expires_at <= timezone.now()
    ):
        return FailureKind.EXPIRED, _("验证码已过期，未发送。")
    return None


def _sms_text(message: SmsMessage) -> str:
    """What the gateway receives: the stored text, or for a one-time code the template rendered
    with the code opened from its seal (never written anywhere)."""
    if not message.template:
        return message.text
    code = codes.unseal(message.sealed_secret, mobile=message.mobile, template=message.template)
    return codes.render(message.template, message.params, code)


def _send_sms(message: SmsMessage) -> None:
    get_backend().send(message.mobile, _sms_text(message), purpose=message.purpose)


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def send_sms(self, message_id: int) -> str:
    """Send one text message. Idempotent: a message already sent is not sent again."""
    return _send(self, SmsMessage, message_id, _send_sms, _sms_problem)


def _email_problem(message: EmailMessage):
    # Imported here because services.py imports outbox.py, which queues these tasks.
    from .services import email_problem

    problem = email_problem(message.address)
    return (FailureKind.ADDRESS, problem) if problem else None


def _send_email(message: EmailMessage) -> None:
    DjangoEmail(subject=message.subject, body=message.body, to=[message.to]).send(fail_silently=False)


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def send_email(self, message_id: int) -> str:
    """Send one e-mail through Django's EMAIL_BACKEND. Idempotent like send_sms."""
    return _send(self, EmailMessage, message_id, _send_email, _email_problem)


# --- beat ----------------------------------------------------------------------------------------


def moment_from(now: str | None) -> datetime.datetime:
    if not now:
        return timezone.now()
    moment = parse_datetime(now)
    if moment is None:
        raise ValueError(f"not an ISO 8601 datetime: {now!r}")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@shared_task(acks_late=True)
def dispatch_outbox(now: str | None = None) -> int:
    return dispatch(now=moment_from(now))


@shared_task(acks_late=True)
def purge_outbox(now: str | None = None) -> int:
    return purge(now=moment_from(now))
