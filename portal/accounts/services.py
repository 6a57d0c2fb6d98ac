"""Writes about people: registration, passwords, lockout. One function per write."""

import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.audit import services as audit
from portal.audit.models import AuditAction
from portal.core.identity import mask_mobile, normalize_id_number, normalize_mobile, parse_id_number
from portal.notifications.services import sms_code_seal, sms_enqueue, sms_enqueue_sealed

from .lockout import clear_lockout
from .models import MobileCode, MobileCodePurpose, PasswordResetCode, User
from .second_factor import RECOVERY_CODE_COUNT, TOTP_DIGITS, TOTP_STEP, authenticator_of, normalize_code


def user_create(*, real_name: str, id_number: str, mobile: str, password: str, email: str = "") -> User:
    """Create a person. Registration goes through person_register, which also covers an ID number
    or mobile that already has an account; the database enforces uniqueness again."""
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
    audit.record(actor=by, action=AuditAction.STAFF_UNLOCK, subject=user)


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
    audit.record(actor=by, action=AuditAction.STAFF_RESET_PASSWORD, subject=user)
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
    interval = timedelta(seconds=settings.PASSWORD_RESET_CODE_INTERVAL_SECONDS)
    per_day = settings.PASSWORD_RESET_CODES_PER_DAY
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


# --- proving a mobile: registration, changing the account's mobile ---------------------------------


