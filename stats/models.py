"""The working-day calendar as a table, so durations in working days are a subtraction in SQL."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkdayNumber(models.Model):
    """One calendar day and how many working days there are from the calendar's first day up to
    and including it. Working days between two dates are the difference of their numbers, so a
    stage's duration in working days is computed by the database for any number of rows.

    Derived data: rebuilt from reviews.working_days (Holiday table, chinese-calendar, statute)
    whenever a Holiday row changes (stats/calendar.py)."""

    date = models.DateField(_("日期"), primary_key=True)
    number = models.PositiveIntegerField(_("工作日序号"))

    class Meta:
        verbose_name = _("工作日序号")
        verbose_name_plural = _("工作日序号")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.number}"
