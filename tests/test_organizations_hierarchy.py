"""The hierarchy grown from above (issue 11): a bureau creates regions and supervising
departments in its own region tree and approves departments waiting there; a department creates
its subordinate units (创建下级单位). What is created counts as approved by its creator (audited);
the person named to run it is invited by SMS and registers as a unit's officer does."""

import pytest
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.core.identity import with_credit_check
from portal.organizations.models import Invitation, Membership, Organization, OrgKind, OrgStatus, Region, Role
from tests.factories import RegionFactory, credit_code, id_number, member
from tests.workflow_helpers import user

pytestmark = pytest.mark.django_db


def with_code(client, phone, data, url):
    """Press "获取验证码" on the form as typed, then fill in the code the phone received."""
    client.post(reverse(url), {**data, "action": "send_code"})
    return {**data, "code": phone.code(data["mobile"])}


KUNMING = "昆明市"


def _department_data(**extra):
    return {
        "name": "昆明市林业和草原局",
        "region": Region.objects.get(name=KUNMING).pk,
        "credit_code": "",
        "address": "昆明市西山区",
        "phone": "0871-64100000",
        "reviewer_real_name": "马骏",
        "reviewer_mobile": "13912340001",
        **extra,
    }


def _unit_data(department, **extra):
    return {
        "name": "五华区新开办学校",
        "credit_code": credit_code(),
        "region": department.region_id,
        "address": "",
        "phone": "",
        "officer_real_name": "何芳",
        "officer_mobile": "13912340002",
        **extra,
    }


def _wuhua():
    return Organization.objects.get(kind=OrgKind.DEPARTMENT, name="五华区人力资源和社会保障局")


def test_the_bureau_creates_a_department_approved_by_it_and_its_reviewer_is_texted(client, demo, phone):
    bureau_user = user("bureau_approver")
    client.force_login(bureau_user)
    response = client.post(reverse("organizations:department_create"), _department_data())
    assert response.status_code == 302
    department = Organization.objects.get(name="昆明市林业和草原局")
    bureau = bureau_user.memberships.get().organization
    assert (department.kind, department.status, department.parent, department.reviewed_by) == (
        OrgKind.DEPARTMENT,
        OrgStatus.APPROVED,
        bureau,
        bureau_user,
    )
    assert AuditEvent.objects.filter(action="organization_create", object_id=str(department.pk)).exists()
    invitation = Invitation.objects.get(organization=department)
    assert (invitation.role, invitation.real_name, invitation.accepted_at) == (Role.DEPT_REVIEWER, "马骏", None)
    text = phone.texts("13912340001")[-1]
    assert "昆明市林业和草原局" in text and reverse("organizations:invitation") in text
    # Not a reviewer until they register: the invitation is no membership.
    assert not Membership.objects.filter(organization=department).exists()


def test_the_bureau_creates_a_region_only_under_its_own_region_tree(client, demo):
    client.force_login(user("bureau_approver"))
    kunming = Region.objects.get(name=KUNMING)
    response = client.post(
        reverse("organizations:region_create"), {"parent": kunming.pk, "name": "滇中新区", "code": ""}
    )
    assert response.status_code == 302
    region = Region.objects.get(name="滇中新区")
    assert region.parent == kunming
    assert AuditEvent.objects.filter(action="region_create", object_id=str(region.pk)).exists()
    # The province above the bureau's city is out of its scope: not offered, refused at the field.
    province = Region.objects.get(name="云南省")
    response = client.post(reverse("organizations:region_create"), {"parent": province.pk, "name": "曲靖市"})
    assert response.status_code == 200 and "parent" in response.context["form"].errors
    assert not Region.objects.filter(name="曲靖市").exists()
    # A duplicate name under the same parent: a Chinese message at the name.
    response = client.post(reverse("organizations:region_create"), {"parent": kunming.pk, "name": "五华区"})
    assert "昆明市下已有名为“五华区”的地区" in str(response.context["form"].errors["name"])


