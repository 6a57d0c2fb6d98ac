import pytest
from django.urls import reverse

from portal.accounts.models import MobileCode, User
from portal.core.identity import normalize_mobile
from portal.organizations.models import Membership, Organization, OrgStatus, Role
from tests.factories import UnitFactory, id_number, member, mobile

pytestmark = pytest.mark.django_db


def with_code(client, phone, data, url="people:register"):
    """Press "获取验证码" on the form as typed, then fill in the code the phone received."""
    client.post(reverse(url), {**data, "action": "send_code"})
    return {**data, "code": phone.code(normalize_mobile(data["mobile"]))}


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


def test_applicant_proves_the_mobile_registers_under_an_approved_unit_and_logs_in(client, phone):
    unit = UnitFactory()
    data = applicant_data(unit)
    # Step 1: the code goes to the mobile; the page keeps everything typed and checks nothing else.
    page = client.post(reverse("people:register"), {**data, "password1": "", "action": "send_code"})
    assert page.status_code == 200 and not page.context["form"].errors
    content = page.content.decode()
    assert "验证码已发送到" in content and data["id_number"] in content and "王小明" in content
    code = phone.code(data["mobile"])
    # Only its hash is stored.
    stored = MobileCode.objects.get(mobile=data["mobile"])
    assert stored.purpose == "register" and code not in stored.code_hash
    # Step 2: the form with the code.
    response = client.post(reverse("people:register"), {**data, "code": code}, follow=True)
    assert response.redirect_chain == [(reverse("accounts:login"), 302)]
    assert "注册已提交" in response.content.decode()
    user = User.objects.get(id_number=data["id_number"])
    assert user.mobile == data["mobile"] and Membership.objects.get(user=user).organization == unit
    login = client.post(reverse("accounts:login"), {"username": data["id_number"], "password": data["password1"]})
    assert login.status_code == 302
    assert client.get(reverse("home:dashboard")).status_code == 200


def test_without_the_right_code_nothing_is_created_and_guesses_are_limited(client, phone, settings):
    unit = UnitFactory()
    data = with_code(client, phone, applicant_data(unit))
    response = client.post(reverse("people:register"), {**data, "code": ""})
    assert "必填" in str(response.context["form"].errors["code"])
    wrong = "000000" if data["code"] != "000000" else "111111"
    for _ in range(settings.PASSWORD_RESET_CODE_ATTEMPTS):
        response = client.post(reverse("people:register"), {**data, "code": wrong})
    assert "已失效" in str(response.context["form"].errors["code"])
    # Guesses used up: the right code no longer works either; everything typed is still there.
    response = client.post(reverse("people:register"), data)
    assert "已失效" in str(response.context["form"].errors["code"])
    assert data["id_number"] in response.content.decode()
    assert not User.objects.exists()


def test_a_code_for_another_mobile_does_not_prove_this_one(client, phone):
    unit = UnitFactory()
    data = with_code(client, phone, applicant_data(unit))
    response = client.post(reverse("people:register"), {**data, "mobile": mobile()})
    assert "验证码" in str(response.context["form"].errors["code"])
    assert not User.objects.exists()


def test_an_expired_code_is_refused(client, phone):
    from datetime import timedelta

    from django.utils import timezone

    data = with_code(client, phone, applicant_data(UnitFactory()))
    MobileCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(reverse("people:register"), data)
    assert "已失效" in str(response.context["form"].errors["code"])


def test_codes_are_resent_at_most_once_a_minute(client, phone):
    data = applicant_data(UnitFactory())
    first = client.post(reverse("people:register"), {**data, "action": "send_code"})
    again = client.post(reverse("people:register"), {**data, "action": "send_code"})
    assert "验证码已发送到" in again.content.decode() and "验证码已发送到" in first.content.decode()
    assert len(phone.texts(data["mobile"])) == 1 and MobileCode.objects.count() == 1


def test_sending_a_code_to_a_bad_number_says_so_at_the_field(client, phone):
    response = client.post(reverse("people:register"), {"mobile": "12345", "action": "send_code"})
    assert "11位" in str(response.context["form"].errors["mobile"])
    assert set(response.context["form"].errors) == {"mobile"}
    assert phone.texts() == []


def test_unit_can_be_picked_by_exact_name(client, phone):
    unit = UnitFactory(name="昆明市测试医院")
    data = with_code(client, phone, applicant_data(unit, unit="昆明市测试医院"))
    response = client.post(reverse("people:register"), data)
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


def test_an_invalid_id_number_is_reported_at_its_field_and_duplicates_are_not(client):
    """Whether an ID number or mobile is registered is never said at a field (see test_enumeration)."""
    unit = UnitFactory()
    existing = member("applicant", unit)
    bad = applicant_data(unit, id_number="530102198803152010", mobile=existing.mobile)
    response = client.post(reverse("people:register"), bad)
    errors = response.context["form"].errors
    assert "校验位" in str(errors["id_number"]) or "18位" in str(errors["id_number"])
    assert "mobile" not in errors

    dup = applicant_data(unit, id_number=existing.id_number)
    errors = client.post(reverse("people:register"), dup).context["form"].errors
    assert "id_number" not in errors
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


def test_unit_registration_creates_pending_unit_with_officer(client, catalog, phone):
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
    # The officer's mobile is proven first; without the code nothing is saved.
    response = client.post(reverse("organizations:unit_register"), data)
    assert "code" in response.context["form"].errors
    assert not Organization.objects.filter(credit_code=data["credit_code"]).exists()
    data = with_code(client, phone, data, url="organizations:unit_register")
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
