"""Someone removed from their unit keeps the account and joins another unit from their profile."""

import pytest
from django.urls import reverse

from portal.organizations.models import Membership, Role
from tests.factories import UnitFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def removed(client):
    old_unit = UnitFactory()
    officer = member("unit_hr", old_unit)
    person = member("applicant", old_unit)
    client.force_login(officer)
    client.post(reverse("organizations:staff_remove", args=[old_unit.pk, person.pk]))
    client.force_login(person)
    return person


def test_the_home_page_points_to_the_profile(client, removed):
    page = client.get(reverse("home:dashboard")).content.decode()
    assert 'id="no-unit"' in page and reverse("people:profile") in page


def test_joins_an_approved_unit(client, removed):
    new_unit = UnitFactory(name="昆明市新单位")
    assert 'id="join-unit"' in client.get(reverse("people:profile")).content.decode()
    response = client.post(reverse("people:profile"), {"unit": new_unit.credit_code})
    assert response.status_code == 302
    assert Membership.objects.get(user=removed, is_active=True).organization == new_unit
    # Now in a unit: the form is gone and posting again changes nothing.
    assert 'id="join-unit"' not in client.get(reverse("people:profile")).content.decode()
    client.post(reverse("people:profile"), {"unit": UnitFactory().credit_code})
    assert Membership.objects.filter(user=removed, is_active=True).count() == 1


@pytest.mark.parametrize("trait,message", [("pending", "尚未通过主管部门审核"), ("rejected", "未通过审核")])
def test_a_unit_not_approved_is_refused_at_the_field(client, removed, trait, message):
    unit = UnitFactory(**{trait: True})
    response = client.post(reverse("people:profile"), {"unit": unit.credit_code})
    assert response.status_code == 200
    assert message in str(response.context["join_form"].errors["unit"])
    assert unit.credit_code in response.content.decode()
    assert not Membership.objects.filter(user=removed, is_active=True).exists()


def test_people_with_a_role_are_not_offered_the_form(client):
    reviewer = member("dept_reviewer")
    client.force_login(reviewer)
    assert 'id="join-unit"' not in client.get(reverse("people:profile")).content.decode()
    client.post(reverse("people:profile"), {"unit": UnitFactory().credit_code})
    assert not Membership.objects.filter(user=reviewer, role=Role.APPLICANT).exists()
