from django.contrib import admin

from .admin_calendar import HolidayAdmin, HolidayYearAdmin
from .models import CommitteeOffice, Holiday, HolidayYear, Rubric, RubricCategory, UnitNotice

admin.site.register(Holiday, HolidayAdmin)
admin.site.register(HolidayYear, HolidayYearAdmin)


@admin.register(CommitteeOffice)
class CommitteeOfficeAdmin(admin.ModelAdmin):
    list_display = ["organization", "committee"]
    list_filter = ["organization"]
    search_fields = ["organization__name", "committee__name"]
    autocomplete_fields = ["committee"]
    raw_id_fields = ["organization"]


@admin.register(UnitNotice)
class UnitNoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "start_date", "end_date", "result"]
    list_filter = ["result"]
    search_fields = ["title", "unit__name"]
    readonly_fields = ["end_date", "calendar_note", "created_by", "created_at", "concluded_at"]
    filter_horizontal = ["applications"]


class RubricCategoryInline(admin.TabularInline):
    model = RubricCategory
    extra = 1
    fields = ["order", "name", "weight", "comment_required", "guidance"]


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    """The online review's rubric of each series: weighted categories (full marks) and which need
    a comment. Scores keep the weight they were given under, so editing leaves them as scored."""

    list_display = ["name", "series", "overall_comment_required"]
    inlines = [RubricCategoryInline]