def _tell(to: str, text, *, purpose: str, **params) -> None:
    """A security notice to a mobile (no code in it), worded in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        sms_enqueue(mobile=to, text=str(text) % params if params else str(text), purpose=purpose)


# What the holder of a mobile that already has an account is told instead of receiving a code.
MOBILE_TAKEN = {
    MobileCodePurpose.REGISTER: gettext_lazy(
        "有人正在用本手机号码注册职称申报平台账号。本号码已注册过账号，如为本人操作，请直接登录或使用“找回密码”；"
        "如非本人操作，请忽略本短信，您的账号不受影响。"
    ),
    MobileCodePurpose.MOBILE_CHANGE: gettext_lazy(
        "有人正在把职称申报平台另一个账号的手机号码更换为本号码。本号码已注册过账号，该更换不会生效；"
        "如非本人操作，请忽略本短信，您的账号不受影响。"
    ),
}


@transaction.atomic
def mobile_code_send(*, purpose: str, mobile: str, user: User | None = None) -> bool:
    """Send a code proving that whoever typed `mobile` holds it (registration; a mobile change for
    `user`). Returns whether a code was sent.

    A mobile that already has an account gets no code: its holder is told by SMS that someone
    tried to use the number. The answer and the work are the same either way (a code is made,
    hashed, sealed, stored and a message queued), and the same throttle applies, so neither the
    page nor its timing tells whether the number is registered.
    """
    now = timezone.now()
    mobile = normalize_mobile(mobile)
    code_hash, message = _code_prepare(
        mobile=mobile, template=purpose, minutes=settings.PASSWORD_RESET_CODE_MINUTES, now=now
    )
    codes = MobileCode.objects.filter(purpose=purpose, mobile=mobile)
    if _code_throttled(codes, now):
        return False
    taken = User.objects.filter(mobile=mobile).exists()
    codes.filter(used_at__isnull=True).update(used_at=now)
    # Stored for a taken number as well (its code was never sent, so nobody can type it): the
    # throttle counts those requests, and checking a guess costs the same.
    MobileCode.objects.create(
        purpose=purpose, mobile=mobile, user=user, code_hash=code_hash, expires_at=message["secret_expires_at"]
    )
    if taken:
        _tell(mobile, MOBILE_TAKEN[purpose], purpose=f"{purpose}_taken")
        return False
    sms_enqueue_sealed(mobile=mobile, purpose=purpose, **message)
    return True


def mobile_code_use(*, purpose: str, mobile: str, code: str, user: User | None = None) -> ValidationError | None:
    """Check a code sent by mobile_code_send, inside the caller's transaction. Returns the error
    for the "code" field (raise it after the transaction, so the counted attempt is kept), or None
    when it was right (it is then used up)."""
    codes = MobileCode.objects.filter(purpose=purpose, mobile=normalize_mobile(mobile), user=user)
    return _code_use(codes, code)


def person_register(*, real_name: str, id_number: str, mobile: str, password: str, email: str = "") -> User | None:
    """Create the account of someone whose mobile has just been proven (call after
    mobile_code_use, in the same transaction).

    When the ID number (or, by a race, the mobile) already has an account, nothing is created and
    None is returned: the caller answers exactly as on success, the account's holder is told by
    SMS, and the password is hashed all the same so the answer takes as long.
    """
    id_number, mobile = normalize_id_number(id_number), normalize_mobile(mobile)
    owners = list(User.objects.filter(id_number=id_number)) + list(User.objects.filter(mobile=mobile))
    if not owners:
        try:
            with transaction.atomic():
                return user_create(
                    real_name=real_name, id_number=id_number, mobile=mobile, password=password, email=email
                )
        except IntegrityError:  # registered in between by another request
            owners = list(User.objects.filter(id_number=id_number)) + list(User.objects.filter(mobile=mobile))
    else:
        make_password(password)
    for owner in {o.pk: o for o in owners}.values():
        _tell(
            owner.mobile,
            gettext_lazy(
                "有人尝试用您的身份证号码或手机号码注册职称申报平台账号，注册未生效。您已有账号，可直接登录或使用“找回密码”；"
                "如非本人操作，请留意账号安全。"
            ),
            purpose="register_taken",
        )
    return None


def mobile_change_confirm(*, user: User, mobile: str, code: str) -> None:
    """Change the account's mobile to one proven by a code; the old number is told. Raises
    ValidationError keyed "code" (a number that has another account never got a code, so it is
    refused like a wrong code)."""
    mobile = normalize_mobile(mobile)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        failed = mobile_code_use(purpose=MobileCodePurpose.MOBILE_CHANGE, mobile=mobile, code=code, user=user)
        if failed is None and User.objects.filter(mobile=mobile).exclude(pk=user.pk).exists():
            failed = ValidationError({"code": _("验证码已失效，请重新获取。")})
        if failed is None:
            old = user.mobile
            user.mobile = mobile
            user.save(update_fields=["mobile"])
            _tell(
                old,
                gettext_lazy(
                    "您的职称申报平台账号手机号码已更换为 %(mobile)s。如非本人操作，请立即联系单位经办人或平台管理员。"
                ),
                purpose="mobile_changed",
                mobile=mask_mobile(mobile),
            )
    if failed:
        raise failed


# --- second factor (django-otp) ----------------------------------------------------------------


def second_factor_enrol(*, user: User, secret: str) -> tuple[TOTPDevice, list[str]]:
    """Save the authenticator whose first code the user has just typed, replacing any earlier one,
    with a fresh set of recovery codes. Returns the device and the codes, to show once."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, key=secret, name=_("身份验证器"), step=TOTP_STEP, digits=TOTP_DIGITS, confirmed=True
        )
        codes = _recovery_codes_replace(user)
    return device, codes


def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working. Returned to show once, stored nowhere else."""
    with transaction.atomic():
        return _recovery_codes_replace(user)


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("恢复码"), confirmed=True)
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def second_factor_verify(*, user: User, code: str):
    """The device that accepts `code` (a 6-digit authenticator code, or a recovery code, which is
    used up), or None. django-otp's verify_token locks the device row, counts failures and makes
    the next attempt wait longer after each one; an authenticator code is accepted once."""
    code = normalize_code(code)
    if not code:
        return None
    if code.isdigit() and len(code) == TOTP_DIGITS:
        device = authenticator_of(user)
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return verify_token(user, device.persistent_id, code) if device else None
