"""Closing times as the guides write them: "截止到2月1日24:00" is the end of 1 February, stored as
2 February 00:00 (the window is open while now < closes_at) and shown as 24:00 of the day before."""

import datetime

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MIDNIGHT = datetime.time(0, 0)
END_OF_DAY = "24:00"


def deadline_parts(moment: datetime.datetime) -> tuple[datetime.date, str]:
    """(day, "HH:MM") of a closing time in local time, midnight as 24:00 of the day before."""
    local = timezone.localtime(moment)
    if local.time() == MIDNIGHT:
        return local.date() - datetime.timedelta(days=1), END_OF_DAY
    return local.date(), local.strftime("%H:%M")


def format_deadline(moment: datetime.datetime) -> str:
    day, time = deadline_parts(moment)
    return f"{day:%Y-%m-%d} {time}"


class ClosingTimeOfDayField(forms.TimeField):
    """A time of day where 24:00 is allowed (the end of the day)."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip() in (END_OF_DAY, "24:00:00"):
            return END_OF_DAY
        return super().to_python(value)


class ClosingTimeWidget(AdminSplitDateTime):
    def decompress(self, value):
        if value:
            day, time = deadline_parts(value)
            return [day, time]
        return [None, None]


class ClosingTimeField(forms.SplitDateTimeField):
    """The admin's closing time: a date and a time of day, 24:00 allowed."""

    widget = ClosingTimeWidget

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields = (
            self.fields[0],
            ClosingTimeOfDayField(error_messages={"invalid": _("请输入有效的时间（00:00至24:00）。")}),
        )

    def compress(self, data_list):
        if data_list and data_list[1] == END_OF_DAY and data_list[0]:
            data_list = [data_list[0] + datetime.timedelta(days=1), MIDNIGHT]
        return super().compress(data_list)
