"""The unit HR officer's staff page: own unit only; what an officer may do to whom."""

import pytest
from django.urls import reverse

from portal.organizations.models import Membership, Role
from tests.factories import DepartmentFactory, UnitFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_staff():
    unit = UnitFactory()
    officer = member("unit_hr", unit)
    applicant = member("applicant", unit)
    return unit, officer, applicant


def test_another_units_staff_member_is_not_found(client, unit_staff):
    unit, officer, _ = unit_staff
    other = UnitFactory()
    stranger = member("applicant", other)
    client.force_login(officer)
    assert client.get(reverse("organizations:unit_staff", args=[other.pk])).status_code == 404
    for name in ["staff_unlock", "staff_reset_password", "staff_remove"]:
        # Through the officer's own unit with a stranger's id, and through the other unit.
        assert client.post(reverse(f"organizations:{name}", args=[unit.pk, stranger.pk])).status_code == 404, name
        assert client.post(reverse(f"organizations:{name}", args=[other.pk, stranger.pk])).status_code == 404, name
    assert stranger.memberships.filter(is_active=True).exists()


def test_someone_removed_is_no_longer_the_units_to_manage(client, unit_staff):
    unit, officer, applicant = unit_staff
    client.force_login(officer)
    client.post(reverse("organizations:staff_remove", args=[unit.pk, applicant.pk]))
    assert client.post(reverse("organizations:staff_reset_password", args=[unit.pk, applicant.pk])).status_code == 404


def test_the_officer_cannot_remove_themselves(client, unit_staff):
    """The unit is never left without its officer through this page: officers are not removable here."""
    unit, officer, _ = unit_staff
    client.force_login(officer)
    page = client.get(reverse("organizations:unit_staff", args=[unit.pk])).content.decode()
    assert reverse("organizations:staff_remove", args=[unit.pk, officer.pk]) not in page
    response = client.post(reverse("organizations:staff_remove", args=[unit.pk, officer.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(user=officer, organization=unit, is_active=True).exists()


def test_officer_cannot_reset_the_password_of_someone_with_duties_elsewhere(client, unit_staff):
    """An applicant of the unit who is also a department reviewer: the officer must not be able to
    set that person's password (and so act as the reviewer)."""
    unit, officer, applicant = unit_staff
    Membership.objects.create(user=applicant, organization=DepartmentFactory(), role=Role.DEPT_REVIEWER)
    plain = member("applicant", unit)
    client.force_login(officer)
    page = client.get(reverse("organizations:unit_staff", args=[unit.pk])).content.decode()
    assert reverse("organizations:staff_reset_password", args=[unit.pk, applicant.pk]) not in page
    assert reverse("organizations:staff_reset_password", args=[unit.pk, plain.pk]) in page
    old_hash = applicant.password
    response = client.post(reverse("organizations:staff_reset_password", args=[unit.pk, applicant.pk]), follow=True)
    assert "请联系管理员重置密码" in response.content.decode()
    assert 'id="one-time-password"' not in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.password == old_hash and not applicant.must_change_password


def test_officer_cannot_reset_an_admin_site_users_password(client, unit_staff):
    unit, officer, applicant = unit_staff
    applicant.is_staff = True
    applicant.save(update_fields=["is_staff"])
    client.force_login(officer)
    client.post(reverse("organizations:staff_reset_password", args=[unit.pk, applicant.pk]))
    applicant.refresh_from_db()
    assert not applicant.must_change_password


def test_admin_can_reset_anyones_password_in_the_unit(client, unit_staff, demo):
    from portal.accounts.models import User

    unit, _, applicant = unit_staff
    Membership.objects.create(user=applicant, organization=DepartmentFactory(), role=Role.DEPT_REVIEWER)
    client.force_login(User.objects.get(mobile="13800000006"))
    response = client.post(reverse("organizations:staff_reset_password", args=[unit.pk, applicant.pk]), follow=True)
    assert 'id="one-time-password"' in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.must_change_password


def test_the_one_time_password_page_is_not_cached(client, unit_staff):
    unit, officer, applicant = unit_staff
    client.force_login(officer)
    response = client.post(reverse("organizations:staff_reset_password", args=[unit.pk, applicant.pk]), follow=True)
    assert "no-store" in response["Cache-Control"]
