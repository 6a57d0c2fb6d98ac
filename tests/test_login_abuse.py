"""Login abuse: one address spraying passwords across accounts, and strangers locking accounts."""

from datetime import timedelta

import pytest
from axes.models import AccessFailureLog
from django.urls import reverse
from django.utils import timezone

from portal.accounts.lockout import clear_lockout, locked_until
from tests.factories import PASSWORD, UnitFactory, member

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"
NAT = "192.0.2.1"


def login(client, username, password=PASSWORD, address=OWNER):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def people():
    unit = UnitFactory()
    return [member("applicant", unit) for _ in range(12)]


def test_spraying_from_one_address_across_accounts_is_slowed_down(client, settings, people):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 10
    for person in people[:10]:
        response = login(client, person.mobile, "Guess#1234", ATTACKER)
        assert "账号或密码不正确" in response.content.decode()
    response = login(client, people[10].mobile, "Guess#1234", ATTACKER)
    page = response.content.decode()
    assert response.status_code == 200
    assert "尝试过于频繁，请" in page
    assert "秒后再试" in page
    # Even the right password waits: the address is slowed down, not the account.
    response = login(client, people[11].mobile, PASSWORD, ATTACKER)
    assert "尝试过于频繁" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # A slowdown, not a lock: none of the accounts is locked, and other addresses are not slowed.
    assert all(locked_until(person) is None for person in people)
    assert login(client, people[11].mobile, PASSWORD, OWNER).status_code == 302


def test_the_slowdown_ends_when_the_window_passes(client, settings, people):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for person in people[:3]:
        login(client, person.mobile, "Guess#1234", ATTACKER)
    assert "尝试过于频繁" in login(client, people[5].mobile, PASSWORD, ATTACKER).content.decode()
    AccessFailureLog.objects.update(attempt_time=AccessFailureLog.objects.first().attempt_time - timedelta(minutes=6))
    assert login(client, people[5].mobile, PASSWORD, ATTACKER).status_code == 302


def test_many_people_behind_one_nat_address_logging_in_right_are_not_slowed(client, settings, people):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    # Two typos along the way stay under the limit; right passwords never count.
    login(client, people[0].mobile, "typo-one", NAT)
    login(client, people[1].mobile, "typo-two", NAT)
    for person in people:
        response = login(client, person.mobile, PASSWORD, NAT)
        assert response.status_code == 302, person
        client.logout()


def test_wrong_guesses_from_an_attacker_do_not_lock_the_owner_out(client, people):
    owner = people[0]
    for _ in range(3):
        login(client, owner.mobile, "Guess#1234", ATTACKER)
    # The attacker's address is locked out of the account...
    response = login(client, owner.mobile, PASSWORD, ATTACKER)
    assert response.status_code == 403
    assert "已被锁定" in response.content.decode()
    # ...the owner at their own address is not.
    assert login(client, owner.mobile, PASSWORD, OWNER).status_code == 302


def test_the_address_lock_is_time_limited_and_a_password_reset_clears_it(client, settings, people):
    owner = people[0]
    for _ in range(3):
        login(client, owner.mobile, "Guess#1234", OWNER)
    until = locked_until(owner)
    assert until is not None
    assert until <= timezone.now() + settings.AXES_COOLOFF_TIME
    clear_lockout(owner)  # what the password reset services call
    assert login(client, owner.mobile, PASSWORD, OWNER).status_code == 302


def test_behind_a_proxy_the_forwarded_client_is_counted_and_junk_is_not_stored(client, settings, people):
    settings.REVERSE_PROXY_COUNT = 1
    owner = people[0]
    for _ in range(3):
        client.post(
            reverse("accounts:login"),
            {"username": owner.mobile, "password": "Guess#1234"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=ATTACKER,
        )
    response = client.post(
        reverse("accounts:login"),
        {"username": owner.mobile, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=OWNER,
    )
    assert response.status_code == 302
    client.logout()
    client.post(
        reverse("accounts:login"),
        {"username": people[1].mobile, "password": "Guess#1234"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="not-an-address",
    )
    assert list(AccessFailureLog.objects.values_list("ip_address", flat=True).distinct().order_by("ip_address")) == [
        "10.0.0.2",
        ATTACKER,
    ]
