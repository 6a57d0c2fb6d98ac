import re

import pytest
from django.urls import reverse

from portal.accounts.lockout import locked_until
from portal.accounts.models import User
from portal.notifications.models import SmsMessage, SmsStatus
from tests.factories import PASSWORD, UnitFactory, member

pytestmark = pytest.mark.django_db


def login(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@pytest.fixture
def unit_with_staff():
    unit = UnitFactory()
    officer = member("unit_hr", unit, real_name="李经办")
    applicant = member("applicant", unit, real_name="张申报")
    return unit, officer, applicant


def test_login_with_id_number_or_mobile(client, unit_with_staff):
    _, _, applicant = unit_with_staff
    assert login(client, applicant.id_number).status_code == 302
    client.logout()
    assert login(client, applicant.mobile).status_code == 302
    client.logout()
    assert login(client, applicant.id_number.lower()).status_code == 302


def test_wrong_password_message_is_chinese_and_at_the_form(client, unit_with_staff):
    _, _, applicant = unit_with_staff
    response = login(client, applicant.mobile, "wrong-password")
    assert response.status_code == 200
    assert "账号或密码不正确" in response.content.decode()
    assert applicant.mobile in response.content.decode()


def test_three_wrong_passwords_lock_the_account_whichever_identifier(client, settings, unit_with_staff):
    assert settings.AXES_FAILURE_LIMIT == 3
    _, _, applicant = unit_with_staff
    login(client, applicant.mobile, "bad-1")
    login(client, applicant.id_number, "bad-2")
    response = login(client, applicant.mobile, "bad-3")
    assert response.status_code == 403
    assert "已被锁定" in response.content.decode()
    assert locked_until(applicant) is not None
    # Even the right password is refused while locked.
    response = login(client, applicant.id_number, PASSWORD)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_lock_ends_by_time(client, settings, unit_with_staff):
    from datetime import timedelta

    from axes.models import AccessAttempt

    _, _, applicant = unit_with_staff
    for _ in range(3):
        login(client, applicant.mobile, "bad")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=31))
    assert locked_until(applicant) is None
    assert login(client, applicant.mobile).status_code == 302


def test_unit_officer_sees_lock_and_unlocks(client, unit_with_staff):
    unit, officer, applicant = unit_with_staff
    for _ in range(3):
        login(client, applicant.mobile, "bad")
    client.force_login(officer)
    staff_url = reverse("organizations:unit_staff", args=[unit.pk])
    page = client.get(staff_url).content.decode()
    assert "已锁定" in page
    response = client.post(reverse("organizations:staff_unlock", args=[unit.pk, applicant.pk]))
    assert response.status_code == 302
    assert locked_until(applicant) is None
    client.logout()
    assert login(client, applicant.mobile).status_code == 302


def test_officer_of_another_unit_cannot_unlock(client, unit_with_staff):
    unit, _, applicant = unit_with_staff
    stranger = member("unit_hr", UnitFactory())
    client.force_login(stranger)
    assert client.get(reverse("organizations:unit_staff", args=[unit.pk])).status_code == 404
    assert client.post(reverse("organizations:staff_unlock", args=[unit.pk, applicant.pk])).status_code == 404
    other_unit = stranger.memberships.get().organization
    assert client.post(reverse("organizations:staff_unlock", args=[other_unit.pk, applicant.pk])).status_code == 404


def test_reset_password_shows_one_time_password_once_and_forces_change(client, unit_with_staff):
    unit, officer, applicant = unit_with_staff
    client.force_login(officer)
    response = client.post(reverse("organizations:staff_reset_password", args=[unit.pk, applicant.pk]), follow=True)
    page = response.content.decode()
    password = re.search(r'<div class="one-time">([^<]+)</div>', page).group(1)
    assert "只显示这一次" in page
    assert "one-time" not in client.get(reverse("organizations:unit_staff", args=[unit.pk])).content.decode()

    client.logout()
    assert login(client, applicant.mobile, password).status_code == 302
    # Anything but changing the password sends them to the change form.
    assert client.get(reverse("home:dashboard")).url == reverse("accounts:change_password")
    response = client.post(
        reverse("accounts:change_password"),
        {"old_password": password, "password1": "Meihua#2026", "password2": "Meihua#2026"},
    )
    assert response.status_code == 302
    assert client.get(reverse("home:dashboard")).status_code == 200


