"""Nobody learns who is registered: forgot-password, registration and mobile change answer an
unknown (or already registered) person exactly like the success path, and do the same work, so
neither the page nor the time it takes tells them apart."""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from portal.accounts.models import PasswordResetCode, User
from portal.notifications import codes
from portal.notifications.models import SmsMessage
from tests.factories import PASSWORD, UnitFactory, id_number, member

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


# --- registration --------------------------------------------------------------------------------


def registration(unit, **overrides):
    return {
        "real_name": "王小明",
        "id_number": id_number(),
        "mobile": "13911112222",
        "email": "",
        "unit": unit.credit_code,
        "password1": "Lanhua#2026",
        "password2": "Lanhua#2026",
        **overrides,
    }


def press_send_code(client, data, url="people:register"):
    response = client.post(reverse(url), {**data, "action": "send_code"})
    return response.status_code, [str(m) for m in response.context["messages"]], response.context["form"].errors


def test_a_registered_mobile_gets_the_same_answer_and_work_and_its_holder_a_notice(client, applicant, phone, work):
    unit = UnitFactory()
    fresh = press_send_code(client, registration(unit, mobile="13911112222"))
    fresh_work = work()
    taken = press_send_code(client, registration(unit, mobile=applicant.mobile))
    assert work() == fresh_work
    assert taken == (fresh[0], [m.replace("139****2222", "138****5678") for m in fresh[1]], fresh[2])
    # The holder is told, and gets no code.
    [notice] = phone.texts(applicant.mobile)
    assert "本号码已注册过账号" in notice and "验证码" not in notice
    # Whatever code is typed for the taken number, the answer is that of a wrong code.
    fresh_code = phone.code("13911112222")
    guess = "000000" if fresh_code != "000000" else "111111"
    answers = [
        client.post(reverse("people:register"), registration(unit, mobile=m, code=guess)).context["form"].errors
        for m in ("13911112222", applicant.mobile)
    ]
    assert answers[0] == answers[1] and "code" in answers[0]


def register(client, phone, data, url="people:register"):
    client.post(reverse(url), {**data, "action": "send_code"})
    data = {**data, "code": phone.code(data["mobile"])}
    response = client.post(reverse(url), data, follow=True)
    return response


def test_a_registered_id_number_gets_the_answer_of_success_and_its_holder_a_notice(client, applicant, phone, work):
    unit = UnitFactory()
    work()
    success = register(client, phone, registration(unit, mobile="13911112222"))
    success_work = work()
    duplicate = register(client, phone, registration(unit, mobile="13911113333", id_number=applicant.id_number))
    assert work() == success_work
    assert answer(duplicate) == answer(success)
    assert answer(success)[0] == [(reverse("accounts:login"), 302)]
    # Nothing was created for the duplicate; the holder of the ID number is told.
    assert not User.objects.filter(mobile="13911113333").exists()
    [notice] = phone.texts(applicant.mobile)
    assert "身份证号码" in notice and "注册未生效" in notice


def test_a_unit_registered_with_a_taken_officer_looks_submitted_but_saves_nothing(client, applicant, phone, catalog):
    from portal.core.identity import with_credit_check
    from portal.organizations.models import Organization

    department = Organization.objects.get(name="五华区人力资源和社会保障局")

    def unit_form(code, **officer):
        return {
            "unit_name": "昆明市五华区测试小学",
            "credit_code": with_credit_check(code),
            "region": department.region_id,
            "parent": department.pk,
            "address": "五华区某路1号",
            "phone": "0871-65000000",
            "real_name": "周经办",
            "password1": "Lanhua#2026",
            "password2": "Lanhua#2026",
            **officer,
        }

    saved = register(
        client,
        phone,
        unit_form("12530102431200008", id_number=id_number(), mobile="13911114444"),
        url="organizations:unit_register",
    )
    taken = register(
        client,
        phone,
        unit_form("12530102431200016", id_number=applicant.id_number, mobile="13911115555"),
        url="organizations:unit_register",
    )
    assert saved.status_code == taken.status_code == 200
    assert [t.name for t in saved.templates][0] == [t.name for t in taken.templates][0]
    assert "等待“五华区人力资源和社会保障局”审核" in taken.content.decode()
    assert Organization.objects.filter(name="昆明市五华区测试小学").count() == 1
    assert "注册未生效" in phone.texts(applicant.mobile)[-1]


# --- changing the mobile -------------------------------------------------------------------------


def test_changing_to_a_taken_mobile_answers_like_a_free_one(client, applicant, phone, work):
    other = member("applicant", UnitFactory(), mobile="13911116666")
    client.force_login(applicant)
    form = {"mobile": "13911117777", "password": PASSWORD, "action": "send_code"}
    work()
    free = client.post(reverse("accounts:change_mobile"), form)
    free_work = work()
    taken = client.post(reverse("accounts:change_mobile"), {**form, "mobile": other.mobile})
    assert work() == free_work
    assert [str(m).replace("139****6666", "139****7777") for m in taken.context["messages"]] == [
        str(m) for m in free.context["messages"]
    ]
    assert "另一个账号" in phone.texts(other.mobile)[0] and "验证码" not in phone.texts(other.mobile)[0]
