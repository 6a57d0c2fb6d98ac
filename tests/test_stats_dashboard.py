"""The statistics dashboard: numbers equal direct counts, scoped as the queues are, durations in
working days with the database's percentiles, exports, and a query count that does not grow with
the number of applications."""

import csv
import datetime
import io
import statistics

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Application, State
from applications.workflow.records import Action, ReviewRecord
from portal.organizations.models import Organization
from portal.organizations.scope import region_subtree_ids
from reviews.models import Holiday
from stats import calendar
from stats.models import WorkdayNumber
from stats.percentiles import grouped_percentiles
from stats.selectors import Period, overdue_by_stage, stage_durations
from tests.factories import ApplicationFactory, UnitFactory
from tests.workflow_helpers import at, user

pytestmark = pytest.mark.django_db

URL = reverse("stats:dashboard")


def _table(response, key):
    return next(t for t in response.context["tables"] if t.key == key)


def _aware(day: datetime.date, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_counts_equal_direct_counts_and_stay_in_the_bureaus_region(as_role, demo):
    at(State.UNIT_REVIEW, "evaluation")
    at(State.WINDOW_INTAKE, "initial_recognition")
    ApplicationFactory(state=State.BUREAU_APPROVAL)
    response = as_role("bureau_approver").get(URL)
    assert response.status_code == 200
    by_state = dict(_table(response, "by_state").rows)
    year = timezone.localdate().year
    bureau = user("bureau_approver").memberships.get(role="bureau_approver").organization
    in_scope = Application.objects.filter(
        submitted_at__year=year, unit__region__in=region_subtree_ids({bureau.region_id})
    )
    for state in (State.UNIT_REVIEW, State.WINDOW_INTAKE, State.BUREAU_APPROVAL):
        expected = in_scope.filter(state=state).count()
        assert by_state.get(str(state.label), 0) == expected
    assert response.context["total"] == in_scope.count()


def test_a_department_counts_only_its_own_units(as_role, demo):
    mine = at(State.DEPARTMENT_REVIEW, "evaluation")
    elsewhere = ApplicationFactory(state=State.DEPARTMENT_REVIEW, unit=UnitFactory())
    assert elsewhere.unit.parent_id != mine.unit.parent_id
    response = as_role("dept_reviewer").get(URL)
    units = dict(_table(response, "by_unit").rows)
    assert units == {mine.unit.name: 1}
    assert response.context["total"] == 1


@pytest.mark.parametrize("role", ["anonymous", "applicant", "unit_hr", "window_staff", "admin", "committee_expert"])
def test_other_roles_get_nothing(as_role, role):
    response = as_role(role).get(URL)
    assert response.status_code == (302 if role == "anonymous" else 404)
    export = as_role(role).get(reverse("stats:export", args=["by_state", "xlsx"]))
    assert export.status_code == (302 if role == "anonymous" else 404)


def test_stage_durations_are_working_days_with_the_databases_percentiles(demo):
    application = at(State.UNIT_REVIEW, "evaluation")
    hr = user("unit_hr")
    # Entered unit review on Friday 2026-06-05; left after 0, 1, 3 and 10 working days (four
    # visits, through returns), skipping the weekend and the Dragon Boat holiday (19 June 2026).
    visits = [
        (datetime.date(2026, 6, 5), datetime.date(2026, 6, 5)),
        (datetime.date(2026, 6, 5), datetime.date(2026, 6, 8)),
        (datetime.date(2026, 6, 5), datetime.date(2026, 6, 10)),
        (datetime.date(2026, 6, 5), datetime.date(2026, 6, 22)),
    ]
    for entered, left in visits:
        ReviewRecord.objects.create(
            application=application,
            actor=hr,
            action=Action.RESUBMIT,
            from_state=State.RETURNED,
            to_state=State.UNIT_REVIEW,
            created_at=_aware(entered),
        )
        ReviewRecord.objects.create(
            application=application,
            actor=hr,
            action=Action.RETURN,
            from_state=State.UNIT_REVIEW,
            to_state=State.RETURNED,
            created_at=_aware(left, 16),
        )
    durations = {
        row[0]: row for row in stage_durations(hr, Period(datetime.date(2026, 6, 1), datetime.date(2026, 6, 30))).rows
    }
    assert durations == {}  # a unit officer is not a statistics role: nothing in scope
    bureau = user("bureau_approver")
    table = stage_durations(bureau, Period(datetime.date(2026, 6, 1), datetime.date(2026, 6, 30)))
    row = {r[0]: r for r in table.rows}[str(State.UNIT_REVIEW.label)]
    days = [0, 1, 3, 10]
    assert row[1] == 4
    assert row[2] == pytest.approx(statistics.median(days))
    assert row[3] == pytest.approx(round(statistics.quantiles(days, n=10, method="inclusive")[-1], 1))


def test_percentile_fallback_matches_percentile_cont_definition(demo):
    # 1..11 by unit: the 90th percentile of 11 values lies between ranks 10 and 11 exactly.
    for n in (1, 2, 5, 11):
        ApplicationFactory.create_batch(n, state=State.UNIT_REVIEW, year=2000 + n)
    found = grouped_percentiles(
        Application.objects.filter(year__gt=2000), group="year", value="return_count", fractions=(0.5, 0.9)
    )
    assert {year: result["n"] for year, result in found.items()} == {2001: 1, 2002: 2, 2005: 5, 2011: 11}
    assert all(result[0.5] == 0 and result[0.9] == 0 for result in found.values())
    Application.objects.filter(year=2005).update(return_count=0)
    for value, pk in enumerate(Application.objects.filter(year=2011).order_by("pk").values_list("pk", flat=True)):
        Application.objects.filter(pk=pk).update(return_count=value * value)
    found = grouped_percentiles(
        Application.objects.filter(year=2011), group="year", value="return_count", fractions=(0.5, 0.9)
    )[2011]
    squares = [v * v for v in range(11)]
    assert found[0.5] == pytest.approx(statistics.quantiles(squares, n=2, method="inclusive")[0])
    assert found[0.9] == pytest.approx(statistics.quantiles(squares, n=10, method="inclusive")[-1])


def test_a_holiday_entered_later_changes_the_working_day_numbers(demo):
    calendar.ensure_calendar()
    monday = datetime.date(2026, 6, 8)
    before = WorkdayNumber.objects.get(date=monday + datetime.timedelta(days=1)).number
    Holiday.objects.create(date=monday, is_workday=False, name="测试假日")
    calendar.ensure_calendar()
    assert WorkdayNumber.objects.get(date=monday + datetime.timedelta(days=1)).number == before - 1


def _demo_unit():
    return Organization.objects.get(name="昆明市第一中学")


def _unit_in_region(**fields):
    demo_unit = _demo_unit()
    return UnitFactory(region=demo_unit.region, parent=demo_unit.parent, **fields)


def test_overdue_counts_follow_the_reminder_rule(demo, settings):
    settings.NOTIFY_STAGE_OVERDUE_WORKING_DAYS = 5
    at(State.BUREAU_APPROVAL, "initial_recognition")
    ApplicationFactory(state=State.WINDOW_INTAKE, unit=_unit_in_region())
    ApplicationFactory(state=State.COMMITTEE_REVIEW, unit=_unit_in_region())
    bureau = user("bureau_approver")

    def rows(now):
        return {row[0]: row[1:] for row in overdue_by_stage(bureau, now=now).rows}

    today = rows(timezone.now())
    assert today[str(State.BUREAU_APPROVAL.label)] == [1, 0]
    assert today[str(State.WINDOW_INTAKE.label)] == [1, 0]
    later = rows(timezone.now() + datetime.timedelta(days=30))
    assert later[str(State.BUREAU_APPROVAL.label)] == [1, 1]
    assert later[str(State.WINDOW_INTAKE.label)] == [1, 1]
    # The committee's meeting is waiting by design, never overdue (as in the reminders).
    assert later[str(State.COMMITTEE_REVIEW.label)] == [1, 0]
    # Four working days after entry (one short of the limit) nothing is overdue yet.
    entered = timezone.localdate()
    four_later = (
        WorkdayNumber.objects.filter(number=WorkdayNumber.objects.get(date=entered).number + 5)
        .order_by("date")
        .first()
        .date
    )
    assert rows(_aware(four_later))[str(State.BUREAU_APPROVAL.label)] == [1, 0]


def test_query_count_does_not_grow_with_the_number_of_applications(as_role, demo):
    client = as_role("bureau_approver")
    ApplicationFactory(state=State.APPROVED, with_certificate=True, unit=_unit_in_region())
    client.get(URL)  # the working-day calendar is built once
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for state in (State.UNIT_REVIEW, State.RETURNED, State.FAILED, State.WINDOW_INTAKE):
        ApplicationFactory.create_batch(3, state=state, unit=_unit_in_region())
    ApplicationFactory.create_batch(2, state=State.APPROVED, with_certificate=True, unit=_unit_in_region())
    ApplicationFactory(state=State.APPROVED, unit=_unit_in_region())
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.context["total"] >= 15
    assert sum(row[1] for row in _table(response, "certificates").rows) >= 3
    assert _table(response, "outcomes_stage").rows
    assert len(many.captured_queries) == len(few.captured_queries)


def test_exports_carry_the_tables_numbers_neutralised(as_role, demo):
    at(State.UNIT_REVIEW, "evaluation")
    unit = _unit_in_region(name="=HYPERLINK(1)单位")
    ApplicationFactory(state=State.WINDOW_INTAKE, unit=unit)
    client = as_role("bureau_approver")
    shown = dict(_table(client.get(URL), "by_unit").rows)
    workbook = load_workbook(io.BytesIO(client.get(reverse("stats:export", args=["by_unit", "xlsx"])).content))
    sheet_rows = list(workbook.active.iter_rows(values_only=True))
    assert sheet_rows[0][0].startswith("统计期间")
    exported = {name: n for name, n in sheet_rows[2:]}
    assert shown["=HYPERLINK(1)单位"] == 1
    assert exported["'=HYPERLINK(1)单位"] == 1
    assert {name.lstrip("'"): n for name, n in exported.items()} == shown
    response = client.get(reverse("stats:export", args=["by_unit", "csv"]))
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {row[0].lstrip("'"): int(row[1]) for row in lines[2:]} == shown
    assert any(row[0] == "'=HYPERLINK(1)单位" for row in lines[2:])
    assert client.get(reverse("stats:export", args=["nothing", "xlsx"])).status_code == 404
    assert client.get(reverse("stats:export", args=["by_unit", "pdf"])).status_code == 404


def test_bad_dates_are_told_at_the_field_and_the_year_is_shown(as_role, demo):
    client = as_role("bureau_approver")
    response = client.get(URL, {"date_from": "2026-05-01"})
    assert response.status_code == 200
    assert "请同时填写起止日期" in response.content.decode()
    response = client.get(URL, {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert "结束日期不能早于开始日期" in response.content.decode()
    response = client.get(URL, {"date_from": "not a date", "date_to": "2026-04-01"})
    assert response.status_code == 200
    response = client.get(URL, {"year": "1999"})
    assert response.status_code == 200
    assert response.context["period"] == Period.year(timezone.localdate().year)
