"""Writes to the holiday calendar (节假日与调休 rows, and the years marked as entered in full).
Every change counts the open notices again (reviews.notices.notices_recalendar) in the same
transaction, so a notice's end date never disagrees with the table it was counted by. (The
admin's own log records who changed a row; a notice that moves is audited on its people's
review records and in NoticeChange.)"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Holiday, HolidayYear
from .notices import notices_recalendar


def _reason(kind: str, day) -> str:
    return _("节假日与调休%(kind)s（%(day)s）") % {"kind": kind, "day": day}


@transaction.atomic
def holiday_save(*, holiday: Holiday, created: bool):
    """Save a row (new or changed) and count open notices again. Returns the notices that moved."""
    holiday.save()
    kind = _("新增") if created else _("修改")
    return notices_recalendar(reason=_reason(kind, holiday.date.isoformat()))


@transaction.atomic
def holidays_delete(*, holidays):
    """Delete rows and count open notices again. Returns the notices that moved."""
    days = sorted(h.date.isoformat() for h in holidays)
    for holiday in holidays:
        holiday.delete()
    return notices_recalendar(reason=_reason(_("删除"), "、".join(days)))


@transaction.atomic
def holiday_year_mark(*, year: int, complete: bool, user) -> HolidayYear:
    """Mark a year's published schedule as entered in full (or not). Notices running into that
    year lose (or regain) their warning; their end dates follow the table either way."""
    row, _created = HolidayYear.objects.select_for_update().get_or_create(year=year)
    row.complete = complete
    row.marked_by = user
    row.marked_at = timezone.now()
    row.save()
    notices_recalendar(reason=_("%(year)s年节假日录入状态变更") % {"year": year})
    return row
