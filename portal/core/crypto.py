"""Personal data encrypted at rest: AES-256-GCM under a keyring, and blind indexes for look-ups.

Keys (settings, read from the environment):

- FIELD_ENCRYPTION_KEYS: ``id:base64key,id:base64key`` — 32-byte keys, each with a short id. The
  first encrypts; every one decrypts, so a new key goes first and the old ones stay listed until
  ``manage.py rotate_field_keys`` has re-encrypted everything under the new one.
- BLIND_INDEX_KEY: a base64 32-byte key for HMAC-SHA256 over the normalised value (upper-case ID
  number, the mobile's 11 digits), which is what equality look-ups and uniqueness compare.

A ciphertext reads ``enc1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>``: the format version
and key id in clear (the key id is authenticated as associated data), a random 96-bit nonce per
value. Blank values stay blank (nothing to hide, and blank ≠ "unknown" must survive).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .devkeys import DEV_BLIND_INDEX_KEY, DEV_FIELD_ENCRYPTION_KEY
from .identity import normalize_id_number, normalize_mobile

PREFIX = "enc1"
_NONCE_BYTES = 12
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,16}")


NORMALIZERS = {"id_number": normalize_id_number, "mobile": normalize_mobile}


class FieldDecryptionError(Exception):
    """A stored value cannot be decrypted with the configured keys; the message says why."""


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: dict[str, AESGCM]


def _decode_key(text: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(
            text + "=" * (-len(text) % 4), altchars=b"-_" if ("-" in text or "_" in text) else None, validate=True
        )
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{name}: the key is not valid base64.") from None
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{name}: a key must be 32 bytes (AES-256), this one is {len(raw)}.")
    return raw


@lru_cache(maxsize=8)
def parse_keyring(entries: tuple[str, ...]) -> Keyring:
    """FIELD_ENCRYPTION_KEYS as a keyring; refuses a malformed entry or a repeated key id."""
    keys: dict[str, AESGCM] = {}
    order = []
    for entry in entries:
        key_id, sep, text = entry.strip().partition(":")
        if not sep or not _KEY_ID.fullmatch(key_id):
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEYS: each entry is `id:base64key` with an id of letters, digits, - or _."
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS: the key id {key_id!r} is listed twice.")
        keys[key_id] = AESGCM(_decode_key(text.strip(), f"FIELD_ENCRYPTION_KEYS[{key_id}]"))
        order.append(key_id)
    if not order:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: at least one key is needed.")
    return Keyring(current=order[0], keys=keys)


def keyring() -> Keyring:
    return parse_keyring(tuple(settings.FIELD_ENCRYPTION_KEYS))


def current_prefix() -> str:
    """What every value encrypted under the current key starts with (rotation selects the rest)."""
    return f"{PREFIX}:{keyring().current}:"


def is_encrypted(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + ":")


def encrypt(plaintext: str) -> str:
    if plaintext is None or plaintext == "":
        return plaintext
    ring = keyring()
    nonce = os.urandom(_NONCE_BYTES)
    header = f"{PREFIX}:{ring.current}:"
    sealed = ring.keys[ring.current].encrypt(nonce, plaintext.encode("utf-8"), header.encode())
    return header + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def decrypt(value: str) -> str:
    if value is None or value == "":
        return value
    version, _, rest = value.partition(":")
    key_id, _, body = rest.partition(":")
    if version != PREFIX or not body:
        raise FieldDecryptionError(
            "The stored value is not in the encrypted format (enc1:<key id>:…): "
            "run the migrations that encrypt existing rows."
        )
    ring = keyring()
    key = ring.keys.get(key_id)
    if key is None:
        raise FieldDecryptionError(
            f"The value was encrypted with key {key_id!r}, which FIELD_ENCRYPTION_KEYS does not list "
            f"(it lists {', '.join(ring.keys)}): add the old key after the current one until "
            "`manage.py rotate_field_keys` has re-encrypted everything."
        )
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        plain = key.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], f"{PREFIX}:{key_id}:".encode())
    except (InvalidTag, binascii.Error, ValueError):
        raise FieldDecryptionError(
            f"The value does not decrypt with key {key_id!r}: the key configured under that id is not "
            "the one it was encrypted with, or the stored value was altered."
        ) from None
    return plain.decode("utf-8")


@lru_cache(maxsize=4)
def _index_key(text: str) -> bytes:
    return _decode_key(text, "BLIND_INDEX_KEY")


def blind_index(kind: str, value) -> str:
    """HMAC-SHA256 (hex) of the normalised value: equal numbers, equal indexes; nothing else leaks
    but equality. Blank stays blank."""
    if value is None:
        return None
    normalised = NORMALIZERS[kind](str(value))
    if not normalised:
        return ""
    message = f"{kind}:{normalised}".encode()
    return hmac.new(_index_key(settings.BLIND_INDEX_KEY), message, hashlib.sha256).hexdigest()


def uses_development_keys() -> bool:
    return DEV_FIELD_ENCRYPTION_KEY in settings.FIELD_ENCRYPTION_KEYS or settings.BLIND_INDEX_KEY == DEV_BLIND_INDEX_KEY