def test_a_department_is_created_only_in_the_bureaus_region(client, demo):
    client.force_login(user("bureau_approver"))
    elsewhere = RegionFactory(name="曲靖市", parent=Region.objects.get(name="云南省"))
    response = client.post(reverse("organizations:department_create"), _department_data(region=elsewhere.pk))
    assert response.status_code == 200 and "region" in response.context["form"].errors
    response = client.post(
        reverse("organizations:department_create"),
        _department_data(name="五华区人力资源和社会保障局", region=_wuhua().region_id),
    )
    assert "已有名为“五华区人力资源和社会保障局”的主管部门" in str(response.context["form"].errors["name"])


def test_the_bureau_approves_a_department_waiting_in_its_region_and_none_outside(client, demo):
    kunming = Region.objects.get(name=KUNMING)
    waiting = Organization.objects.create(kind=OrgKind.DEPARTMENT, name="昆明市待审部门", region=kunming)
    outside = Organization.objects.create(
        kind=OrgKind.DEPARTMENT, name="曲靖市待审部门", region=RegionFactory(parent=kunming.parent)
    )
    client.force_login(user("bureau_approver"))
    page = client.get(reverse("organizations:hierarchy")).content.decode()
    assert "昆明市待审部门" in page and "曲靖市待审部门" not in page
    assert client.post(reverse("organizations:department_approve", args=[waiting.pk])).status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == OrgStatus.APPROVED
    assert AuditEvent.objects.filter(action="organization_approve", object_id=str(waiting.pk)).exists()
    # Out of scope: a 404 exactly like a missing department.
    assert client.post(reverse("organizations:department_approve", args=[outside.pk])).status_code == 404
    assert client.post(reverse("organizations:department_approve", args=[999999])).status_code == 404
    outside.refresh_from_db()
    assert outside.status == OrgStatus.PENDING


def test_a_department_creates_a_subordinate_unit_approved_by_it(client, demo, phone):
    reviewer = user("dept_reviewer")
    department = _wuhua()
    client.force_login(reviewer)
    data = _unit_data(department)
    response = client.post(reverse("organizations:subordinate_units", args=[department.pk]), data)
    assert response.status_code == 302
    unit = Organization.objects.get(credit_code=data["credit_code"])
    assert (unit.kind, unit.parent, unit.status, unit.reviewed_by, unit.contact_person) == (
        OrgKind.UNIT,
        department,
        OrgStatus.APPROVED,
        reviewer,
        "何芳",
    )
    assert AuditEvent.objects.filter(action="organization_create", actor=reviewer, object_id=str(unit.pk)).exists()
    assert Invitation.objects.get(organization=unit).role == Role.UNIT_HR
    assert "五华区新开办学校" in phone.texts("13912340002")[-1]
    page = client.get(reverse("organizations:subordinate_units", args=[department.pk])).content.decode()
    assert "五华区新开办学校" in page and "何芳（已邀请，待注册）" in page


def test_duplicate_credit_code_and_name_are_refused_at_the_field_in_chinese(client, demo):
    client.force_login(user("dept_reviewer"))
    department = _wuhua()
    url = reverse("organizations:subordinate_units", args=[department.pk])
    taken = Organization.objects.get(name="昆明市第一中学")
    response = client.post(url, _unit_data(department, credit_code=taken.credit_code))
    assert "已由“昆明市第一中学”注册" in str(response.context["form"].errors["credit_code"])
    response = client.post(url, _unit_data(department, name="昆明市第一中学"))
    assert "已有名为“昆明市第一中学”的单位" in str(response.context["form"].errors["name"])
    # The GB 32100 check character is checked by the existing validator; letters like N are fine.
    response = client.post(url, _unit_data(department, credit_code="91530100MA6XXXXXX1"))
    assert "credit_code" in response.context["form"].errors
    village = with_credit_check("N2530102MF0000001"[:17])
    response = client.post(url, _unit_data(department, credit_code=village, name="某村股份经济合作社"))
    assert response.status_code == 302
    assert Organization.objects.filter(credit_code=village, parent=department).exists()


