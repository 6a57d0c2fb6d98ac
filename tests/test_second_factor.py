"""Staff log in with a password and a TOTP code (django-otp); recovery codes work once."""

import logging
import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.second_factor import new_secret
from portal.accounts.services import second_factor_enrol
from tests.factories import PASSWORD, UnitFactory, member
from tests.second_factor_helpers import current_code, fresh_code

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("home:dashboard")
VERIFY = reverse("accounts:second_factor")
SETUP = reverse("accounts:second_factor_setup")
CODES = reverse("accounts:recovery_codes")


def password_login(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.mobile, "password": PASSWORD})
    assert response.status_code == 302
    return client.get(DASHBOARD)


@pytest.fixture
def officer():
    return member("unit_hr", UnitFactory())


@pytest.fixture
def enrolled(officer):
    secret = new_secret()
    _, codes = second_factor_enrol(user=officer, secret=secret)
    return officer, secret, codes


@pytest.mark.parametrize("role", ["unit_hr", "dept_reviewer", "window_staff", "bureau_approver", "admin"])
def test_staff_password_alone_does_not_log_in(client, role):
    user = member(role)
    second_factor_enrol(user=user, secret=new_secret())
    response = password_login(client, user)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    for name in ["home:dashboard", "organizations:unit_review_list", "people:profile"]:
        assert client.get(reverse(name)).url.startswith(VERIFY), name
    assert client.get("/admin/").status_code == 302


def test_staff_without_a_device_is_sent_to_enrolment_and_enrols(client, officer, caplog):
    caplog.set_level(logging.DEBUG)
    response = password_login(client, officer)
    assert response.url.startswith(SETUP)
    page = client.get(SETUP).content.decode()
    assert "<svg" in page
    secret_text = re.search(r'<code id="totp-secret">([^<]+)</code>', page).group(1)
    secret = client.session["second_factor_setup_secret"]
    assert client.get(SETUP).content.decode().count(secret_text) == 1  # the same secret until confirmed

    response = client.post(SETUP, {"code": "000000" if current_code(secret) != "000000" else "111111"})
    assert "验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=officer).exists()

    response = client.post(SETUP, {"code": current_code(secret)})
    page = response.content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(codes) == 10
    assert "只显示这一次" in page
    assert TOTPDevice.objects.get(user=officer).confirmed
    assert client.get(DASHBOARD).status_code == 200
    # Shown once: the recovery-codes page tells how many are left, not what they are.
    later = client.get(CODES).content.decode()
    assert "10" in later and not any(code in later for code in codes)
    # Neither the secret nor a code reaches the logs.
    logged = caplog.text
    assert secret not in logged and secret_text.replace(" ", "") not in logged.replace(" ", "")
    assert not any(code in logged for code in codes)


def test_totp_code_after_the_password_logs_in_and_is_not_accepted_twice(client, enrolled):
    officer, secret, _ = enrolled
    password_login(client, officer)
    response = client.post(VERIFY, {"code": "12 34 56" if current_code(secret) != "123456" else "654321"})
    assert "验证码不正确" in response.content.decode()
    # django-otp makes the next try wait after a failure (1 s, doubling): not this test's subject.
    TOTPDevice.objects.filter(user=officer).update(throttling_failure_count=0)
    code = current_code(secret)
    response = client.post(f"{VERIFY}?next=/people/profile/", {"code": code, "next": "/people/profile/"})
    assert response.status_code == 302 and response.url == "/people/profile/"
    assert client.get(DASHBOARD).status_code == 200

    client.post(reverse("accounts:logout"))
    password_login(client, officer)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200  # a code is used once
    assert client.get(DASHBOARD).url.startswith(VERIFY)


def test_recovery_code_works_once(client, enrolled):
    officer, _, codes = enrolled
    password_login(client, officer)
    response = client.post(VERIFY, {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 200
    assert StaticToken.objects.filter(device__user=officer).count() == 9

    client.post(reverse("accounts:logout"))
    password_login(client, officer)
    response = client.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert client.get(DASHBOARD).url.startswith(VERIFY)
    StaticDevice.objects.filter(user=officer).update(throttling_failure_count=0)
    assert client.post(VERIFY, {"code": codes[1]}).status_code == 302


def test_regenerated_recovery_codes_replace_the_old_ones(client, enrolled):
    officer, _, codes = enrolled
    password_login(client, officer)
    client.post(VERIFY, {"code": fresh_code(officer)})
    page = client.post(CODES).content.decode()
    new_codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    client.post(reverse("accounts:logout"))
    password_login(client, officer)
    assert client.post(VERIFY, {"code": codes[2]}).status_code == 200
    StaticDevice.objects.filter(user=officer).update(throttling_failure_count=0)
    assert client.post(VERIFY, {"code": new_codes[2]}).status_code == 302


def test_the_password_alone_cannot_replace_the_authenticator(client, enrolled):
    officer, _, _ = enrolled
    password_login(client, officer)
    assert client.get(SETUP).url == VERIFY
    assert client.post(SETUP, {"code": "123456"}).url == VERIFY
    assert client.get(CODES).url.startswith(VERIFY)
    assert client.post(CODES).url.startswith(VERIFY)


def test_applicants_log_in_with_the_password_only(client):
    applicant = member("applicant", UnitFactory())
    assert password_login(client, applicant).status_code == 200
    for url in [VERIFY, SETUP, CODES]:
        assert client.get(url).status_code == 404


def test_admin_never_shows_a_secret_or_a_code(client, enrolled):
    officer, secret, codes = enrolled
    admin = member("admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    for model in ["totpdevice", "staticdevice"]:
        page = client.get(reverse(f"admin:otp_{model.replace('device', '')}_{model}_changelist")).content.decode()
        assert officer.real_name in page
        assert secret not in page and not any(code in page for code in codes)
    device = TOTPDevice.objects.get(user=officer)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert secret not in page
