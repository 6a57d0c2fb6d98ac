from django.contrib import admin

from .admin_calendar import HolidayAdmin
from .models import Holiday, UnitNotice

admin.site.register(Holiday, HolidayAdmin)


@admin.register(UnitNotice)
class UnitNoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "start_date", "end_date", "result"]
    list_filter = ["result"]
    search_fields = ["title", "unit__name"]
    readonly_fields = ["end_date", "calendar_note", "created_by", "created_at", "concluded_at"]
    filter_horizontal = ["applications"]