def test_officer_removes_someone_from_the_unit(client, unit_with_staff):
    unit, officer, applicant = unit_with_staff
    client.force_login(officer)
    client.post(reverse("organizations:staff_remove", args=[unit.pk, applicant.pk]))
    assert not applicant.memberships.filter(is_active=True).exists()
    assert User.objects.filter(pk=applicant.pk).exists()
    page = client.get(reverse("organizations:unit_staff", args=[unit.pk])).content.decode()
    assert f'id="staff-{applicant.pk}"' not in page


def test_forgotten_password_by_id_and_mobile(client, unit_with_staff, phone, django_capture_on_commit_callbacks):
    _, _, applicant = unit_with_staff
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:forgot_password"), {"id_number": applicant.id_number, "mobile": applicant.mobile}
        )
    assert response.url == reverse("accounts:reset_password")
    sms = SmsMessage.objects.get(mobile=applicant.mobile, purpose="password_reset")
    assert sms.status == SmsStatus.SENT  # eager tasks
    code = phone.code(applicant.mobile)

    wrong = "000000" if code != "000000" else "111111"
    response = client.post(
        reverse("accounts:reset_password"),
        {"id_number": applicant.id_number, "code": wrong, "password1": "Meihua#2026", "password2": "Meihua#2026"},
    )
    assert "验证码不正确" in str(response.context["form"].errors["code"])
    response = client.post(
        reverse("accounts:reset_password"),
        {"id_number": applicant.id_number, "code": code, "password1": "Meihua#2026", "password2": "Meihua#2026"},
    )
    assert response.status_code == 302
    assert login(client, applicant.mobile, "Meihua#2026").status_code == 302
    # The code is used up.
    client.logout()
    response = client.post(
        reverse("accounts:reset_password"),
        {"id_number": applicant.id_number, "code": code, "password1": "Zhuhua#2026", "password2": "Zhuhua#2026"},
    )
    assert "已失效" in str(response.context["form"].errors["code"])


def test_forgotten_password_with_wrong_mobile_sends_nothing_and_reveals_nothing(client, unit_with_staff):
    _, _, applicant = unit_with_staff
    response = client.post(
        reverse("accounts:forgot_password"), {"id_number": applicant.id_number, "mobile": "13999999999"}, follow=True
    )
    assert "如身份证号码与注册手机号码匹配" in response.content.decode()
    assert not SmsMessage.objects.exists()


def test_reset_code_attempts_are_limited(client, settings, unit_with_staff, phone):
    _, _, applicant = unit_with_staff
    client.post(reverse("accounts:forgot_password"), {"id_number": applicant.id_number, "mobile": applicant.mobile})
    code = phone.code()
    wrong = "000000" if code != "000000" else "111111"
    form = {"id_number": applicant.id_number, "password1": "Meihua#2026", "password2": "Meihua#2026"}
    for _ in range(settings.PASSWORD_RESET_CODE_ATTEMPTS):
        client.post(reverse("accounts:reset_password"), {**form, "code": wrong})
    response = client.post(reverse("accounts:reset_password"), {**form, "code": code})
    assert "已失效" in str(response.context["form"].errors["code"])


def test_idle_session_expires_after_configured_minutes(client, settings, unit_with_staff):
    _, _, applicant = unit_with_staff
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_TOUCH_SECONDS == 60
    login(client, applicant.mobile)
    # The session is renewed once its last renewal is a minute old (portal/accounts/idle.py).
    session = client.session
    session["_touched"] -= 60
    session.save()
    response = client.get(reverse("home:dashboard"))
    assert response.cookies["sessionid"]["max-age"] == 1800
    # Simulate 31 idle minutes: the stored session has expired, so the next request is anonymous.
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.update(expire_date=timezone.now() - timedelta(minutes=1))
    assert client.get(reverse("home:dashboard")).status_code == 302
