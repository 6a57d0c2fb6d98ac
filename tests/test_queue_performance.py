"""The queues and the admin's lists at a million applications (issue 16, docs/BENCHMARKS.md): no
COUNT(*) over a reviewer's scope, no SELECT DISTINCT over the table, no query per row; the query
count of each page pinned, whatever the number of rows."""

import importlib

import pytest
from axes.models import AccessAttempt
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import QUEUE_STATES, Application, State
from applications.workflow.permissions import waiting_states
from portal.accounts.lockout import lock_key
from portal.catalog.models import Level, Series, TitleName
from portal.core.pagination import uncounted_page
from portal.organizations.models import Role
from tests.factories import member
from tests.workflow_helpers import at, step, user

pytestmark = pytest.mark.django_db

QUEUE_ROLE = {
    "unit": Role.UNIT_HR,
    "department": Role.DEPT_REVIEWER,
    "window": Role.WINDOW_STAFF,
    "bureau": Role.BUREAU_APPROVER,
}


def test_each_queue_index_covers_exactly_the_states_its_role_waits_on():
    """The partial indexes are only used when the queue's state filter implies their condition."""
    assert {name: sorted(states) for name, states in QUEUE_STATES.items()} == {
        name: sorted(waiting_states(role)) for name, role in QUEUE_ROLE.items()
    }


def _sql(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries]


def _fill(n):
    unit = user("unit_hr").memberships.get().organization
    for _ in range(n):
        at(State.UNIT_REVIEW, "initial_recognition", member("applicant", unit))


@pytest.mark.parametrize("name", ["unit_hr", "dept_reviewer", "window_staff", "bureau_approver"])
def test_a_queue_page_never_counts_the_scope(as_role, name):
    _fill(2)
    client = as_role(name)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reviews:queue"), {"scope": "all"})
    assert response.status_code == 200
    counting = [sql for sql in _sql(queries) if "COUNT(" in sql.upper() and "applications_application" in sql]
    assert counting == []


def test_the_queue_pages_forward_and_back_without_a_count(as_role, monkeypatch):
    monkeypatch.setattr("reviews.views.QUEUE_PAGE_SIZE", 2)
    _fill(5)
    client = as_role("unit_hr")
    url = reverse("reviews:queue")
    first = client.get(url).content.decode()
    assert first.count('id="application-') == 2
    assert "page=2" in first and "上一页" not in first
    last = client.get(url, {"page": 3}).content.decode()
    assert last.count('id="application-') == 1
    assert "page=2" in last and "下一页" not in last
    past = client.get(url, {"page": 9})
    assert past.status_code == 200 and 'id="application-' not in past.content.decode()
    assert client.get(url, {"page": "abc"}).content.decode().count('id="application-') == 2


def test_an_uncounted_page_reads_one_row_more_than_it_shows(demo):
    _fill(3)
    ordered = Application.objects.order_by("id")
    with CaptureQueriesContext(connection) as queries:
        page = uncounted_page(ordered, "2", 2)
    assert len(queries) == 1 and "LIMIT 3" in queries.captured_queries[0]["sql"]
    assert [a.pk for a in page] == list(ordered.values_list("pk", flat=True))[2:3]
    assert page.has_previous() and not page.has_next() and page.previous_page_number() == 1


def _admin_changelist(client, path):
    client.get(path)  # warm: the session, the content types
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return queries


# The admin changelists a bureau clerk opens, with the query count each costs (constant in rows).
ADMIN_LISTS = {
    "/admin/applications/application/": 8,
    "/admin/applications/reviewrecord/": 5,
    "/admin/certificates/certificate/": 7,
    "/admin/accounts/user/": 5,  # its lock column in the rows query, not one axes query per row
    "/admin/organizations/membership/": 5,
}


