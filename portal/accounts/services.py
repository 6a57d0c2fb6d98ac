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
from portal.notifications.services import sms_enqueue

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


def _reset_code_throttled(user: User, now) -> bool:
    """Codes come at most once a minute and a few times a day per account.

    Each code allows PASSWORD_RESET_CODE_ATTEMPTS guesses; without a cap on new codes the guesses
    would be unlimited (and the person's phone flooded with messages).
    """
    interval = timedelta(seconds=settings.PASSWORD_RESET_CODE_INTERVAL_SECONDS)
    per_day = settings.PASSWORD_RESET_CODES_PER_DAY
    recent = PasswordResetCode.objects.filter(user=user, created_at__gt=now - timedelta(days=1))
    return recent.filter(created_at__gt=now - interval).exists() or recent.count() >= per_day


@transaction.atomic
def password_reset_request(*, id_number: str, mobile: str) -> bool:
    """Send a one-time code when ID and mobile belong to the same account.

    Returns whether a code was sent; the view shows the same message either way so that
    the form does not reveal who is registered (or that a code was throttled).
    """
    user = User.objects.filter(
        id_number=normalize_id_number(id_number), mobile=normalize_mobile(mobile), is_active=True
    ).first()
    if user is None:
        return False
    now = timezone.now()
    User.objects.select_for_update().filter(pk=user.pk).first()  # one request at a time per account
    if _reset_code_throttled(user, now):
        return False
    code = "".join(secrets.choice(string.digits) for _ in range(6))
    PasswordResetCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    PasswordResetCode.objects.create(
        user=user,
        code_hash=make_password(code),
        expires_at=now + timedelta(minutes=settings.PASSWORD_RESET_CODE_MINUTES),
    )
    sms_enqueue(
        mobile=user.mobile,
        text=_("您正在找回职称申报平台密码，验证码 %(code)s，%(minutes)d分钟内有效。如非本人操作请忽略。")
        % {"code": code, "minutes": settings.PASSWORD_RESET_CODE_MINUTES},
        purpose="password_reset",
    )
    return True


def password_reset_confirm(*, id_number: str, code: str, password: str) -> User:
    """Check the code and set the new password. Raises ValidationError keyed by field."""
    with transaction.atomic():
        user = User.objects.filter(id_number=normalize_id_number(id_number)).first()
        reset = (
            PasswordResetCode.objects.select_for_update()
            .filter(user=user, used_at__isnull=True, expires_at__gt=timezone.now())
            .first()
            if user
            else None
        )
        if reset is None or reset.attempts >= settings.PASSWORD_RESET_CODE_ATTEMPTS:
            raise ValidationError({"code": _("验证码已失效，请重新获取。")})
        if not check_password(code.strip(), reset.code_hash):
            reset.attempts += 1
            reset.save(update_fields=["attempts"])
            left = settings.PASSWORD_RESET_CODE_ATTEMPTS - reset.attempts
            # Commit the attempt count before reporting the error.
            failed = ValidationError(
                {
                    "code": _("验证码不正确，还可尝试%(n)d次。") % {"n": left}
                    if left
                    else _("验证码已失效，请重新获取。")
                }
            )
        else:
            failed = None
            reset.used_at = timezone.now()
            reset.save(update_fields=["used_at"])
            user_change_password(user=user, password=password)
    if failed:
        raise failed
    return user
