"""What every request pays (issue 16): the session is not written on every request, and the
lightest pages keep a fixed, small number of queries (docs/BENCHMARKS.md, "What every request pays")."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts.idle import TOUCHED_KEY

pytestmark = pytest.mark.django_db


def session_writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT")) and "django_session" in q["sql"]]


def test_a_request_soon_after_the_last_one_writes_no_session(as_role):
    client = as_role("applicant")
    client.get(reverse("people:profile"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("people:profile"))
    assert response.status_code == 200
    assert session_writes(queries.captured_queries) == []
    assert "sessionid" not in response.cookies


def test_a_request_a_minute_after_the_last_renewal_renews_the_session(as_role, settings):
    client = as_role("applicant")
    client.get(reverse("people:profile"))
    session = client.session
    session[TOUCHED_KEY] = int(time.time()) - settings.SESSION_TOUCH_SECONDS
    session.save()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("people:profile"))
    assert len(session_writes(queries.captured_queries)) == 1
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE
    assert client.session[TOUCHED_KEY] >= int(time.time()) - 5


def test_an_anonymous_404_asks_the_database_nothing(client, django_assert_num_queries, db):
    with django_assert_num_queries(0):
        assert client.get("/no-such-page/").status_code == 404


@pytest.mark.parametrize(("role", "queries"), [("applicant", 5), ("unit_hr", 5)])
def test_the_lightest_logged_in_page_has_a_fixed_number_of_queries(as_role, django_assert_num_queries, role, queries):
    client = as_role(role)
    client.get(reverse("people:profile"))
    # Session, user, then the applicant's second-factor check (none needed) or the staff member's
    # verified device, the page's memberships, the header's reviewer flag and unread count in one.
    with django_assert_num_queries(queries):
        assert client.get(reverse("people:profile")).status_code == 200