@pytest.mark.parametrize("path", list(ADMIN_LISTS))
def test_the_admin_changelists_cost_the_same_queries_for_few_rows_and_many(as_role, path):
    client = as_role("admin")
    few = _admin_changelist(client, path)
    series = Series.objects.get(name="中小学教师")
    titles = list(TitleName.objects.filter(series=series, level__in=Level.objects.all()))
    unit = user("unit_hr").memberships.get().organization
    for k in range(6):
        at(State.UNIT_REVIEW, "initial_recognition", member("applicant", unit), title=titles[k % len(titles)])
    many = _admin_changelist(client, path)
    assert len(many) == len(few), _sql(many)
    # PostgreSQL adds one: the unfiltered total is estimated from pg_class instead of counted.
    estimate = 1 if connection.vendor == "postgresql" else 0
    assert len(many) == ADMIN_LISTS[path] + estimate, _sql(many)
    assert not [sql for sql in _sql(many) if "SELECT DISTINCT" in sql.upper()]


# --- "longest waiting": when the application entered its state, read from an index -------------


def test_every_step_restarts_the_stage_clock(demo):
    application = at(State.WINDOW_INTAKE, "initial_recognition")
    entered = application.stage_entered_at
    assert entered is not None and entered >= application.submitted_at
    accepted = step(application, "window_staff", "window_accept", "")
    assert accepted.state == State.BUREAU_APPROVAL
    accepted.refresh_from_db()
    assert accepted.stage_entered_at > entered


def test_the_longest_waiting_sort_reads_no_record_per_row(as_role):
    _fill(3)
    client = as_role("unit_hr")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("reviews:queue"), {"sort": "waiting"}).content.decode()
    assert page.count('id="application-') == 3
    listing = [sql for sql in _sql(queries) if 'FROM "applications_application"' in sql and "LIMIT" in sql]
    assert listing and all("applications_reviewrecord" not in sql for sql in listing), listing
    assert all('ORDER BY "applications_application"."stage_entered_at" ASC' in sql for sql in listing), listing


def test_the_migration_fills_the_stage_clock_from_the_last_change_of_state(demo):
    migration = importlib.import_module("applications.migrations.0008_application_stage_entered_at")
    submitted = at(State.UNIT_REVIEW, "initial_recognition")
    accepted = step(
        at(State.WINDOW_INTAKE, "initial_recognition", member("applicant", submitted.unit)),
        "window_staff",
        "window_accept",
        "",
    )
    draft = at(State.DRAFT, "initial_recognition", member("applicant", submitted.unit))
    Application.objects.update(stage_entered_at=None)
    # A record that does not change the state (a notice's opening or result) does not restart it.
    last = accepted.records.order_by("-id").first()
    accepted.records.create(
        actor=last.actor, role=last.role, action="notice_result", from_state=accepted.state, to_state=accepted.state
    )

    migration.backfill(django_apps, None)

    submitted.refresh_from_db()
    accepted.refresh_from_db()
    draft.refresh_from_db()
    assert submitted.stage_entered_at == submitted.records.get().created_at
    assert accepted.stage_entered_at == last.created_at
    assert draft.stage_entered_at is None


def test_the_user_changelist_shows_a_locked_account_from_the_rows_query(as_role, settings):
    locked = user("applicant")
    AccessAttempt.objects.create(
        username=lock_key(locked),
        ip_address="10.0.0.9",
        user_agent="pytest",
        http_accept="*/*",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )
    client = as_role("admin")
    path = f"/admin/accounts/user/?q={locked.mobile}"
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(path).content.decode()
    assert "锁定至" in page
    # Read before the next request: Django empties the query log when a request starts.
    asking_axes = [sql for sql in _sql(queries) if "axes_accessattempt" in sql]
    assert len(asking_axes) == 1 and 'FROM "accounts_user"' in asking_axes[0], asking_axes  # the rows query
    unlocked = client.get("/admin/accounts/user/?q=" + user("unit_hr").mobile).content.decode()
    assert "锁定至" not in unlocked
