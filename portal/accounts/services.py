"""Writes about people: registration, passwords, lockout. One function per write."""

import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.identity import normalize_id_number, normalize_mobile, parse_id_number
from portal.notifications.services import sms_code_seal, sms_enqueue_sealed

from .lockout import clear_lockout
from .models import PasswordResetCode, User


def user_create(*, real_name: str, id_number: str, mobile: str, password: str, email: str = "") -> User:
    """Create a person. Callers validate uniqueness in their forms; the DB enforces it again."""
    parse_id_number(id_number)
    user = User(
        id_number=normalize_id_number(id_number),
        real_name=real_name.strip(),
        mobile=normalize_mobile(mobile),
        email=email,
    )
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def user_unlock(*, user: User, by: User) -> None:
    clear_lockout(user)


def _one_time_password() -> str:
    # Readable: no 0/O or 1/l/I; always a letter and a digit so the policy accepts it.
    letters = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
    digits = "23456789"
    chars = [secrets.choice(letters) for _ in range(6)] + [secrets.choice(digits) for _ in range(4)]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


@transaction.atomic
def user_reset_password(*, user: User, by: User) -> str:
    """Set a one-time password (returned once, to show to the officer) and clear any lockout."""
    password = _one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    clear_lockout(user)
    return password


@transaction.atomic
def user_change_password(*, user: User, password: str) -> None:
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    clear_lockout(user)


# --- one-time codes sent by SMS ------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(string.digits) for _ in range(6))


def _code_throttled(codes, now) -> bool:
    """Codes come at most once a minute and a few times a day per account (or mobile).

    Each code allows PASSWORD_RESET_CODE_ATTEMPTS guesses; without a cap on new codes the guesses
    would be unlimited (and the person's phone flooded with messages).
    """
    interval = timedelta(seconds=getattr(settings, "PASSWORD_RESET_CODE_INTERVAL_SECONDS", 60))
    per_day = getattr(settings, "PASSWORD_RESET_CODES_PER_DAY", 5)
    recent = codes.filter(created_at__gt=now - timedelta(days=1))
    return recent.filter(created_at__gt=now - interval).exists() or recent.count() >= per_day


def _code_use(codes, code: str) -> ValidationError | None:
    """Check `code` against the live one in `codes`: count a wrong guess, use a right one up.

    Returns the error to show at the field (after the caller's transaction has committed the
    count), or None when the code was right. A check without any live code still computes one
    hash, so that "no code was ever sent" takes as long as "wrong code".
    """
    now = timezone.now()
    live = codes.select_for_update().filter(used_at__isnull=True, expires_at__gt=now).first()
    if live is None or live.attempts >= settings.PASSWORD_RESET_CODE_ATTEMPTS:
        check_password(code, "!")  # an unusable hash: Django still hashes once, as for a real check
        return ValidationError({"code": _("验证码已失效，请重新获取。")})
    if not check_password(code.strip(), live.code_hash):
        live.attempts += 1
        live.save(update_fields=["attempts"])
        left = settings.PASSWORD_RESET_CODE_ATTEMPTS - live.attempts
        return ValidationError(
            {"code": _("验证码不正确，还可尝试%(n)d次。") % {"n": left} if left else _("验证码已失效，请重新获取。")}
        )
    live.used_at = now
    live.save(update_fields=["used_at"])
    return None


def _code_prepare(*, mobile: str, template: str, minutes: int, now) -> tuple[str, dict]:
    """The expensive part of sending a code (hash, render, seal), done before knowing whether it
    will be sent, so that every answer costs the same. Returns (code hash, outbox fields)."""
    code = _new_code()
    fields = sms_code_seal(
        mobile=mobile,
        template=template,
        params={"minutes": minutes},
        code=code,
        expires_at=now + timedelta(minutes=minutes),
    )
    return make_password(code), fields


# --- forgotten password ----------------------------------------------------------------------------


@transaction.atomic
def password_reset_request(*, id_number: str, mobile: str) -> bool:
    """Send a one-time code when ID and mobile belong to the same account.

    Returns whether a code was sent. Nothing in the answer or its timing tells who is registered:
    the view shows the same message either way, and the code is generated, hashed, rendered and
    sealed for an unknown account or a throttled one just the same, then dropped.
    """
    now = timezone.now()
    minutes = settings.PASSWORD_RESET_CODE_MINUTES
    user = User.objects.filter(
        id_number=normalize_id_number(id_number), mobile=normalize_mobile(mobile), is_active=True
    ).first()
    if user is not None:
        User.objects.select_for_update().filter(pk=user.pk).first()  # one request at a time per account
    code_hash, message = _code_prepare(mobile=mobile, template="password_reset", minutes=minutes, now=now)
    if user is None or _code_throttled(PasswordResetCode.objects.filter(user=user), now):
        return False
    PasswordResetCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    PasswordResetCode.objects.create(user=user, code_hash=code_hash, expires_at=message["secret_expires_at"])
    sms_enqueue_sealed(mobile=user.mobile, purpose="password_reset", **message)
    return True


def password_reset_confirm(*, id_number: str, code: str, password: str) -> User:
    """Check the code and set the new password. Raises ValidationError keyed by field."""
    with transaction.atomic():
        user = User.objects.filter(id_number=normalize_id_number(id_number)).first()
        failed = _code_use(PasswordResetCode.objects.filter(user=user), code)
        if failed is None:
            user_change_password(user=user, password=password)
    if failed:
        raise failed
    return user
