"""Writes of the notifications app. `notify` is the one entry point the workflow calls; `sms_enqueue`
stays for messages that are not notifications (verification codes)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.core.identity import normalize_mobile, validate_mobile

from . import codes, events, templating
from .models import (
    EmailMessage,
    FailureKind,
    Notification,
    NotificationPreference,
    NotificationTemplate,
    SmsMessage,
    SmsStatus,
)
from .outbox import enqueue_on_commit

logger = logging.getLogger("portal.notifications")


def page_url(name: str, *args) -> str:
    """The path of a page for a message's link, or "" when it cannot be reversed."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def in_site_language(function):
    """Messages are worded in the site's language (the templates are Chinese) whatever language the
    person whose action sends them reads the site in: a reviewer on the English pages must not put
    English state labels into a Chinese applicant's message."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


# --- addresses ------------------------------------------------------------------------------------


def mobile_problem(mobile: str) -> str:
    try:
        validate_mobile(mobile or "")
    except ValidationError:
        return _("手机号码无效：%(m)s") % {"m": mobile or "—"} if mobile else _("账户未填写手机号码")
    return ""


def email_problem(address: str) -> str:
    if not address:
        return _("账户未填写电子邮箱")
    try:
        validate_email(address)
    except ValidationError:
        return _("电子邮箱地址无效：%(a)s") % {"a": address}
    return ""


def _sms_row(*, mobile: str, text: str, purpose: str, notification=None, **code_fields) -> SmsMessage:
    mobile = normalize_mobile(mobile) or (mobile or "")
    problem = mobile_problem(mobile)
    return SmsMessage.objects.create(
        mobile=mobile[:11],
        text=text,
        purpose=purpose[:40],
        notification=notification,
        status=SmsStatus.FAILED if problem else SmsStatus.PENDING,
        failure_kind=FailureKind.ADDRESS if problem else FailureKind.NONE,
        last_error=problem,
        **code_fields,
    )


def _email_row(*, to: str, subject: str, body: str, purpose: str, notification=None) -> EmailMessage:
    to = (to or "").strip()
    problem = email_problem(to)
    return EmailMessage.objects.create(
        to=to[:254],
        subject=subject[:200],
        body=body,
        purpose=purpose[:40],
        notification=notification,
        status=SmsStatus.FAILED if problem else SmsStatus.PENDING,
        failure_kind=FailureKind.ADDRESS if problem else FailureKind.NONE,
        last_error=problem,
    )


# --- text messages outside notifications ------------------------------------------------------------


def sms_enqueue(*, mobile: str, text: str, purpose: str) -> SmsMessage:
    """Record a text message in the outbox and send it once the caller's transaction commits."""
    message = _sms_row(mobile=mobile, text=text, purpose=purpose)
    enqueue_on_commit([message])
    return message


def sms_code_seal(*, mobile: str, template: str, params: dict, code: str, expires_at) -> dict:
    """The outbox fields of a message carrying a one-time code: template reference, masked text
    and the code sealed (codes.py). Costs the same whether or not the row is then written, so a
    caller can do this work for an account that does not exist."""
    mobile = normalize_mobile(mobile) or (mobile or "")
    return {
        "text": codes.masked(template, params),
        "template": template,
        "params": params,
        "sealed_secret": codes.seal(code, mobile=mobile[:11], template=template),
        "secret_expires_at": expires_at,
    }


def sms_enqueue_sealed(*, mobile: str, purpose: str, **sealed) -> SmsMessage:
    """Record a text message carrying a one-time code (`sealed`: what sms_code_seal returned). The
    code never appears in clear text in the outbox, the log or the broker; the worker renders the
    full text only to hand it to the gateway."""
    message = _sms_row(mobile=mobile, purpose=purpose, **sealed)
    enqueue_on_commit([message])
    return message


def sms_enqueue_code(*, mobile: str, template: str, params: dict, code: str, expires_at, purpose: str) -> SmsMessage:
    """sms_code_seal then sms_enqueue_sealed."""
    sealed = sms_code_seal(mobile=mobile, template=template, params=params, code=code, expires_at=expires_at)
    return sms_enqueue_sealed(mobile=mobile, purpose=purpose, **sealed)


# --- wording ---------------------------------------------------------------------------------------


def wording_for(event: str) -> tuple[str, str, str]:
    """(subject, body, sms) templates: the admin's row, else the default in events.py."""
    row = NotificationTemplate.objects.filter(event=event).first()
    if row is not None:
        return row.subject, row.body, row.sms_text
    spec = events.get(event)
    return spec.subject, spec.body, spec.sms


