"""A department approves or rejects the registrations of its own units, once, rejecting with a reason."""

import pytest
from django.urls import reverse

from portal.organizations.models import Membership, Organization, OrgStatus, Role
from tests.factories import DepartmentFactory, UnitFactory, member
from tests.test_registration import applicant_data, with_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    department = DepartmentFactory()
    other_department = DepartmentFactory()
    reviewer = member("dept_reviewer", department)
    unit = UnitFactory(pending=True, parent=department)
    officer = member("unit_hr", unit)
    foreign = UnitFactory(pending=True, parent=other_department)
    return department, reviewer, unit, officer, foreign


def test_reviewer_sees_only_own_units(client, setup):
    _, reviewer, unit, _, foreign = setup
    client.force_login(reviewer)
    page = client.get(reverse("organizations:unit_review_list")).content.decode()
    assert unit.name in page and foreign.name not in page


def test_another_departments_unit_is_not_found(client, setup):
    _, reviewer, _, _, foreign = setup
    client.force_login(reviewer)
    assert client.post(reverse("organizations:unit_approve", args=[foreign.pk])).status_code == 404
    response = client.post(reverse("organizations:unit_reject", args=[foreign.pk]), {"reason": "不符"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == OrgStatus.PENDING


def test_approve_then_applicants_can_pick_it(client, setup, phone):
    _, reviewer, unit, _, _ = setup
    response = client.post(reverse("people:register"), applicant_data(unit))
    assert "尚未通过主管部门审核" in str(response.context["form"].errors["unit"])
    client.force_login(reviewer)
    client.post(reverse("organizations:unit_approve", args=[unit.pk]))
    unit.refresh_from_db()
    assert unit.status == OrgStatus.APPROVED and unit.reviewed_by == reviewer
    client.logout()
    data = with_code(client, phone, applicant_data(unit))
    assert client.post(reverse("people:register"), data).status_code == 302


def test_approving_twice_or_rejecting_after_approval_is_refused_with_a_message(client, setup):
    _, reviewer, unit, _, _ = setup
    client.force_login(reviewer)
    client.post(reverse("organizations:unit_approve", args=[unit.pk]))
    response = client.post(reverse("organizations:unit_approve", args=[unit.pk]), follow=True)
    assert "不能重复审核" in response.content.decode()
    response = client.post(reverse("organizations:unit_reject", args=[unit.pk]), {"reason": "迟到的退回"}, follow=True)
    assert "不能重复审核" in response.content.decode()
    unit.refresh_from_db()
    assert unit.status == OrgStatus.APPROVED and unit.rejection_reason == ""


@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_needs_a_reason(client, setup, reason):
    _, reviewer, unit, _, _ = setup
    client.force_login(reviewer)
    response = client.post(reverse("organizations:unit_reject", args=[unit.pk]), {"reason": reason})
    assert response.status_code == 400
    assert "请填写不通过的理由" in response.content.decode()
    unit.refresh_from_db()
    assert unit.status == OrgStatus.PENDING


def test_rejected_unit_sees_the_reason_fixes_and_goes_back_to_its_department(client, setup):
    _, reviewer, unit, officer, _ = setup
    client.force_login(reviewer)
    client.post(reverse("organizations:unit_reject", args=[unit.pk]), {"reason": "名称与营业执照不符"})
    client.force_login(officer)
    page = client.get(reverse("home:dashboard")).content.decode()
    assert "名称与营业执照不符" in page and "修改并重新提交" in page
    client.post(
        reverse("organizations:unit_edit", args=[unit.pk]),
        {"name": unit.name + "（更正）", "address": "地址", "phone": "0871-1"},
    )
    unit.refresh_from_db()
    assert unit.status == OrgStatus.PENDING and unit.name.endswith("（更正）")
    assert unit.name_changes.count() == 1
    client.force_login(reviewer)
    assert unit.name in client.get(reverse("organizations:unit_review_list")).content.decode()


def test_department_home_lists_its_pending_units_only(client, setup):
    _, reviewer, unit, _, foreign = setup
    client.force_login(reviewer)
    page = client.get(reverse("home:dashboard")).content.decode()
    assert "待审核单位注册 1 个" in page
    assert unit.name in page and foreign.name not in page


def test_unit_registration_leaves_nothing_when_the_officer_cannot_be_created(client, catalog, phone):
    """A taken officer mobile: no unit without its officer, no officer without the unit, and the
    same answer as a registration that went through (its holder is told instead)."""
    from portal.core.identity import with_credit_check
    from tests.factories import id_number

    existing = member("applicant", UnitFactory())
    department = Organization.objects.get(name="五华区人力资源和社会保障局")
    code = with_credit_check("12530102431207777")
    data = {
        "unit_name": "测试单位乙",
        "credit_code": code.lower(),
        "region": department.region_id,
        "parent": department.pk,
        "address": "地址",
        "phone": "0871-65000000",
        "real_name": "周经办",
        "id_number": id_number(),
        "mobile": existing.mobile,
        "password1": "Lanhua#2026",
        "password2": "Lanhua#2026",
    }
    # The taken mobile gets no code, only a notice: whatever is typed, it is refused like a wrong code.
    client.post(reverse("organizations:unit_register"), {**data, "action": "send_code"})
    assert "本号码已注册过账号" in phone.texts(existing.mobile)[-1]
    response = client.post(reverse("organizations:unit_register"), {**data, "code": "123456"})
    assert "验证码" in str(response.context["form"].errors["code"])
    assert not Organization.objects.filter(credit_code=code).exists()
    assert not Membership.objects.filter(role=Role.UNIT_HR, user__id_number=data["id_number"]).exists()
    page = response.content.decode()
    assert "测试单位乙" in page and data["id_number"] in page
    # With the officer's own mobile it goes through, with the code stored in capitals.
    data = with_code(client, phone, {**data, "mobile": "13611112222"}, url="organizations:unit_register")
    assert client.post(reverse("organizations:unit_register"), data).status_code == 200
    unit = Organization.objects.get(credit_code=code)
    assert Membership.objects.get(organization=unit, role=Role.UNIT_HR).user.mobile == "13611112222"
