"""Someone removed from their unit keeps the account and asks to join a unit from their profile;
they become its applicant only when its HR officer agrees, so a removal lasts."""

import pytest
from django.urls import reverse

from portal.organizations.models import JoinRequest, JoinStatus, Membership, Role
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


def _officer_decides(client, unit, decision):
    officer = member("unit_hr", unit)
    client.force_login(officer)
    join_request = JoinRequest.objects.get(organization=unit, status=JoinStatus.PENDING)
    page = client.get(reverse("organizations:unit_staff", args=[unit.pk])).content.decode()
    assert f'id="join-{join_request.pk}"' in page
    response = client.post(
        reverse("organizations:join_decide", args=[unit.pk, join_request.pk]), {"decision": decision}
    )
    assert response.status_code == 302
    return join_request


def test_joining_a_unit_waits_for_its_officer(client, removed):
    new_unit = UnitFactory(name="昆明市新单位")
    assert 'id="join-unit"' in client.get(reverse("people:profile")).content.decode()
    response = client.post(reverse("people:profile"), {"unit": new_unit.credit_code})
    assert response.status_code == 302
    assert not Membership.objects.filter(user=removed, is_active=True).exists()  # not yet
    page = client.get(reverse("people:profile")).content.decode()
    assert 'id="join-pending"' in page and 'id="join-unit"' not in page
    client.post(reverse("people:profile"), {"unit": UnitFactory().credit_code})  # a second ask: ignored
    assert JoinRequest.objects.filter(user=removed).count() == 1

    _officer_decides(client, new_unit, "approve")
    assert Membership.objects.get(user=removed, is_active=True).organization == new_unit
    client.force_login(removed)
    assert 'id="join-unit"' not in client.get(reverse("people:profile")).content.decode()


def test_a_removal_lasts_rejoining_the_same_unit_needs_its_agreement(client):
    unit = UnitFactory()
    officer = member("unit_hr", unit)
    person = member("applicant", unit)
    client.force_login(officer)
    client.post(reverse("organizations:staff_remove", args=[unit.pk, person.pk]))
    client.force_login(person)
    client.post(reverse("people:profile"), {"unit": unit.credit_code})
    assert not Membership.objects.filter(user=person, organization=unit, is_active=True).exists()
    _officer_decides(client, unit, "reject")
    assert not Membership.objects.filter(user=person, is_active=True).exists()
    assert JoinRequest.objects.get(user=person).status == JoinStatus.REJECTED


def test_the_applicant_may_withdraw_a_pending_request(client, removed):
    client.post(reverse("people:profile"), {"unit": UnitFactory().credit_code})
    pending = JoinRequest.objects.get(user=removed)
    client.post(reverse("people:profile"), {"withdraw": str(pending.pk)})
    pending.refresh_from_db()
    assert pending.status == JoinStatus.WITHDRAWN
    assert 'id="join-unit"' in client.get(reverse("people:profile")).content.decode()


def test_another_units_officer_cannot_decide(client, removed):
    unit = UnitFactory()
    client.post(reverse("people:profile"), {"unit": unit.credit_code})
    join_request = JoinRequest.objects.get(user=removed)
    other = UnitFactory()
    client.force_login(member("unit_hr", other))
    for target in (unit, other):
        response = client.post(
            reverse("organizations:join_decide", args=[target.pk, join_request.pk]), {"decision": "approve"}
        )
        assert response.status_code == 404
    assert not Membership.objects.filter(user=removed, is_active=True).exists()


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
