"""Changing the account's mobile: the new number is proven by a code sent to it, the current
password is asked, and the old number is told."""

import pytest
from django.urls import reverse

from portal.accounts.models import MobileCode
from tests.factories import PASSWORD, UnitFactory, member

pytestmark = pytest.mark.django_db
NEW = "13911118888"


@pytest.fixture
def applicant(client):
    person = member("applicant", UnitFactory(), mobile="13812345678")
    client.force_login(person)
    return person


def change(client, follow=False, **fields):
    data = {"mobile": NEW, "password": PASSWORD, **fields}
    return client.post(reverse("accounts:change_mobile"), data, follow=follow)


def test_the_profile_offers_it_and_a_code_goes_to_the_new_number(client, applicant, phone):
    assert reverse("accounts:change_mobile") in client.get(reverse("people:profile")).content.decode()
    page = change(client, action="send_code")
    assert "验证码已发送到139****8888" in page.content.decode()
    code = phone.code(NEW)
    assert MobileCode.objects.get(mobile=NEW, user=applicant).purpose == "mobile_change"
    response = change(client, code=code, follow=True)
    assert response.redirect_chain == [(reverse("people:profile"), 302)]
    applicant.refresh_from_db()
    assert applicant.mobile == NEW
    [notice] = phone.texts("13812345678")
    assert "已更换为 139****8888" in notice
    # The new number logs in.
    client.logout()
    login = client.post(reverse("accounts:login"), {"username": NEW, "password": PASSWORD})
    assert login.status_code == 302


def test_a_wrong_code_or_password_changes_nothing(client, applicant, phone):
    change(client, action="send_code")
    code = phone.code(NEW)
    wrong = "000000" if code != "000000" else "111111"
    assert "验证码不正确" in str(change(client, code=wrong).context["form"].errors["code"])
    errors = change(client, code=code, password="nope").context["form"].errors
    assert "当前密码不正确" in str(errors["password"])
    applicant.refresh_from_db()
    assert applicant.mobile == "13812345678"


def test_a_code_sent_for_someone_else_does_not_change_this_account(client, applicant, phone):
    other = member("applicant", UnitFactory())
    client.force_login(other)
    change(client, action="send_code")
    code = phone.code(NEW)
    client.force_login(applicant)
    assert "code" in change(client, code=code).context["form"].errors
    applicant.refresh_from_db()
    assert applicant.mobile == "13812345678"


def test_the_current_number_is_refused_at_the_field(client, applicant, phone):
    response = change(client, mobile=applicant.mobile, action="send_code")
    assert "已是您账号的手机号码" in str(response.context["form"].errors["mobile"])
    assert phone.texts() == []


def test_logged_out_people_are_sent_to_log_in(client):
    response = client.get(reverse("accounts:change_mobile"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url
