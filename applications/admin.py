from django.contrib import admin

from . import admin_rules  # noqa: F401  (eligibility rules, training hours, blacklist)
from .models import Application, Material


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    fields = ["name", "original_name", "size", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["applicant", "item", "title", "committee", "state", "submitted_at"]
    list_filter = ["state", "item", "series", "year"]
    search_fields = ["applicant__real_name", "applicant__id_number"]
    list_select_related = ["applicant", "item", "title", "committee"]
    readonly_fields = ["state", "submitted_at", "filed_content", "eligibility"]
    raw_id_fields = ["applicant", "unit", "title", "committee", "window"]
    inlines = [MaterialInline]
