from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.core.admin_widgets import SafeAutocompleteMixin

from .models import (
    STAGE_ORDER,
    ApplicationWindow,
    Committee,
    Item,
    Level,
    MaterialRequirement,
    Series,
    Stage,
    TitleName,
)


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


@admin.register(ApplicationWindow)
class ApplicationWindowAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["name", "committee", "item", "year", "opens_at", "closes_at"]
    list_filter = ["year", "item"]
    search_fields = ["name", "committee__name"]
    autocomplete_fields = ["committee"]
    list_select_related = ["committee", "item"]
