"""Admin for the holiday table (节假日与调休). reviews/admin.py registers it:
`admin.site.register(Holiday, HolidayAdmin)`."""

from django.contrib import admin
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .working_days import library_day


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