def test_a_department_creates_only_under_itself_and_in_its_region(client, demo):
    department = _wuhua()
    other = Organization.objects.filter(kind=OrgKind.DEPARTMENT, status=OrgStatus.APPROVED).exclude(pk=department.pk)
    other = other.exclude(region=department.region).first()
    client.force_login(user("dept_reviewer"))
    for pk in (other.pk, 999999):
        assert client.get(reverse("organizations:subordinate_units", args=[pk])).status_code == 404
        assert client.post(reverse("organizations:subordinate_units", args=[pk]), _unit_data(other)).status_code == 404
    # A region outside the department's (another district) is not offered.
    response = client.post(
        reverse("organizations:subordinate_units", args=[department.pk]), _unit_data(department, region=other.region_id)
    )
    assert response.status_code == 200 and "region" in response.context["form"].errors
    assert not Organization.objects.filter(name="五华区新开办学校").exists()


def test_the_invited_officer_registers_with_the_invited_mobile_and_runs_the_unit(client, demo, phone):
    client.force_login(user("dept_reviewer"))
    department = _wuhua()
    data = _unit_data(department)
    client.post(reverse("organizations:subordinate_units", args=[department.pk]), data)
    unit = Organization.objects.get(credit_code=data["credit_code"])
    client.logout()
    person = {
        "real_name": "何芳",
        "id_number": id_number(),
        "mobile": "13912340002",
        "email": "",
        "password1": "Hefang@2026x",
        "password2": "Hefang@2026x",
    }
    filled = with_code(client, phone, person, url="organizations:invitation")
    response = client.post(reverse("organizations:invitation"), filled)
    assert response.status_code == 200 and "注册已提交" in response.content.decode()
    officer = Membership.objects.get(organization=unit, role=Role.UNIT_HR, is_active=True).user
    assert officer.real_name == "何芳"
    assert Invitation.objects.get(organization=unit).accepted_by == officer
    assert AuditEvent.objects.filter(action="invitation_accept", actor=officer).exists()
    client.force_login(officer)
    assert client.get(reverse("organizations:unit_staff", args=[unit.pk])).status_code == 200


def test_a_mobile_with_no_invitation_is_told_so_after_its_code(client, demo, phone):
    person = {
        "real_name": "路人甲",
        "id_number": id_number(),
        "mobile": "13912349999",
        "email": "",
        "password1": "Luren@2026x",
        "password2": "Luren@2026x",
    }
    filled = with_code(client, phone, person, url="organizations:invitation")
    response = client.post(reverse("organizations:invitation"), filled)
    assert "没有待接受的邀请" in str(response.context["form"].errors["mobile"])
    assert not Membership.objects.filter(user__mobile="13912349999").exists()


def test_someone_with_an_account_accepts_logged_in_and_only_their_own(client, demo, phone):
    existing = member(Role.APPLICANT, Organization.objects.get(name="昆明市第一中学"), mobile="13912340002")
    client.force_login(user("dept_reviewer"))
    department = _wuhua()
    data = _unit_data(department)
    client.post(reverse("organizations:subordinate_units", args=[department.pk]), data)
    invitation = Invitation.objects.get(organization__credit_code=data["credit_code"])
    # Someone else cannot accept it (404 like a missing one), even knowing its number.
    client.force_login(user("applicant"))
    assert client.post(reverse("organizations:invitation_accept", args=[invitation.pk])).status_code == 404
    client.force_login(existing)
    assert 'id="open-invitations"' in client.get(reverse("home:dashboard")).content.decode()
    assert "接受邀请" in client.get(reverse("organizations:invitation")).content.decode()
    assert client.post(reverse("organizations:invitation_accept", args=[invitation.pk])).status_code == 302
    assert Membership.objects.filter(user=existing, organization=invitation.organization, role=Role.UNIT_HR).exists()
    client.force_login(existing)  # now staff: force_login stands for the login with the second factor
    assert client.post(reverse("organizations:invitation_accept", args=[invitation.pk])).status_code == 404
