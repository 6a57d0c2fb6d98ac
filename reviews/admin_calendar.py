"""Admin for the holiday table (节假日与调休) and the years marked as entered in full.
reviews/admin.py registers them. Saving or deleting goes through reviews.holidays, which counts
the open notices again."""

from django.contrib import admin, messages
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .holidays import holiday_save, holiday_year_mark, holidays_delete
from .working_days import library_day, library_knows


def _report(request, moved):
    if moved:
        titles = "、".join(n.title for n in moved)
        messages.warning(
            request,
            ngettext(
                "%(count)d个进行中的公示结束日期已重新计算并通知相关人员：%(titles)s",
                "%(count)d个进行中的公示结束日期已重新计算并通知相关人员：%(titles)s",
                len(moved),
            )
            % {"count": len(moved), "titles": titles},
        )


class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "name", "is_workday", "library_says")
    list_filter = ("is_workday",)
    search_fields = ("name",)
    date_hierarchy = "date"
    ordering = ("date",)

    @admin.display(description=_("星期"))
    def weekday(self, obj):
        return formats.date_format(obj.date, "l")

    @admin.display(description=_("节假日库（chinese-calendar）"))
    def library_says(self, obj):
        """What the library says for the same date, so a disagreement is easy to see."""
        info = library_day(obj.date)
        if info is None:
            return _("无该年数据")
        kind = _("上班") if info.workday else _("休息")
        return f"{kind} {info.name}".strip()

    def save_model(self, request, obj, form, change):
        _report(request, holiday_save(holiday=obj, created=not change))

    def delete_model(self, request, obj):
        _report(request, holidays_delete(holidays=[obj]))

    def delete_queryset(self, request, queryset):
        _report(request, holidays_delete(holidays=list(queryset)))


class HolidayYearAdmin(admin.ModelAdmin):
    """One row per year the bureau has checked: complete means every published holiday and 调休
    day of the year is in the table, so notices counted into it carry no warning."""

    list_display = ("year", "complete", "library_covers", "marked_by", "marked_at")
    fields = ("year", "complete")
    readonly_fields = ()
    actions = ("mark_complete", "mark_incomplete")
    ordering = ("-year",)

    @admin.display(description=_("节假日库已覆盖"), boolean=True)
    def library_covers(self, obj):
        return library_knows(obj.year)

    def get_readonly_fields(self, request, obj=None):
        return ("year",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        saved = holiday_year_mark(year=obj.year, complete=obj.complete, user=request.user)
        obj.pk = saved.pk

    @admin.action(description=_("标记为已录入完整"))
    def mark_complete(self, request, queryset):
        for row in queryset:
            holiday_year_mark(year=row.year, complete=True, user=request.user)

    @admin.action(description=_("标记为未录入完整"))
    def mark_incomplete(self, request, queryset):
        for row in queryset:
            holiday_year_mark(year=row.year, complete=False, user=request.user)
