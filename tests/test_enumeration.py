"""Nobody learns who is registered: forgot-password, registration and mobile change answer an
unknown (or already registered) person exactly like the success path, and do the same work, so
neither the page nor the time it takes tells them apart."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from portal.accounts.models import PasswordResetCode
from portal.notifications import codes
from portal.notifications.models import SmsMessage
from tests.factories import UnitFactory, id_number, member

pytestmark = pytest.mark.django_db


class CountingHasher(MD5PasswordHasher):
    """Counts the hashes computed: the slow step in production (PBKDF2), so the one that would
    show in the answer's timing."""

    computed = 0

    def encode(self, password, salt):
        CountingHasher.computed += 1
        return super().encode(password, salt)


@pytest.fixture
def work(settings, monkeypatch):
    """work() → (hashes computed, messages rendered and sealed) since the last call."""
    settings.PASSWORD_HASHERS = ["tests.test_enumeration.CountingHasher"]
    sealed = []
    real_seal = codes.seal
    monkeypatch.setattr(codes, "seal", lambda *a, **kw: sealed.append(1) or real_seal(*a, **kw))

    def take():
        done = (CountingHasher.computed, len(sealed))
        CountingHasher.computed = 0
        sealed.clear()
        return done

    take()
    return take


@pytest.fixture
def applicant():
    return member("applicant", UnitFactory(), mobile="13812345678")


def answer(response) -> tuple:
    """What the person sees: where they were sent and the messages shown there."""
    return response.redirect_chain, [str(m) for m in response.context["messages"]]


def forgot(client, id_number, mobile):
    data = {"id_number": id_number, "mobile": mobile}
    return answer(client.post(reverse("accounts:forgot_password"), data, follow=True))


def test_forgot_password_for_an_unknown_account_answers_and_works_like_a_known_one(client, applicant, work):
    known = forgot(client, applicant.id_number, applicant.mobile)
    known_work = work()
    assert known_work[0] >= 1 and known_work[1] == 1
    assert SmsMessage.objects.count() == PasswordResetCode.objects.count() == 1

    for number, mobile in [(id_number(), "13900000000"), (applicant.id_number, "13900000000")]:
        assert forgot(client, number, mobile) == known
        assert work() == known_work
    assert SmsMessage.objects.count() == PasswordResetCode.objects.count() == 1


def test_a_throttled_request_does_the_same_work_as_a_sent_one(client, applicant, work):
    sent = forgot(client, applicant.id_number, applicant.mobile)
    sent_work = work()
    assert forgot(client, applicant.id_number, applicant.mobile) == sent  # within the minute: throttled
    assert work() == sent_work
    assert SmsMessage.objects.count() == 1


def test_a_reset_for_an_unknown_id_costs_as_much_as_a_wrong_code(client, applicant, work, phone):
    forgot(client, applicant.id_number, applicant.mobile)
    code = phone.code()
    wrong = "000000" if code != "000000" else "111111"
    work()
    form = {"code": wrong, "password1": "Meihua#2026", "password2": "Meihua#2026"}
    known = client.post(reverse("accounts:reset_password"), {**form, "id_number": applicant.id_number})
    known_work = work()
    unknown = client.post(reverse("accounts:reset_password"), {**form, "id_number": id_number()})
    assert work() == known_work
    assert "验证码" in str(known.context["form"].errors["code"])
    assert "验证码" in str(unknown.context["form"].errors["code"])
