"""Working days for public notices (DOMAIN §8): Chinese public holidays and 调休 make-up working
days both count.

Three sources, in this order:
1. the admin-kept Holiday table (节假日与调休): a row makes its date a holiday or a working day;
2. the chinese-calendar library, for the years it knows (1.11.0: 2004–2026);
3. otherwise weekends and the holidays fixed by date in 《全国年节及纪念日放假办法》 (元旦 1 Jan,
   劳动节 1 May (and 2 May from 2025), 国庆节 1–3 Oct, which are never working days whatever the
   year's schedule), with a visible warning naming the year, unless the bureau has marked that
   year complete (HolidayYear): rows entered so far may be only part of the published schedule.

A date the library does not know never raises: the notice still gets an end date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import chinese_calendar
from django.utils.translation import gettext as _

from .models import Holiday, HolidayYear

TABLE = "table"
LIBRARY = "library"
WEEKEND = "weekend"
STATUTE = "statute"

# Beyond this many calendar days something is wrong with the table (e.g. a year of holidays).
_MAX_SPAN_DAYS = 3660


@dataclass(frozen=True)
class DayInfo:
    workday: bool
    source: str  # "table" | "library" | "weekend"
    name: str = ""


@dataclass
class WorkingDaysResult:
    end_date: datetime.date
    days_counted: list[datetime.date] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _as_date(day) -> datetime.date:
    return day.date() if isinstance(day, datetime.datetime) else day


def library_day(day: datetime.date) -> DayInfo | None:
    """What chinese-calendar says, or None for a year it has no data for."""
    try:
        is_holiday, english_name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None
    return DayInfo(workday=not is_holiday, source=LIBRARY, name=_chinese_name(english_name))


def _chinese_name(english_name: str | None) -> str:
    if not english_name:
        return ""
    try:
        return chinese_calendar.Holiday(english_name).chinese
    except ValueError:
        return english_name


def statutory_holiday(day: datetime.date) -> str:
    """The name of a holiday the statute fixes by date (not by the lunar calendar), else ""."""
    if day.month == 1 and day.day == 1:
        return "元旦"
    # 国务院令第795号 (2024) added 2 May from 2025 on.
    if day.month == 5 and (day.day == 1 or (day.day == 2 and day.year >= 2025)):
        return "劳动节"
    if day.month == 10 and day.day in (1, 2, 3):
        return "国庆节"
    return ""


def _weekend_day(day: datetime.date) -> DayInfo:
    """A year nobody has published for: weekends, and the holidays fixed by date."""
    name = statutory_holiday(day)
    if name:
        return DayInfo(workday=False, source=STATUTE, name=name)
    return DayInfo(workday=day.weekday() < 5, source=WEEKEND)


def _table_day(row: Holiday) -> DayInfo:
    return DayInfo(workday=row.is_workday, source=TABLE, name=row.name)


def library_knows(year: int) -> bool:
    return library_day(datetime.date(year, 1, 1)) is not None


def missing_year_warning(year: int) -> str:
    return _(
        "%(year)s年的法定节假日尚未录入完整，公示期按周末及法定节日计算，"
        "请管理员在“节假日与调休”中补录并将该年度标记为已录入完整。"
    ) % {"year": year}


def complete_years() -> set[int]:
    """The years the bureau has marked as entered in full."""
    return set(HolidayYear.objects.filter(complete=True).values_list("year", flat=True))


def is_workday(day) -> DayInfo:
    """Whether `day` is a working day, and which source said so."""
    day = _as_date(day)
    row = Holiday.objects.filter(date=day).first()
    if row is not None:
        return _table_day(row)
    return library_day(day) or _weekend_day(day)


def add_working_days(start, days: int) -> WorkingDaysResult:
    """The `days` working days of a notice starting on `start`.

    `start` is day 1 if it is a working day, else the first working day after it; `end_date` is the
    last working day counted. The Holiday table is read once, for every year from start onwards,
    and the list of years marked complete once.
    """
    start = _as_date(start)
    if days < 1:
        raise ValueError("a notice runs at least one working day")
    table = {row.date: row for row in Holiday.objects.filter(date__gte=datetime.date(start.year, 1, 1))}
    marked = complete_years()
    known: dict[int, bool] = {}
    counted: list[datetime.date] = []
    warned_years: list[int] = []
    day = start
    while len(counted) < days:
        if (day - start).days > _MAX_SPAN_DAYS:
            raise ValueError(f"the holiday table leaves no working days after {start}")
        if day.year not in known:
            known[day.year] = day.year in marked or library_knows(day.year)
            if not known[day.year]:
                warned_years.append(day.year)
        if day in table:
            info = _table_day(table[day])
        else:
            info = library_day(day) or _weekend_day(day)
        if info.workday:
            counted.append(day)
            if len(counted) == days:
                break
        try:
            day += datetime.timedelta(days=1)
        except OverflowError:
            raise ValueError(f"no {days} working days after {start} before the end of the calendar") from None
    return WorkingDaysResult(
        end_date=counted[-1],
        days_counted=counted,
        warnings=[missing_year_warning(year) for year in warned_years],
    )
