"""An HR officer who already has an account (as an applicant, say) registers their unit while
logged in: the unit's details only, the officer is the account asking, the supervisor reviews."""

from django.urls import reverse

from portal.organizations.models import Membership, Organization, OrgKind, OrgStatus, Region, Role
from tests.factories import credit_code
from tests.workflow_helpers import user


def _unit_data(**extra):
    department = Organization.objects.filter(kind=OrgKind.DEPARTMENT, status=OrgStatus.APPROVED).first()
    region = Region.objects.filter(parent__isnull=False).first()
    return {
        "unit_name": "昆明市新开办学校",
        "credit_code": credit_code(),
        "region": region.pk,
        "parent": department.pk,
        "address": "昆明市五华区某路 1 号",
        "phone": "0871-12345678",
        **extra,
    }


def test_an_applicant_registers_their_unit_and_becomes_its_pending_officer(client, demo):
    applicant = user("applicant")
    client.force_login(applicant)
    page = client.get(reverse("organizations:unit_register")).content.decode()
    assert 'id="officer-is-you"' in page and "id_id_number" not in page
    data = _unit_data()
    response = client.post(reverse("organizations:unit_register"), data)
    assert response.status_code == 200
    unit = Organization.objects.get(credit_code=data["credit_code"])
    assert (unit.status, unit.contact_person) == (OrgStatus.PENDING, applicant.real_name)
    assert Membership.objects.filter(user=applicant, organization=unit, role=Role.UNIT_HR, is_active=True).exists()
    # Still the applicant of their old unit: the two roles are separate.
    assert Membership.objects.filter(user=applicant, role=Role.APPLICANT, is_active=True).exists()


def test_bad_input_is_refused_at_the_field_and_kept(client, demo):
    client.force_login(user("applicant"))
    data = _unit_data(credit_code="91530100MA6XXXXXX1")
    response = client.post(reverse("organizations:unit_register"), data)
    assert response.status_code == 200
    assert "credit_code" in response.context["form"].errors
    assert "昆明市新开办学校" in response.content.decode()
    assert not Organization.objects.filter(name="昆明市新开办学校").exists()


def test_anonymous_visitors_are_told_to_log_in_if_they_have_an_account(client, demo):
    page = client.get(reverse("organizations:unit_register")).content.decode()
    assert 'id="has-account"' in page and reverse("accounts:login") in page
