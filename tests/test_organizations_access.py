"""The account and organization pages test_access_matrix.py does not walk, as every role."""

import pytest
from django.urls import reverse

from portal.accounts.models import User
from portal.organizations.models import Organization, OrgStatus
from tests.factories import UnitFactory
from tests.test_access_matrix import ROLES
from tests.workflow_helpers import DEMO as DEMO_MOBILES

pytestmark = pytest.mark.django_db


def demo_unit():
    return Organization.objects.get(name="昆明市第一中学")


def expect_login(response):
    assert response.status_code == 302 and reverse("accounts:login") in response.url


@pytest.mark.parametrize("role", ROLES)
def test_public_account_pages(as_role, role):
    client = as_role(role)
    for name in ["accounts:forgot_password", "accounts:reset_password"]:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("organizations:unit_search"), {"unit": "第一中学"}).status_code == 200
    login_page = client.get(reverse("accounts:login"))
    # Someone logged in is sent on to their home.
    assert login_page.status_code == (200 if role == "anonymous" else 302)


@pytest.mark.parametrize("role", ROLES)
def test_own_account_pages_need_a_login(as_role, role):
    client = as_role(role)
    for name in ["people:profile", "accounts:change_password"]:
        response = client.get(reverse(name))
        if role == "anonymous":
            expect_login(response)
        else:
            assert response.status_code == 200, name


@pytest.mark.parametrize("role", ROLES)
def test_logout_is_a_post(as_role, role):
    client = as_role(role)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", ROLES)
def test_unit_edit_only_for_its_officer_and_admin(as_role, role):
    response = as_role(role).get(reverse("organizations:unit_edit", args=[demo_unit().pk]))
    if role == "anonymous":
        expect_login(response)
    else:
        assert response.status_code == {"unit_hr": 200, "admin": 200}.get(role, 404)


@pytest.mark.parametrize("role", ROLES)
def test_staff_remove_only_for_officer_and_admin(as_role, role):
    unit = demo_unit()
    applicant = User.objects.get(mobile=DEMO_MOBILES["applicant"])
    response = as_role(role).post(reverse("organizations:staff_remove", args=[unit.pk, applicant.pk]))
    if role == "anonymous":
        expect_login(response)
    else:
        assert response.status_code == {"unit_hr": 302, "admin": 302}.get(role, 404)
    removed = not applicant.memberships.filter(is_active=True, organization=unit).exists()
    assert removed == (role in {"unit_hr", "admin"})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["unit_approve", "unit_reject"])
def test_unit_decisions_only_for_its_department_and_admin(as_role, role, action):
    pending = UnitFactory(pending=True, parent=demo_unit().parent)
    client = as_role(role)
    url = reverse(f"organizations:{action}", args=[pending.pk])
    response = client.post(url, {"reason": "材料不全"})
    if role == "anonymous":
        expect_login(response)
    else:
        assert response.status_code == {"dept_reviewer": 302, "admin": 302}.get(role, 404)
        assert client.get(url).status_code == 405
    pending.refresh_from_db()
    decided = pending.status != OrgStatus.PENDING
    assert decided == (role in {"dept_reviewer", "admin"})
