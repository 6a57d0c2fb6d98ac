"""The login's password hasher (issue 16, item 4): argon2id at a cost chosen for the deadline-day
server, and hashes stored by PBKDF2 re-encoded by argon2id at the next login."""

import importlib

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher, make_password
from django.urls import reverse

from portal.accounts.hashers import PortalArgon2PasswordHasher, PortalPBKDF2PasswordHasher
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PBKDF2 = "portal.accounts.hashers.PortalPBKDF2PasswordHasher"
ARGON2 = "portal.accounts.hashers.PortalArgon2PasswordHasher"


def test_the_production_settings_hash_with_argon2id_and_keep_pbkdf2_to_verify():
    production = importlib.import_module("portal.settings")
    assert production.PASSWORD_HASHERS[0] == ARGON2
    assert production.PASSWORD_HASHERS.count(PBKDF2) == 1
    assert PortalPBKDF2PasswordHasher.iterations == 600_000
    # OWASP's argon2id configuration m=19 MiB, t=2, p=1 (docs/SECURITY.md).
    assert (PortalArgon2PasswordHasher.memory_cost, PortalArgon2PasswordHasher.time_cost) == (19_456, 2)
    assert PortalArgon2PasswordHasher.parallelism == 1


def test_a_pbkdf2_hash_is_re_encoded_with_argon2id_at_login(client, settings):
    settings.PASSWORD_HASHERS = [ARGON2, PBKDF2]
    user = UserFactory()
    user.password = make_password("Zhicheng@2026", hasher=PBKDF2PasswordHasher())
    user.save(update_fields=["password"])
    assert user.password.startswith(f"pbkdf2_sha256${PBKDF2PasswordHasher.iterations}$")

    response = client.post(reverse("accounts:login"), {"username": user.mobile, "password": "Zhicheng@2026"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert isinstance(identify_hasher(user.password), PortalArgon2PasswordHasher)
    assert user.check_password("Zhicheng@2026")


def test_a_hash_at_django_s_former_pbkdf2_cost_is_re_encoded_where_pbkdf2_hashes(client, settings):
    settings.PASSWORD_HASHERS = [PBKDF2]
    user = UserFactory()
    user.password = make_password("Zhicheng@2026", hasher=PBKDF2PasswordHasher())
    user.save(update_fields=["password"])

    response = client.post(reverse("accounts:login"), {"username": user.mobile, "password": "Zhicheng@2026"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sha256$600000$")
