import pytest
from django.urls import reverse

from portal.accounts.models import User
from portal.organizations.models import Membership, Organization, OrgStatus, Role
from tests.factories import UnitFactory, id_number, member, mobile

pytestmark = pytest.mark.django_db


def applicant_data(unit_obj, **overrides):
    data = {
        "real_name": "王小明",
        "id_number": id_number(),
        "mobile": mobile(),
        "email": "",
        "unit": unit_obj.credit_code,
        "password1": "Lanhua#2026",
        "password2": "Lanhua#2026",
    }
    data.update(overrides)
    return data


def test_applicant_registers_under_an_approved_unit_and_is_logged_in(client):
    unit = UnitFactory()
    data = applicant_data(unit)
    response = client.post(reverse("people:register"), data)
    assert response.status_code == 302
    user = User.objects.get(id_number=data["id_number"])
    assert Membership.objects.get(user=user).organization == unit
    assert client.get(reverse("home:dashboard")).status_code == 200


def test_unit_can_be_picked_by_exact_name(client):
    unit = UnitFactory(name="昆明市测试医院")
    response = client.post(reverse("people:register"), applicant_data(unit, unit="昆明市测试医院"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "status,message", [(OrgStatus.PENDING, "尚未通过主管部门审核"), (OrgStatus.REJECTED, "未通过审核")]
)
def test_unit_not_approved_is_refused_at_the_field(client, status, message):
    unit = UnitFactory(status=status)
    data = applicant_data(unit)
    response = client.post(reverse("people:register"), data)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["unit"])
    assert not User.objects.filter(id_number=data["id_number"]).exists()
    # What was typed is kept.
    assert data["id_number"] in response.content.decode()
    assert "王小明" in response.content.decode()


def test_invalid_id_number_and_duplicates_are_reported_at_their_fields(client):
    unit = UnitFactory()
    existing = member("applicant", unit)
    bad = applicant_data(unit, id_number="530102198803152010", mobile=existing.mobile)
    response = client.post(reverse("people:register"), bad)
    errors = response.context["form"].errors
    assert "校验位" in str(errors["id_number"]) or "18位" in str(errors["id_number"])
    assert "已被其他账号使用" in str(errors["mobile"])

    dup = applicant_data(unit, id_number=existing.id_number)
    errors = client.post(reverse("people:register"), dup).context["form"].errors
    assert "已注册" in str(errors["id_number"])
    assert User.objects.count() == 1


def test_password_policy(client):
    unit = UnitFactory()
    number = id_number()
    for password, message in [
        ("12345678", "只包含数字"),
        ("abc", "至少"),
        ("password1", "太常见"),
        (f"Ab{number[-8:]}", "身份证号码"),
    ]:
        data = applicant_data(unit, id_number=number, password1=password, password2=password)
        errors = client.post(reverse("people:register"), data).context["form"].errors
        assert message in str(errors["password1"]), (password, errors)
    errors = (
        client.post(reverse("people:register"), applicant_data(unit, password2="other#Pass1")).context["form"].errors
    )
    assert "不一致" in str(errors["password2"])


def test_unit_registration_creates_pending_unit_with_officer(client, catalog):
    from portal.organizations.models import Region

    department = Organization.objects.get(name="五华区人力资源和社会保障局")
    region = Region.objects.get(name="五华区")
    data = {
        "unit_name": "昆明市五华区测试小学",
        "credit_code": "12530102431200008",
        "region": region.pk,
        "parent": department.pk,
        "address": "五华区某路1号",
        "phone": "0871-65000000",
        "real_name": "周经办",
        "id_number": id_number(),
        "mobile": mobile(),
        "password1": "Lanhua#2026",
        "password2": "Lanhua#2026",
    }
    from portal.core.identity import with_credit_check

    data["credit_code"] = with_credit_check(data["credit_code"][:17])
    response = client.post(reverse("organizations:unit_register"), data)
    assert response.status_code == 200
    assert "等待" in response.content.decode()
    unit = Organization.objects.get(credit_code=data["credit_code"])
    assert unit.status == OrgStatus.PENDING and unit.parent == department
    officer = Membership.objects.get(organization=unit, role=Role.UNIT_HR).user
    assert officer.real_name == "周经办"

    # The same code again: refused at the field, nothing else is saved.
    data2 = {**data, "id_number": id_number(), "mobile": mobile()}
    response = client.post(reverse("organizations:unit_register"), data2)
    assert "请勿重复注册" in str(response.context["form"].errors["credit_code"])
    assert User.objects.filter(id_number=data2["id_number"]).count() == 0


def test_unit_registration_with_bad_officer_saves_nothing(client, catalog):
    from portal.core.identity import with_credit_check

    department = Organization.objects.get(name="五华区人力资源和社会保障局")
    code = with_credit_check("12530102431200009")
    data = {
        "unit_name": "测试单位甲",
        "credit_code": code,
        "region": department.region_id,
        "parent": department.pk,
        "address": "地址",
        "phone": "0871-65000000",
        "real_name": "周经办",
        "id_number": "530102198803152010",
        "mobile": "12345",
        "password1": "Lanhua#2026",
        "password2": "Lanhua#2026",
    }
    response = client.post(reverse("organizations:unit_register"), data)
    errors = response.context["form"].errors
    assert "id_number" in errors and "mobile" in errors
    assert not Organization.objects.filter(credit_code=code).exists()
    assert code in response.content.decode()


def test_bad_credit_code_message(client, catalog):
    response = client.post(reverse("organizations:unit_register"), {"credit_code": "91110000600037341A"})
    assert "校验位" in str(response.context["form"].errors["credit_code"])


def test_id_number_cannot_be_changed_in_admin(client, demo):
    admin_user = User.objects.get(mobile="13800000006")
    client.force_login(admin_user)
    target = User.objects.get(mobile="13800000001")
    url = reverse("admin:accounts_user_change", args=[target.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="id_number"' not in page.content.decode()
