from django.contrib import admin

from portal.core.admin_lists import LargeTableAdmin, year_filter

from . import admin_rules  # noqa: F401  (eligibility rules, training hours, blacklist)
from .models import Application, Material, ReviewRecord


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    fields = ["name", "original_name", "size", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(LargeTableAdmin):
    list_display = ["applicant", "item", "title", "committee", "state", "submitted_at"]
    list_filter = ["state", "item", "series", year_filter("year", Application._meta.get_field("year").verbose_name)]
    search_fields = ["applicant__real_name", "=applicant__id_number"]
    # title__level: TitleName.__str__ shows the level (one query per row without it).
    list_select_related = ["applicant", "item", "title__level", "committee"]
    readonly_fields = ["state", "submitted_at", "filed_content", "eligibility"]
    raw_id_fields = ["applicant", "unit", "title", "committee", "window"]
    inlines = [MaterialInline]


@admin.register(ReviewRecord)
class ReviewRecordAdmin(LargeTableAdmin):
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
