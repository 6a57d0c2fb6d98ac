"""The login's password hasher (issue 16, item 4): a cost chosen for the deadline-day server, and
hashes made at Django's former default re-encoded at the next login."""

import importlib
import importlib.util

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.urls import reverse

from portal.accounts.hashers import PortalArgon2PasswordHasher, PortalPBKDF2PasswordHasher
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PORTAL = "portal.accounts.hashers.PortalPBKDF2PasswordHasher"
ARGON2 = "portal.accounts.hashers.PortalArgon2PasswordHasher"


def test_the_production_settings_hash_with_the_chosen_cost():
    production = importlib.import_module("portal.settings")
    expected_first = ARGON2 if importlib.util.find_spec("argon2") is not None else PORTAL
    assert production.PASSWORD_HASHERS[0] == expected_first
    assert PortalPBKDF2PasswordHasher.iterations == 600_000
    # OWASP's argon2id configuration m=19 MiB, t=2, p=1 (docs/SECURITY.md).
    assert (PortalArgon2PasswordHasher.memory_cost, PortalArgon2PasswordHasher.time_cost) == (19_456, 2)
    assert PortalArgon2PasswordHasher.parallelism == 1


def test_argon2_hashes_new_passwords_as_soon_as_argon2_cffi_is_installed(monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: object() if name == "argon2" else real_find_spec(name, *a)
    )
    production = importlib.reload(importlib.import_module("portal.settings"))
    try:
        assert production.PASSWORD_HASHERS[0] == ARGON2
        # PBKDF2 stays listed once (same algorithm name), so stored hashes verify and are upgraded.
        assert production.PASSWORD_HASHERS.count(PORTAL) == 1
        assert production.PASSWORD_HASHERS.count(ARGON2) == 1
    finally:
        monkeypatch.undo()
        importlib.reload(production)


def test_a_hash_at_django_s_former_cost_is_re_encoded_at_login(client, settings):
    settings.PASSWORD_HASHERS = [PORTAL]
    user = UserFactory()
    user.password = make_password("Zhicheng@2026", hasher=PBKDF2PasswordHasher())
    user.save(update_fields=["password"])
    assert user.password.startswith(f"pbkdf2_sha256${PBKDF2PasswordHasher.iterations}$")

    response = client.post(reverse("accounts:login"), {"username": user.mobile, "password": "Zhicheng@2026"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$600000$")
    assert user.check_password("Zhicheng@2026")