def templates_ensure() -> int:
    """Create the template rows admins edit, from the defaults, for events that have none."""
    existing = set(NotificationTemplate.objects.values_list("event", flat=True))
    missing = [
        NotificationTemplate(event=e.key, subject=e.subject, body=e.body, sms_text=e.sms)
        for e in events.EVENTS.values()
        if e.key not in existing
    ]
    NotificationTemplate.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def _render(event: str, wording: tuple[str, str, str], values: dict) -> tuple[str, str, str]:
    try:
        return tuple(templating.render(source, values) for source in wording)
    except Exception:
        # Saved templates are checked in the admin; should one still fail, the message goes out
        # in the default wording rather than not at all.
        logger.exception("template for %s failed to render; using the default", event)
        spec = events.get(event)
        return tuple(templating.render(source, values) for source in (spec.subject, spec.body, spec.sms))


def absolute_url(url: str) -> str:
    base = settings.NOTIFY_SITE_URL.rstrip("/")
    return f"{base}{url}" if base and url.startswith("/") else url


# --- the entry point --------------------------------------------------------------------------------


def _users(recipients) -> list:
    if recipients is None:
        return []
    if not isinstance(recipients, Iterable):
        recipients = [recipients]
    unique = {}
    for user in recipients:
        if user is not None and user.is_active:
            unique.setdefault(user.pk, user)
    return list(unique.values())


def preference_for(user) -> NotificationPreference:
    """The user's channels (an unsaved default when they never chose)."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


@in_site_language
def notify(
    *,
    recipients,
    event: str,
    context: dict | None = None,
    application=None,
    url: str = "",
    dedupe_key: str = "",
    purpose: str = "",
) -> list[Notification]:
    """Tell people something: one inbox row per recipient (always), plus an e-mail and a text
    message outbox row per the recipient's preferences, queued after the caller's transaction
    commits. Call it after the change it reports has committed, or inside that change's
    transaction (then nothing is recorded if it rolls back).

    A missing or invalid address records a failed outbox row for that channel; it never raises.
    With `dedupe_key`, a recipient who already has a notification with that key is skipped
    (scheduled reminders may run twice). Returns the notifications created.
    """
    spec = events.get(event)
    wording = wording_for(event)
    purpose = purpose or event
    users = _users(recipients)
    if not users:
        return []
    preferences = {p.user_id: p for p in NotificationPreference.objects.filter(user__in=users)}
    created, outbox = [], []
    with transaction.atomic():
        for user in users:
            if dedupe_key and Notification.objects.filter(recipient=user, dedupe_key=dedupe_key).exists():
                continue
            values = {
                "name": user.real_name,
                "portal_name": settings.PORTAL_NAME,
                "url": absolute_url(url),
                **(context or {}),
            }
            subject, body, sms = _render(spec.key, wording, values)
            try:
                with transaction.atomic():
                    notification = Notification.objects.create(
                        recipient=user,
                        event=spec.key,
                        subject=subject[:200],
                        body=body,
                        url=url,
                        application=application,
                        dedupe_key=dedupe_key,
                    )
            except IntegrityError:
                if dedupe_key:  # another run recorded it in between
                    continue
                raise
            created.append(notification)
            choice = preferences.get(user.pk) or NotificationPreference(user=user)
            if choice.email:
                link = absolute_url(url)
                text = body + "\n\n" + _("查看详情：%(link)s") % {"link": link} if link.startswith("http") else body
                outbox.append(
                    _email_row(
                        to=user.email,
                        subject=f"【{settings.PORTAL_NAME}】{subject}",
                        body=text,
                        purpose=purpose,
                        notification=notification,
                    )
                )
            if choice.sms and sms:
                outbox.append(_sms_row(mobile=user.mobile, text=sms, purpose=purpose, notification=notification))
    enqueue_on_commit(outbox)
    return created


# --- the inbox --------------------------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: int) -> Notification | None:
    notification = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def preference_update(*, user, email: bool, sms: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email": email, "sms": sms}
    )
    return preference


# --- failures ---------------------------------------------------------------------------------------


def outbox_retry(rows) -> int:
    """Send failed rows again (admin action). The address is read from the account again, so a
    person who has since added an e-mail or corrected a mobile gets the message."""
    retried = []
    with transaction.atomic():
        for row in rows:
            row = (
                type(row)
                .objects.select_for_update(of=("self",))
                .select_related("notification__recipient")
                .get(pk=row.pk)
            )
            if row.status != SmsStatus.FAILED:
                continue
            recipient = row.notification.recipient if row.notification_id else None
            if isinstance(row, SmsMessage):
                if recipient is not None:
                    row.mobile = (normalize_mobile(recipient.mobile) or recipient.mobile or "")[:11]
                problem = mobile_problem(row.mobile)
            else:
                if recipient is not None:
                    row.to = (recipient.email or "").strip()
                problem = email_problem(row.to)
            if problem:
                row.failure_kind, row.last_error = FailureKind.ADDRESS, problem
            else:
                row.status, row.failure_kind, row.queued_at = SmsStatus.PENDING, FailureKind.NONE, None
                retried.append(row)
            row.save()
    enqueue_on_commit(retried)
    return len(retried)
