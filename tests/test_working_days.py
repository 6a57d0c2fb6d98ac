"""Working days of a public notice: the holiday table, then chinese-calendar, then weekends only.

Expected end dates are counted by hand from the official schedules:
- 2025 National Day + Mid-autumn: 10-01..10-08 off; Sun 09-28 and Sat 10-11 are 调休 working days.
- 2026 Spring Festival: 02-15..02-23 off; Sat 02-14 and Sat 02-28 are 调休 working days.
"""

import datetime

import pytest

from reviews.models import Holiday, HolidayYear
from reviews.working_days import add_working_days, is_workday, library_knows, statutory_holiday

pytestmark = pytest.mark.django_db

D = datetime.date


def test_library_matches_the_2025_national_day_schedule():
    assert [is_workday(D(2025, 10, day)).workday for day in range(1, 9)] == [False] * 8
    info = is_workday(D(2025, 10, 1))
    assert (info.workday, info.source, info.name) == (False, "library", "国庆节")
    assert is_workday(D(2025, 10, 6)).name == "中秋"
    sunday, saturday = is_workday(D(2025, 9, 28)), is_workday(D(2025, 10, 11))
    assert sunday.workday and sunday.source == "library" and sunday.name == "国庆节"
    assert saturday.workday and saturday.source == "library"
    assert is_workday(D(2025, 9, 27)).workday is False  # an ordinary Saturday
    assert is_workday(D(2025, 10, 12)).workday is False  # an ordinary Sunday


def test_five_days_from_friday_before_national_day_2025():
    # Fri 09-26 (1), Sat 09-27 off, Sun 09-28 调休 (2), 09-29 (3), 09-30 (4), 10-01..08 off, Thu 10-09 (5).
    result = add_working_days(D(2025, 9, 26), 5)
    assert result.end_date == D(2025, 10, 9)
    assert result.days_counted == [D(2025, 9, 26), D(2025, 9, 28), D(2025, 9, 29), D(2025, 9, 30), D(2025, 10, 9)]
    assert result.warnings == []


def test_a_start_on_a_rest_day_begins_on_the_next_working_day():
    # Sat 09-27 is off: day 1 is the 调休 Sunday 09-28; 09-29, 09-30, 10-09, 10-10.
    assert add_working_days(D(2025, 9, 27), 5).end_date == D(2025, 10, 10)
    # Starting on the holiday itself: 10-09, 10-10, Sat 10-11 调休, 10-13, 10-14.
    result = add_working_days(D(2025, 10, 1), 5)
    assert result.days_counted == [D(2025, 10, 9), D(2025, 10, 10), D(2025, 10, 11), D(2025, 10, 13), D(2025, 10, 14)]


def test_library_has_2026_and_agrees_with_the_official_spring_festival_schedule():
    assert library_knows(2026)
    off = [D(2026, 2, day) for day in range(15, 24)]
    assert all(not is_workday(day).workday for day in off)
    assert all(is_workday(day).source == "library" for day in off)
    assert is_workday(D(2026, 2, 14)).workday and is_workday(D(2026, 2, 28)).workday
    assert is_workday(D(2026, 2, 24)).workday
    assert is_workday(D(2026, 2, 15)).name == "春节"


SPRING_FESTIVAL_2026 = [
    *[(D(2026, 2, day), False, "春节") for day in range(15, 24)],
    (D(2026, 2, 14), True, "春节调休上班"),
    (D(2026, 2, 28), True, "春节调休上班"),
]


@pytest.mark.parametrize("with_table", [False, True], ids=["library", "table"])
def test_notices_across_the_2026_spring_festival(with_table):
    if with_table:
        # The same schedule kept by the admin must give the same answer.
        Holiday.objects.bulk_create(Holiday(date=d, is_workday=w, name=n) for d, w, n in SPRING_FESTIVAL_2026)
        assert is_workday(D(2026, 2, 14)).source == "table"
    # Thu 02-12 (1), Fri 02-13 (2), Sat 02-14 调休 (3), 02-15..23 off, Tue 02-24 (4), Wed 02-25 (5).
    result = add_working_days(D(2026, 2, 12), 5)
    assert result.days_counted == [D(2026, 2, 12), D(2026, 2, 13), D(2026, 2, 14), D(2026, 2, 24), D(2026, 2, 25)]
    assert result.warnings == []
    # 10 days from Fri 02-13: 02-13, 02-14, 02-24..27 (4), Sat 02-28 调休, 03-02, 03-03, 03-04.
    assert add_working_days(D(2026, 2, 13), 10).end_date == D(2026, 3, 4)


