"""The dashboard's figures, each one aggregate query (GROUP BY in the database) over the
applications, audit records and certificates the reader covers (stats/scope.py: the reviewer's
queue scope, or a committee office's committees).

No query reads rows into Python: what comes back is one row per group (stage, item, unit, month…),
and the number of queries does not grow with the number of applications."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, CharField, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, State
from applications.workflow.records import Action, ReviewRecord
from applications.workflow.states import REVIEW_STATE_VALUES
from certificates.models import Certificate
from reviews.models import NoticeResult, UnitNotice
from reviews.reminders import NOT_OVERDUE_STATES

from .calendar import ensure_calendar
from .models import WorkdayNumber
from .percentiles import grouped_percentiles
from .scope import stats_q

# A unit list this long is for the export; the page shows the busiest ones.
TOP_UNITS = 30
PASS, RETURN, FAIL = "pass", "return", "fail"
OUTCOME_LABELS = {PASS: gettext_lazy("通过"), RETURN: gettext_lazy("退回"), FAIL: gettext_lazy("不通过")}


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


@dataclass
class Table:
    """One figure: its columns and rows (what the screen reader and the export get) and how the
    chart draws it (`chart`: kind, the label column and the value columns)."""

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    chart: dict = field(default_factory=dict)

    def as_chart_data(self) -> dict:
        return {"key": self.key, "title": self.title, "columns": self.columns, "rows": self.rows, **self.chart}


def can_see_statistics(user) -> bool:
    return stats_q(user) is not None


def _applications(user, period: Period):
    query = stats_q(user)
    if query is None:
        return Application.objects.none()
    return Application.objects.filter(
        query,
        submitted_at__isnull=False,
        submitted_at__date__gte=period.start,
        submitted_at__date__lte=period.end,
    ).order_by()


def _records(user, period: Period):
    query = stats_q(user, prefix="application__")
    if query is None:
        return ReviewRecord.objects.none()
    return (
        ReviewRecord.objects.filter(query, created_at__date__gte=period.start, created_at__date__lte=period.end)
        .filter(from_state__in=REVIEW_STATE_VALUES)
        .exclude(from_state=F("to_state"))
        .order_by()
    )


def _state_label(value) -> str:
    return str(dict(State.choices).get(value, value))


# --- counts -----------------------------------------------------------------------------------

DIMENSIONS = {
    # key: (title, the field grouped on, its label field)
    "by_state": (gettext_lazy("按当前环节"), "state", None),
    "by_item": (gettext_lazy("按事项"), "item_id", "item__short_name"),
    "by_series": (gettext_lazy("按系列"), "series_id", "series__name"),
    "by_level": (gettext_lazy("按层级"), "level_id", "level__name"),
    "by_committee": (gettext_lazy("按评委会"), "committee_id", "committee__name"),
    "by_unit": (gettext_lazy("按单位（申报最多的单位）"), "unit_id", "unit__name"),
    "by_region": (gettext_lazy("按地区"), "unit__region_id", "unit__region__name"),
}


def count_by(user, period: Period, key: str, *, limit: int | None = TOP_UNITS) -> Table:
    title, group, label = DIMENSIONS[key]
    fields = [group] if label is None else [group, label]
    found = _applications(user, period).values(*fields).annotate(n=Count("pk")).order_by("-n", group)
    if key == "by_unit" and limit:
        found = found[:limit]
    rows = []
    for row in found:
        if label is None:
            name = _state_label(row[group])
        else:
            name = row[label] if row[label] is not None else _("（未指定）")
        rows.append([name, row["n"]])
    kind = "pie" if key in ("by_state", "by_level", "by_item") else "bar"
    return Table(key, str(title), [_("类别"), _("申报数")], rows, {"kind": kind, "label": 0, "values": [1]})


def monthly_trend(user, period: Period) -> Table:
    """Per month: applications submitted, accepted by the window and decided (approved or failed)."""
    applications = _applications(user, period)
    query = stats_q(user)
    in_scope = Application.objects.filter(query).order_by() if query is not None else Application.objects.none()
    months: dict = {}

    def add(qs, column, date_field):
        for row in qs.annotate(month=TruncMonth(date_field)).values("month").annotate(n=Count("pk")):
            if row["month"] is not None:
                months.setdefault(row["month"].strftime("%Y-%m"), [0, 0, 0])[column] = row["n"]

    add(applications, 0, "submitted_at")
    add(in_scope.filter(accepted_at__date__gte=period.start, accepted_at__date__lte=period.end), 1, "accepted_at")
    add(
        in_scope.filter(
            decided_at__date__gte=period.start,
            decided_at__date__lte=period.end,
            state__in=[State.APPROVED, State.FAILED],
        ),
        2,
        "decided_at",
    )
    rows = [[month, *values] for month, values in sorted(months.items())]
    return Table(
        "trend",
        _("按月趋势"),
        [_("月份"), _("提交"), _("受理"), _("办结")],
        rows,
        {"kind": "line", "label": 0, "values": [1, 2, 3]},
    )


# --- durations and overdue --------------------------------------------------------------------


def _day_number(date_expression):
    return Subquery(
        WorkdayNumber.objects.filter(date=date_expression).values("number")[:1], output_field=IntegerField()
    )


def stage_durations(user, period: Period) -> Table:
    """For each review stage left within the period: how many times, and the median and 90th
    percentile of the working days it took (from the record that put the application there, or
    its submission, to the record that moved it on)."""
    ensure_calendar()
    entered = (
        ReviewRecord.objects.filter(application=OuterRef("application"), pk__lt=OuterRef("pk"))
        .filter(to_state=OuterRef("from_state"))
        .exclude(from_state=F("to_state"))
        .order_by("-pk")
        .values("created_at")[:1]
    )
    rows = (
        _records(user, period)
        .annotate(
            entered_on=TruncDate(Subquery(entered)),
            left_on=TruncDate("created_at"),
        )
        .annotate(
            entered_no=_day_number(OuterRef("entered_on")),
            left_no=_day_number(OuterRef("left_on")),
        )
        .annotate(working_days=F("left_no") - F("entered_no"))
    )
    found = grouped_percentiles(rows, group="from_state", value="working_days", fractions=(0.5, 0.9))
    table_rows = [
        [_state_label(state), found[state]["n"], round(found[state][0.5], 1), round(found[state][0.9], 1)]
        for state in REVIEW_STATE_VALUES
        if state in found
    ]
    return Table(
        "durations",
        _("各环节办理用时（工作日）"),
        [_("环节"), _("办理次数"), _("中位数"), _("90% 分位")],
        table_rows,
        {"kind": "bar", "label": 0, "values": [2, 3]},
    )


def overdue_by_stage(user, *, now=None) -> Table:
    """Applications waiting now at a stage longer than NOTIFY_STAGE_OVERDUE_WORKING_DAYS working
    days, by stage: the rule of the overdue reminders (reviews.reminders), counted by the database."""
    ensure_calendar()
    now = now or timezone.now()
    today = timezone.localdate(now)
    limit = settings.NOTIFY_STAGE_OVERDUE_WORKING_DAYS
    query = stats_q(user)
    if query is None:
        return Table("overdue", _("当前超期"), [_("环节"), _("在办"), _("超期")])
    entered = (
        ReviewRecord.objects.filter(application=OuterRef("pk"), to_state=OuterRef("state"), created_at__lte=now)
        .exclude(action=Action.REFUSED)
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    running_notice = UnitNotice.objects.filter(
        applications=OuterRef("pk"), result=NoticeResult.PENDING, end_date__gte=today
    )
    today_no = WorkdayNumber.objects.filter(date=today).values_list("number", flat=True).first()
    found = (
        Application.objects.filter(query, state__in=REVIEW_STATE_VALUES, submitted_at__isnull=False)
        .order_by()
        .annotate(entered_on=TruncDate(Subquery(entered)))
        .annotate(entered_no=_day_number(OuterRef("entered_on")))
        .values("state")
        .annotate(
            waiting=Count("pk"),
            overdue=Count(
                "pk",
                filter=Q(entered_no__lt=(today_no or 0) - limit)
                & ~Q(state__in=NOT_OVERDUE_STATES)
                & ~Exists(running_notice),
            ),
        )
    )
    by_state = {row["state"]: row for row in found}
    rows = [
        [_state_label(state), by_state[state]["waiting"], by_state[state]["overdue"]]
        for state in REVIEW_STATE_VALUES
        if state in by_state
    ]
    return Table(
        "overdue",
        _("当前在办与超期（超过 %(days)d 个工作日）") % {"days": limit},
        [_("环节"), _("在办"), _("超期")],
        rows,
        {"kind": "bar", "label": 0, "values": [1, 2]},
    )


# --- outcomes ---------------------------------------------------------------------------------

_OUTCOME = Case(
    When(to_state=State.FAILED, then=Value(FAIL)),
    When(Q(to_state=State.RETURNED) | Q(action=Action.RESET), then=Value(RETURN)),
    When(action__in=[Action.WITHDRAW, Action.SUBMIT, Action.RESUBMIT], then=Value("")),
    default=Value(PASS),
    output_field=CharField(),
)


def _outcome_rows(found, group: str, label) -> list[list]:
    rows = []
    for row in found:
        decided = row["passed"] + row["returned"] + row["failed"]
        if not decided:
            continue
        rows.append(
            [
                label(row[group]),
                decided,
                row["passed"],
                row["returned"],
                row["failed"],
                round(100 * row["passed"] / decided, 1),
                round(100 * row["returned"] / decided, 1),
                round(100 * row["failed"] / decided, 1),
            ]
        )
    return rows


def _outcome_counts(records, *fields):
    return (
        records.annotate(outcome=_OUTCOME)
        .exclude(outcome="")
        .values(*fields)
        .annotate(
            passed=Count("pk", filter=Q(outcome=PASS)),
            returned=Count("pk", filter=Q(outcome=RETURN)),
            failed=Count("pk", filter=Q(outcome=FAIL)),
            total=Count("pk"),
        )
    )


def _outcome_columns(first: str) -> list[str]:
    return [first, _("办理数"), _("通过"), _("退回"), _("不通过"), _("通过率%"), _("退回率%"), _("不通过率%")]


def outcomes_by_stage(user, period: Period) -> Table:
    found = {row["from_state"]: row for row in _outcome_counts(_records(user, period), "from_state")}
    ordered = [found[state] for state in REVIEW_STATE_VALUES if state in found]
    return Table(
        "outcomes_stage",
        _("各环节通过、退回、不通过"),
        _outcome_columns(_("环节")),
        _outcome_rows(ordered, "from_state", _state_label),
        {"kind": "stack", "label": 0, "values": [2, 3, 4]},
    )


def outcomes_by_unit(user, period: Period, *, limit: int | None = TOP_UNITS) -> Table:
    found = _outcome_counts(_records(user, period), "application__unit_id", "application__unit__name").order_by(
        "-total", "application__unit_id"
    )
    if limit:
        found = found[:limit]
    rows = [{**row, "unit": row["application__unit__name"]} for row in found]
    return Table(
        "outcomes_unit",
        _("各单位通过、退回、不通过"),
        _outcome_columns(_("单位")),
        _outcome_rows(rows, "unit", str),
        {"kind": "stack", "label": 0, "values": [2, 3, 4]},
    )


# --- certificates -----------------------------------------------------------------------------


def certificates_by_month(user, period: Period) -> Table:
    query = stats_q(user, prefix="application__")
    rows = []
    if query is not None:
        found = (
            Certificate.objects.filter(query, issued_on__gte=period.start, issued_on__lte=period.end)
            .order_by()
            .annotate(month=TruncMonth("issued_on"))
            .values("month")
            .annotate(n=Count("pk"), void=Count("pk", filter=Q(is_void=True)))
            .order_by("month")
        )
        rows = [[row["month"].strftime("%Y-%m"), row["n"], row["void"]] for row in found]
    return Table(
        "certificates",
        _("每月发证"),
        [_("月份"), _("发证数"), _("其中已作废")],
        rows,
        {"kind": "bar", "label": 0, "values": [1]},
    )


def total_submitted(user, period: Period) -> int:
    return _applications(user, period).count()


TABLES = {
    **{key: (lambda user, period, key=key, **kw: count_by(user, period, key, **kw)) for key in DIMENSIONS},
    "trend": monthly_trend,
    "durations": stage_durations,
    "overdue": lambda user, period, **kw: overdue_by_stage(user),
    "outcomes_stage": outcomes_by_stage,
    "outcomes_unit": outcomes_by_unit,
    "certificates": certificates_by_month,
}
ORDER = [
    "trend",
    "by_state",
    "by_item",
    "by_series",
    "by_level",
    "by_committee",
    "by_region",
    "by_unit",
    "durations",
    "overdue",
    "outcomes_stage",
    "outcomes_unit",
    "certificates",
]


def dashboard_tables(user, period: Period) -> list[Table]:
    return [TABLES[key](user, period) for key in ORDER]


def one_table(user, period: Period, key: str) -> Table | None:
    """One figure in full (the export: every unit, not only the busiest)."""
    if key not in TABLES:
        return None
    if key in ("by_unit", "outcomes_unit"):
        return TABLES[key](user, period, limit=None)
    return TABLES[key](user, period)
