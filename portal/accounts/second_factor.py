"""Who logs in with a second factor (TOTP, django-otp), and what the enrolment page shows.

Everyone who reviews, approves or administers — every role but the applicant's, and anyone who may
open the admin — confirms a password login with a code from an authenticator app, or with one of
ten one-time recovery codes. Secrets and codes are shown to their owner on the enrolment and
recovery-code pages only: never logged, never in the admin.
"""

from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.utils.safestring import mark_safe
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

RECOVERY_CODE_COUNT = 10
# portal.organizations.models.Role.APPLICANT: accounts sits below organizations, so the role is
# read through the memberships relation rather than imported.
APPLICANT_ROLE = "applicant"
TOTP_STEP, TOTP_DIGITS = 30, 6


def needs_second_factor(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.memberships.filter(is_active=True).exclude(role=APPLICANT_ROLE).exists()


def authenticator_of(user):
    """The user's confirmed authenticator (TOTP device), or None before enrolment."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user) -> int:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device.token_set.count() if device else 0


def new_secret() -> str:
    """A fresh TOTP secret: 20 random bytes, as the hex django-otp stores."""
    return default_key()


def secret_for_typing(secret_hex: str) -> str:
    """The secret as authenticator apps take it by hand: base32, in groups of four."""
    text = b32encode(unhexlify(secret_hex)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def provisioning_uri(user, secret_hex: str) -> str:
    """otpauth:// URI; its label carries the masked ID number, so the phone never holds the full one."""
    issuer = settings.PORTAL_NAME.replace(":", "")
    params = urlencode(
        {
            "secret": b32encode(unhexlify(secret_hex)).decode(),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": TOTP_DIGITS,
            "period": TOTP_STEP,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{quote(f'{issuer}:{user.masked_id_number}')}?{params}"


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (no image request, no inline style for the CSP)."""
    return mark_safe(segno.make(uri, error="m").svg_inline(scale=5, border=2, title="QR"))  # noqa: S308 (segno's own markup)


def code_matches_secret(secret_hex: str, code: str) -> bool:
    """Whether `code` is the current one (±1 step) for a secret not yet saved on a device."""
    if not (code.isascii() and code.isdigit() and len(code) == TOTP_DIGITS):
        return False
    return TOTP(unhexlify(secret_hex), step=TOTP_STEP, digits=TOTP_DIGITS).verify(int(code), tolerance=1)


def normalize_code(value: str) -> str:
    """What people type around a code: spaces, hyphens, capitals and full-width digits."""
    value = value.translate({ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")})
    return "".join(ch for ch in value if ch.isalnum()).lower()
