"""Admin forms given tampered or absurd input answer with form errors, never a 500
(issue 12, finding 10): a non-numeric value in an autocomplete field, a date in year 9999."""

import pytest
from django.urls import reverse

from portal.accounts.models import User
from portal.catalog.models import ApplicationWindow, Item
from portal.organizations.models import Membership, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, demo):
    client.force_login(User.objects.filter(is_superuser=True).first() or User.objects.get(is_staff=True))
    client.raise_request_exception = False
    return client


def window_data(**overrides):
    data = {
        "name": "测试窗口",
        "item": Item.objects.get(code="evaluation").pk,
        "year": 2027,
        "opens_at_0": "2027-01-01",
        "opens_at_1": "00:00",
        "closes_at_0": "2027-02-01",
        "closes_at_1": "00:00",
    }
    return {**data, **overrides}


@pytest.mark.parametrize(
    "overrides",
    [
        {"committee": "abc"},
        {"committee": "1.5"},
        {"closes_at_0": "9999-12-31", "closes_at_1": "23:59"},
        {"opens_at_0": "9999-12-31", "opens_at_1": "23:59", "closes_at_0": "9999-12-31", "closes_at_1": "23:59"},
        {"year": "99999"},
    ],
)
def test_application_window_form(admin_client, overrides):
    before = ApplicationWindow.objects.count()
    response = admin_client.post(reverse("admin:catalog_applicationwindow_add"), window_data(**overrides))
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["adminform"].form.errors
        assert ApplicationWindow.objects.count() == before


def test_membership_form_with_tampered_keys(admin_client):
    before = Membership.objects.count()
    response = admin_client.post(
        reverse("admin:organizations_membership_add"), {"user": "abc", "organization": "x1", "role": "applicant"}
    )
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) >= {"user", "organization"}
    assert Membership.objects.count() == before


def test_organization_form_with_a_tampered_parent(admin_client):
    unit = Organization.objects.filter(kind="unit").first()
    url = reverse("admin:organizations_organization_change", args=[unit.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    response = admin_client.post(url, {"name": unit.name, "kind": unit.kind, "parent": "abc", "region": "zz"})
    assert response.status_code == 200