def test_a_year_beyond_the_library_falls_back_to_weekends_with_a_warning():
    assert not library_knows(2031)
    info = is_workday(D(2031, 3, 8))  # a Saturday
    assert (info.workday, info.source) == (False, "weekend")
    # National Day and New Year are fixed by the statute: never working days, schedule or not.
    assert (is_workday(D(2031, 10, 1)).workday, is_workday(D(2031, 10, 1)).name) == (False, "国庆节")
    assert is_workday(D(2031, 10, 3)).workday is False and is_workday(D(2031, 10, 6)).workday is True
    assert is_workday(D(2031, 1, 1)).workday is False
    assert is_workday(D(2031, 5, 2)).workday is False
    assert statutory_holiday(D(2024, 5, 2)) == "" and statutory_holiday(D(2025, 5, 2)) == "劳动节"
    # Thu 03-06, Fri 03-07, Mon 03-10, 03-11, 03-12.
    result = add_working_days(D(2031, 3, 6), 5)
    assert result.end_date == D(2031, 3, 12)
    assert result.warnings == [
        "2031年的法定节假日尚未录入完整，公示期按周末及法定节日计算，"
        "请管理员在“节假日与调休”中补录并将该年度标记为已录入完整。"
    ]


def test_never_raises_for_any_start_in_years_the_library_does_not_know():
    for year in (2027, 2030, 2040, 2099):
        for month in (1, 2, 10, 12):
            result = add_working_days(D(year, month, 1), 5)
            assert len(result.days_counted) == 5
            assert any(f"{year}年" in warning for warning in result.warnings)


def test_a_notice_running_into_an_unknown_year_warns_for_that_year_only():
    # 2026-12-28..31 from the library (4), then 2027 by weekends and the statute: Fri 01-01 is
    # 元旦 (never a working day), 01-04..08 (5-9), Mon 01-11 (10).
    result = add_working_days(D(2026, 12, 28), 10)
    assert result.end_date == D(2027, 1, 11)
    assert len(result.warnings) == 1 and result.warnings[0].startswith("2027年")
    # A row entered for 2027 counts, but one row is not the year's schedule: the warning stays
    # until the bureau marks 2027 complete.
    Holiday.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
    result = add_working_days(D(2026, 12, 28), 10)
    assert result.end_date == D(2027, 1, 11)
    assert len(result.warnings) == 1 and result.warnings[0].startswith("2027年")
    HolidayYear.objects.create(year=2027, complete=True)
    result = add_working_days(D(2026, 12, 28), 10)
    assert result.end_date == D(2027, 1, 11)
    assert result.warnings == []
    assert is_workday(D(2027, 1, 1)).source == "table"
    assert is_workday(D(2027, 1, 4)).source == "weekend"


def test_table_rows_override_the_library():
    # An extra day off on Thu 2025-10-09 and a working Saturday 2025-09-27.
    Holiday.objects.create(date=D(2025, 10, 9), is_workday=False, name="临时停工")
    info = is_workday(D(2025, 10, 9))
    assert (info.workday, info.source, info.name) == (False, "table", "临时停工")
    assert add_working_days(D(2025, 9, 26), 5).end_date == D(2025, 10, 10)
    Holiday.objects.create(date=D(2025, 9, 27), is_workday=True, name="补班")
    result = add_working_days(D(2025, 9, 26), 5)
    assert result.days_counted == [D(2025, 9, 26), D(2025, 9, 27), D(2025, 9, 28), D(2025, 9, 29), D(2025, 9, 30)]


def test_the_holiday_table_is_read_once_per_call(django_assert_num_queries):
    Holiday.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
    # One read of the rows, one of the years marked complete.
    with django_assert_num_queries(2):
        autumn = add_working_days(D(2025, 9, 1), 60)
    with django_assert_num_queries(2):
        later = add_working_days(D(2030, 1, 1), 40)
    # One read each, and still the whole answer: the National Day holiday is skipped, and 2030 (in
    # neither the library nor the table) is counted by weekdays, with a warning.
    assert len(autumn.days_counted) == 60 and D(2025, 10, 1) not in autumn.days_counted
    assert len(later.days_counted) == 40 and all(day.weekday() < 5 for day in later.days_counted)
    assert later.warnings and "2030" in later.warnings[0]


def test_at_least_one_day():
    with pytest.raises(ValueError):
        add_working_days(D(2025, 9, 26), 0)


def test_holiday_admin_is_valid_and_shows_what_the_library_says():
    from django.contrib import admin

    from reviews.admin_calendar import HolidayAdmin

    model_admin = HolidayAdmin(Holiday, admin.AdminSite())
    assert model_admin.check() == []
    assert model_admin.date_hierarchy == "date"
    assert model_admin.library_says(Holiday(date=D(2025, 10, 1), is_workday=False)) == "休息 国庆节"
    assert model_admin.library_says(Holiday(date=D(2025, 9, 28), is_workday=True)) == "上班 国庆节"
    assert model_admin.library_says(Holiday(date=D(2031, 10, 1), is_workday=False)) == "无该年数据"
    assert model_admin.weekday(Holiday(date=D(2025, 9, 28), is_workday=True)) == "星期日"
