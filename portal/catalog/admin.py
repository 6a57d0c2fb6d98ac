from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.core.admin_widgets import SafeAutocompleteMixin

from .deadlines import ClosingTimeField, format_deadline
from .models import (
    STAGE_ORDER,
    ApplicationWindow,
    Committee,
    ExamOnlySeries,
    Item,
    Level,
    MaterialRequirement,
    Series,
    Stage,
    TitleName,
)
from .services import window_close_now


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "rank"]


class TitleNameInline(admin.TabularInline):
    model = TitleName
    extra = 0


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "has_national_exam", "is_active"]
    list_editable = ["has_national_exam", "is_active"]
    search_fields = ["name"]
    inlines = [TitleNameInline]


@admin.register(TitleName)
class TitleNameAdmin(admin.ModelAdmin):
    list_display = ["name", "series", "level", "track"]
    list_filter = ["level", "series"]
    search_fields = ["name"]
    list_select_related = ["series", "level"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "grade", "series", "organizer", "phone", "review_month", "is_active"]
    list_filter = ["grade", "series", "review_month"]
    search_fields = ["name", "scope", "organizer"]
    list_select_related = ["series"]


class ItemForm(forms.ModelForm):
    stages = forms.MultipleChoiceField(
        label=_("办理环节"),
        choices=Stage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("勾选该事项经过的环节，系统按固定顺序流转。"),
    )

    class Meta:
        model = Item
        fields = [
            "code",
            "name",
            "short_name",
            "description",
            "stages",
            "online",
            "needs_committee",
            "obtained_by",
            "order",
            "is_active",
        ]

    def clean_stages(self):
        return sorted(self.cleaned_data["stages"], key=STAGE_ORDER.index)


class MaterialInline(SafeAutocompleteMixin, admin.TabularInline):
    model = MaterialRequirement
    extra = 0
    autocomplete_fields = ["series"]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    form = ItemForm
    list_display = ["name", "code", "route", "online", "needs_committee", "is_active"]
    inlines = [MaterialInline]

    @admin.display(description=_("办理流程"))
    def route(self, obj):
        return " → ".join(str(label) for label in obj.stage_labels)


@admin.register(MaterialRequirement)
class MaterialRequirementAdmin(admin.ModelAdmin):
    list_display = ["name", "item", "series", "required", "order"]
    list_filter = ["item", "series", "required"]
    search_fields = ["name"]
    list_select_related = ["item", "series"]


class ApplicationWindowForm(forms.ModelForm):
    closes_at = ClosingTimeField(
        label=_("截止时间"), help_text=_("可填写24:00，表示当天结束；窗口截止后不能推迟，只能提前截止。")
    )

    class Meta:
        model = ApplicationWindow
        fields = ["name", "committee", "item", "region", "year", "opens_at", "closes_at"]


@admin.register(ApplicationWindow)
class ApplicationWindowAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    form = ApplicationWindowForm
    list_display = ["name", "committee", "item", "region", "year", "opens_at", "deadline"]
    actions = ["close_now"]

    @admin.display(description=_("截止时间"), ordering="closes_at")
    def deadline(self, obj):
        return format_deadline(obj.closes_at)

    @admin.action(description=_("立即截止所选的开放窗口"))
    def close_now(self, request, queryset):
        closed = 0
        for window in queryset:
            try:
                window_close_now(window_id=window.pk)
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.WARNING)
            else:
                closed += 1
        if closed:
            self.message_user(request, _("已截止 %(n)d 个窗口。") % {"n": closed}, messages.SUCCESS)

    list_filter = ["year", "item"]
    search_fields = ["name", "committee__name"]
    autocomplete_fields = ["committee"]
    list_select_related = ["committee", "item"]


@admin.register(ExamOnlySeries)
class ExamOnlySeriesAdmin(admin.ModelAdmin):
    """以考代评 per region and item: applicants there cannot start or submit these by recognition
    or evaluation (applications.exam_only)."""

    list_display = ["series", "speciality", "region", "item", "max_level", "is_active"]
    list_filter = ["region", "item", "is_active", "series"]
    search_fields = ["series__name", "speciality", "source", "region__name"]
    list_select_related = ["series", "region", "item", "max_level"]
    raw_id_fields = ["region"]
