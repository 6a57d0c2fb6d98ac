"""The login's password hasher (issue 16, item 4): a cost chosen for the deadline-day server, and
hashes made at Django's former default re-encoded at the next login."""

import importlib

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.urls import reverse

from portal.accounts.hashers import PortalPBKDF2PasswordHasher
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PORTAL = "portal.accounts.hashers.PortalPBKDF2PasswordHasher"


def test_the_production_settings_hash_with_the_chosen_cost():
    production = importlib.import_module("portal.settings")
    assert production.PASSWORD_HASHERS[0] == PORTAL
    assert PortalPBKDF2PasswordHasher.iterations == 600_000


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
