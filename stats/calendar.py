"""The WorkdayNumber table: built on first use for the years the statistics may ask about, and
dropped from a year on when an admin changes a Holiday row of that year (numbers are cumulative,
so every later day shifts)."""

import datetime

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from reviews.models import Holiday
from reviews.working_days import library_day, statutory_holiday

from .models import WorkdayNumber

FIRST_DAY = datetime.date(2015, 1, 1)


def last_day() -> datetime.date:
    return datetime.date(timezone.localdate().year + 1, 12, 31)


def _is_workday(day: datetime.date, table: dict) -> bool:
    if day in table:
        return table[day]
    info = library_day(day)
    if info is not None:
        return info.workday
    return not statutory_holiday(day) and day.weekday() < 5


def ensure_calendar() -> None:
    """Make sure every day from FIRST_DAY to the end of next year has its number. One query when
    the table is complete (the usual case); a rebuild of the missing tail otherwise."""
    end = last_day()
    expected = (end - FIRST_DAY).days + 1
    present = WorkdayNumber.objects.filter(date__range=(FIRST_DAY, end)).count()
    if present == expected:
        return
    _rebuild(end)


@transaction.atomic
def _rebuild(end: datetime.date) -> None:
    last = WorkdayNumber.objects.select_for_update().filter(date__lte=end).order_by("-date").first()
    # Numbers are only trusted up to a day whose predecessors are all there.
    if last is not None and WorkdayNumber.objects.filter(date__lte=last.date).count() != (
        (last.date - FIRST_DAY).days + 1
    ):
        WorkdayNumber.objects.all().delete()
        last = None
    day = FIRST_DAY if last is None else last.date + datetime.timedelta(days=1)
    number = 0 if last is None else last.number
    table = dict(Holiday.objects.filter(date__gte=day, date__lte=end).values_list("date", "is_workday"))
    rows = []
    while day <= end:
        number += _is_workday(day, table)
        rows.append(WorkdayNumber(date=day, number=number))
        day += datetime.timedelta(days=1)
    WorkdayNumber.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def _holiday_changed(sender, instance, **kwargs) -> None:
    WorkdayNumber.objects.filter(date__gte=instance.date).delete()


def connect() -> None:
    post_save.connect(_holiday_changed, sender=Holiday, dispatch_uid="stats_holiday_saved")
    post_delete.connect(_holiday_changed, sender=Holiday, dispatch_uid="stats_holiday_deleted")
