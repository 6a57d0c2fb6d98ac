"""portal/core/crypto.py: AES-256-GCM under a keyring, blind indexes, clear errors."""

import base64
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from portal.core import crypto
from portal.core.checks import development_field_keys

KEY_A = "a:" + base64.b64encode(b"A" * 32).decode()
KEY_B = "b:" + base64.b64encode(b"B" * 32).decode()


def test_a_value_round_trips_and_never_shows_in_the_ciphertext():
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        sealed = crypto.encrypt("53010219900307123X")
        assert sealed.startswith("enc1:a:")
        assert "1990" not in sealed and "123X" not in sealed
        assert crypto.decrypt(sealed) == "53010219900307123X"


def test_every_encryption_uses_a_fresh_nonce():
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        assert crypto.encrypt("13800000001") != crypto.encrypt("13800000001")


def test_blank_stays_blank():
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""
    assert crypto.encrypt(None) is None and crypto.decrypt(None) is None


def test_the_first_key_encrypts_and_every_listed_key_decrypts():
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        old = crypto.encrypt("13800000001")
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        assert crypto.decrypt(old) == "13800000001"
        assert crypto.encrypt("x").startswith("enc1:b:")


def test_a_key_no_longer_listed_is_a_clear_error():
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        sealed = crypto.encrypt("13800000001")
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
        with pytest.raises(crypto.FieldDecryptionError, match="key 'a'.*does not list"):
            crypto.decrypt(sealed)


def test_a_wrong_key_under_the_same_id_is_a_clear_error_not_garbage():
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        sealed = crypto.encrypt("13800000001")
    impostor = "a:" + base64.b64encode(os.urandom(32)).decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[impostor]):
        with pytest.raises(crypto.FieldDecryptionError, match="does not decrypt with key 'a'"):
            crypto.decrypt(sealed)


def test_an_altered_ciphertext_or_key_id_is_refused():
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A, KEY_B.replace("b:", "c:")]):
        sealed = crypto.encrypt("13800000001")
        body = sealed.rsplit(":", 1)[1]
        flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
        with pytest.raises(crypto.FieldDecryptionError):
            crypto.decrypt(f"enc1:a:{flipped}")
        # The key id is authenticated: relabelling a value to another key fails too.
        with pytest.raises(crypto.FieldDecryptionError):
            crypto.decrypt(f"enc1:c:{body}")


def test_a_clear_value_is_reported_as_not_encrypted():
    with pytest.raises(crypto.FieldDecryptionError, match="not in the encrypted format"):
        crypto.decrypt("13800000001")


@pytest.mark.parametrize(
    "keys, message",
    [
        (["nokeyid"], "id:base64key"),
        (["a:" + base64.b64encode(b"short").decode()], "32 bytes"),
        (["a:!!notbase64!!"], "not valid base64"),
        ([KEY_A, KEY_A], "listed twice"),
        ([], "empty"),
    ],
)
def test_a_malformed_keyring_is_refused_with_the_reason(keys, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        crypto.parse_keyring(tuple(keys))


def test_urlsafe_base64_keys_are_accepted():
    key = "u:" + base64.urlsafe_b64encode(b"\xfb" * 32).decode().rstrip("=")
    assert crypto.parse_keyring((key,)).current == "u"


def test_the_blind_index_compares_normalised_values_only():
    assert crypto.blind_index("id_number", "53010219900307123x") == crypto.blind_index(
        "id_number", " 530102 19900307 123X "
    )
    assert crypto.blind_index("mobile", "+86 138-0000-0001") == crypto.blind_index("mobile", "13800000001")
    assert crypto.blind_index("mobile", "13800000001") != crypto.blind_index("mobile", "13800000002")
    # Same digits, different kind: different index (a mobile never matches an ID number's index).
    assert crypto.blind_index("id_number", "13800000001") != crypto.blind_index("mobile", "13800000001")
    assert len(crypto.blind_index("mobile", "13800000001")) == 64
    assert crypto.blind_index("mobile", "") == ""


def test_the_blind_index_depends_on_its_key():
    before = crypto.blind_index("mobile", "13800000001")
    with override_settings(BLIND_INDEX_KEY=base64.b64encode(b"K" * 32).decode()):
        assert crypto.blind_index("mobile", "13800000001") != before


def test_the_embedded_stack_uses_the_development_keys_and_the_check_says_so():
    assert crypto.uses_development_keys()
    assert [w.id for w in development_field_keys(None)] == ["core.W001"]
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A], BLIND_INDEX_KEY=base64.b64encode(b"K" * 32).decode()):
        assert development_field_keys(None) == []
