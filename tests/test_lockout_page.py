"""The page a locked account sees: the lock message only, the account still typed, no extra failure."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from portal.accounts.lockout import lock_key
from tests.factories import PASSWORD, UnitFactory, member

pytestmark = pytest.mark.django_db


def login(client, username, password, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password, **extra})


def failures(user):
    return AccessAttempt.objects.get(username=lock_key(user)).failures_since_start


def test_the_third_failure_shows_the_lock_and_counts_three(client, settings):
    applicant = member("applicant", UnitFactory())
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, applicant.mobile, f"bad-{n}")
    page = response.content.decode()
    assert response.status_code == 403
    assert 'id="locked-message"' in page and "已被锁定" in page
    # Rendering the lock page does not check the password again (which would count a 4th failure
    # and add "wrong password" under the lock message).
    assert failures(applicant) == settings.AXES_FAILURE_LIMIT
    assert "账号或密码不正确" not in page
    assert f'value="{applicant.mobile}"' in page


def test_the_right_password_while_locked_shows_only_the_lock(client, settings):
    applicant = member("applicant", UnitFactory())
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, applicant.id_number, f"bad-{n}")
    response = login(client, applicant.id_number.lower(), PASSWORD, next="/home/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "已被锁定" in page and "账号或密码不正确" not in page
    assert 'name="next" value="/home/"' in page
    assert "_auth_user_id" not in client.session


def test_an_unknown_account_is_locked_the_same_way(client, settings):
    """Whether an ID number is registered is not revealed by the lock either."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, "13912345678", f"bad-{n}")
    assert response.status_code == 403
    assert "已被锁定" in response.content.decode()


def test_admin_unlocks_from_the_user_list(client, settings, demo):
    from portal.accounts.lockout import locked_until
    from portal.accounts.models import User

    applicant = User.objects.get(mobile="13800000001")
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, applicant.mobile, f"bad-{n}")
    assert locked_until(applicant)
    client.force_login(User.objects.get(mobile="13800000006"))
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_accounts", "_selected_action": [applicant.pk]},
    )
    assert response.status_code == 302
    assert locked_until(applicant) is None
    client.logout()
    assert login(client, applicant.mobile, "Zhicheng@2026").status_code == 302
