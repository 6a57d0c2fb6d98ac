"""Text messages that carry a one-time code (password reset, mobile verification).

The code must reach the person's phone and nothing else: not the log, not the outbox an admin reads,
not the broker. So the outbox row keeps
- `template` and `params`: which wording and its non-secret values (minutes of validity …);
- `text`: the message as it would read with the code replaced by ******;
- `sealed_secret`: the code encrypted with AES-GCM under a key derived from SECRET_KEY, bound to
  the row's mobile and template, kept only until the message is sent or the code expires.

Why sealed on the row rather than passed to the task: task arguments are persisted in the broker
(Redis) and shown by monitoring tools, and a row must survive the broker being down (the dispatcher
queues it later, possibly from another process), so "only in the sending process's memory" would
lose the message. The worker decrypts at send time, renders the full text for the gateway, and
erases the sealed value in the same save that marks the row sent. SECRET_KEY_FALLBACKS are tried
when opening, so rotating SECRET_KEY does not strand codes sealed a minute earlier.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

MASK = "******"

TEMPLATES = {
    "password_reset": _("您正在找回职称申报平台密码，验证码 %(code)s，%(minutes)d分钟内有效。如非本人操作请忽略。"),
    "register": _(
        "您正在用本手机号码注册职称申报平台账号，验证码 %(code)s，%(minutes)d分钟内有效。如非本人操作请忽略。"
    ),
    "mobile_change": _(
        "您正在将职称申报平台账号的手机号码更换为本号码，验证码 %(code)s，%(minutes)d分钟内有效。如非本人操作请忽略。"
    ),
}

_KEY_INFO = b"portal.notifications.codes.sealed-secret"
_NONCE_BYTES = 12


class SealError(Exception):
    """The sealed value cannot be opened (tampered with, or sealed under a key no longer configured)."""


def render(template: str, params: dict, code: str) -> str:
    """The message in the site's language, with `code` in place (MASK for what is stored)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(TEMPLATES[template]) % {**params, "code": code}


def masked(template: str, params: dict) -> str:
    return render(template, params, MASK)


def _key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_INFO).derive(secret.encode())


def _context(mobile: str, template: str) -> bytes:
    # A sealed code copied onto another row (another mobile) does not open there.
    return f"{mobile}|{template}".encode()


def seal(code: str, *, mobile: str, template: str) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_key(settings.SECRET_KEY)).encrypt(nonce, code.encode(), _context(mobile, template))
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(token: str, *, mobile: str, template: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise SealError("not a sealed value") from exc
    nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            return AESGCM(_key(secret)).decrypt(nonce, sealed, _context(mobile, template)).decode()
        except InvalidTag:
            continue
    raise SealError("sealed under a key that is not configured, or altered")
