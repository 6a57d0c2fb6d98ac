from django.contrib import admin

from .admin_calendar import HolidayAdmin
from .models import Holiday, ReviewRecord, UnitNotice

admin.site.register(Holiday, HolidayAdmin)


@admin.register(ReviewRecord)
class ReviewRecordAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["created_at", "application", "action", "from_state", "to_state", "actor", "organization"]
    list_filter = ["action", "to_state"]
    search_fields = ["application__applicant__real_name", "opinion"]
    list_select_related = ["application__applicant", "application__item", "application__title", "actor", "organization"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UnitNotice)
class UnitNoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "start_date", "end_date", "result"]
    list_filter = ["result"]
    search_fields = ["title", "unit__name"]
    readonly_fields = ["end_date", "calendar_note", "created_by", "created_at", "concluded_at"]
    filter_horizontal = ["applications"]
