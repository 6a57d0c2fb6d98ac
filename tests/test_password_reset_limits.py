"""Forgotten password: codes cannot be asked for without end, and nothing tells who is registered."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import PasswordResetCode
from portal.notifications.models import SmsMessage
from tests.factories import UnitFactory, id_number, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant():
    return member("applicant", UnitFactory())


def ask(client, person):
    return client.post(reverse("accounts:forgot_password"), {"id_number": person.id_number, "mobile": person.mobile})


def reset(client, number, code, password="Meihua#2026"):
    return client.post(
        reverse("accounts:reset_password"),
        {"id_number": number, "code": code, "password1": password, "password2": password},
    )


def test_a_second_code_within_a_minute_is_not_sent(client, applicant):
    ask(client, applicant)
    response = ask(client, applicant)
    assert response.status_code == 302  # the same answer as when a code is sent
    assert SmsMessage.objects.filter(purpose="password_reset").count() == 1
    assert PasswordResetCode.objects.count() == 1


def test_codes_per_day_are_capped_so_guesses_are_bounded(client, settings, applicant):
    settings.PASSWORD_RESET_CODES_PER_DAY = 3
    for _ in range(5):
        ask(client, applicant)
        # Let a minute pass between requests.
        PasswordResetCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert PasswordResetCode.objects.count() == 3
    # A day later it is possible again.
    PasswordResetCode.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))
    ask(client, applicant)
    assert PasswordResetCode.objects.count() == 4


def test_the_message_after_asking_names_the_configured_minutes(client, settings, applicant):
    settings.PASSWORD_RESET_CODE_MINUTES = 15
    page = client.post(
        reverse("accounts:forgot_password"),
        {"id_number": applicant.id_number, "mobile": applicant.mobile},
        follow=True,
    ).content.decode()
    assert "请在15分钟内使用" in page


def test_an_expired_code_is_refused(client, applicant, phone):
    ask(client, applicant)
    code = phone.code()
    PasswordResetCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert "已失效" in str(reset(client, applicant.id_number, code).context["form"].errors["code"])


def test_a_code_typed_with_spaces_or_full_width_digits_works(client, applicant, phone):
    ask(client, applicant)
    code = phone.code()
    typed = "".join(chr(ord(c) + 0xFEE0) for c in code[:3]) + " " + code[3:]
    assert reset(client, applicant.id_number, typed).status_code == 302


def test_a_code_that_is_not_six_digits_gets_a_chinese_message(client, applicant):
    errors = reset(client, applicant.id_number, "12ab56").context["form"].errors
    assert "6位数字验证码" in str(errors["code"])


def test_password_policy_answers_the_same_for_an_unknown_id_number(client, applicant):
    unknown = id_number()
    for number in [applicant.id_number, unknown]:
        errors = reset(client, number, "123456", password="12345678").context["form"].errors
        assert "太常见" in str(errors["password1"]), number
        # The policy also refuses the typed ID number inside the password, registered or not.
        errors = reset(client, number, "123456", password=f"Ab{number[-8:]}").context["form"].errors
        assert "身份证号码" in str(errors["password1"]), number
