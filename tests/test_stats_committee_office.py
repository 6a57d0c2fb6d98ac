"""Statistics for a committee office (评委会办事机构): the bureau's dashboard, counting only the
applications before the committees the office organises (reviews.CommitteeOffice), whatever unit
or region they come from; its query count does not grow with the number of applications."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from applications.models import Application, State
from portal.catalog.models import Committee
from reviews import offices
from reviews.models import CommitteeOffice
from tests.factories import ApplicationFactory, UnitFactory
from tests.workflow_helpers import user

pytestmark = pytest.mark.django_db

URL = reverse("stats:dashboard")


def _table(response, key):
    return next(t for t in response.context["tables"] if t.key == key)


@pytest.fixture
def committees(demo):
    office = user("committee_office")
    mine = list(offices.office_committees(office).order_by("pk"))
    other = Committee.objects.filter(is_active=True).exclude(pk__in=[c.pk for c in mine]).order_by("pk").first()
    assert mine and other is not None
    return mine, other


def test_an_office_counts_only_its_committees_applications(as_role, committees):
    mine, other = committees
    ours = [
        ApplicationFactory(state=State.COMMITTEE_REVIEW, committee=mine[0], unit=UnitFactory()),
        ApplicationFactory(state=State.BUREAU_APPROVAL, committee=mine[-1], unit=UnitFactory()),
        ApplicationFactory(state=State.APPROVED, with_certificate=True, committee=mine[0]),
    ]
    ApplicationFactory(state=State.COMMITTEE_REVIEW, committee=other)
    ApplicationFactory(state=State.APPROVED, with_certificate=True, committee=other)
    ApplicationFactory(state=State.WINDOW_INTAKE, item_code="initial_recognition")
    response = as_role("committee_office").get(URL)
    assert response.status_code == 200
    expected = Application.objects.filter(committee__in=mine, submitted_at__isnull=False)
    assert response.context["total"] == expected.count() == len(ours)
    by_committee = dict(_table(response, "by_committee").rows)
    assert other.name not in by_committee
    assert sum(by_committee.values()) == len(ours)
    by_state = dict(_table(response, "by_state").rows)
    assert by_state[str(State.COMMITTEE_REVIEW.label)] == 1
    assert sum(row[1] for row in _table(response, "certificates").rows) == 1
    units = {row[0] for row in _table(response, "outcomes_unit").rows}
    assert units <= {a.unit.name for a in ours}
    export = as_role("committee_office").get(reverse("stats:export", args=["by_committee", "xlsx"]))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert {name: n for name, n in rows[2:]} == by_committee


def test_an_office_without_committees_sees_an_empty_dashboard(as_role, committees):
    mine, _ = committees
    ApplicationFactory(state=State.COMMITTEE_REVIEW, committee=mine[0])
    CommitteeOffice.objects.all().delete()
    response = as_role("committee_office").get(URL)
    assert response.status_code == 200
    assert response.context["total"] == 0


def test_the_offices_dashboard_links_to_its_statistics(as_role, demo):
    page = as_role("committee_office").get(reverse("home:dashboard")).content.decode()
    assert 'id="office-stats-link"' in page


def test_the_offices_query_count_does_not_grow_with_the_number_of_applications(as_role, committees):
    mine, _ = committees
    client = as_role("committee_office")
    ApplicationFactory(state=State.APPROVED, with_certificate=True, committee=mine[0])
    client.get(URL)  # the working-day calendar is built once
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for state in (State.COMMITTEE_REVIEW, State.RETURNED, State.FAILED, State.BUREAU_APPROVAL):
        ApplicationFactory.create_batch(2, state=state, committee=mine[0], unit=UnitFactory())
    ApplicationFactory.create_batch(2, state=State.APPROVED, with_certificate=True, committee=mine[-1])
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.context["total"] >= 11
    assert _table(response, "outcomes_stage").rows
    assert len(many.captured_queries) == len(few.captured_queries)
