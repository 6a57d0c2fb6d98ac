"""Admin pages for the eligibility rules, the continuing-education rules and the integrity blacklist.

Imported from applications/admin.py; labels come from the models' Chinese verbose names.
"""

from datetime import date

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Blacklist, EligibilityRule, TrainingHoursRule

BLACKLIST_YEARS = 3  # Kunming §一: a title obtained by fraud bars the person for 3 years.


def years_later(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "item", "region", "series", "level", "counted_to", "binding", "is_active"]
    list_filter = ["item", "level", "binding", "is_active", "excludes_exam_series", "counted_to", "region", "series"]
    list_editable = ["binding", "is_active"]
    search_fields = ["name", "source", "region__name", "series__name"]
    list_select_related = ["item", "region", "series", "level"]
    fieldsets = [
        (None, {"fields": ["name", "item", "region", "series", "level", "is_active"]}),
        (
            _("条件"),
            {
                "fields": [
                    "min_degree",
                    "min_years_after_degree",
                    "required_current_level",
                    "min_years_at_current_level",
                    "excludes_exam_series",
                    "counted_to",
                ]
            },
        ),
        (_("效力与依据"), {"fields": ["binding", "source"]}),
    ]


@admin.register(TrainingHoursRule)
class TrainingHoursRuleAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "region",
        "min_level",
        "max_level",
        "hours_per_year",
        "public_share_percent",
        "years",
        "binding",
        "is_active",
    ]
    list_filter = ["binding", "is_active", "region"]
    list_editable = ["binding", "is_active"]
    search_fields = ["name", "source", "region__name"]
    list_select_related = ["region", "min_level", "max_level"]


class BlacklistForm(forms.ModelForm):
    class Meta:
        model = Blacklist
        fields = ["id_number", "real_name", "reason", "decided_on", "ends_on", "decided_by"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].required = False
        self.fields["ends_on"].help_text = _("留空则为处理决定日期后%(n)d年。") % {"n": BLACKLIST_YEARS}

    def clean_id_number(self):
        return self.cleaned_data["id_number"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        decided_on = cleaned.get("decided_on")
        ends_on = cleaned.get("ends_on")
        if decided_on and not ends_on:
            cleaned["ends_on"] = years_later(decided_on, BLACKLIST_YEARS)
        elif decided_on and ends_on and ends_on <= decided_on:
            self.add_error("ends_on", _("限制截止日期必须晚于处理决定日期。"))
        return cleaned


@admin.register(Blacklist)
class BlacklistAdmin(admin.ModelAdmin):
    form = BlacklistForm
    list_display = ["real_name", "id_number", "decided_on", "ends_on", "decided_by"]
    list_filter = ["decided_on", "ends_on"]
    # The ID number is encrypted: searched whole (its blind index), never sorted.
    search_fields = ["real_name", "=id_number", "reason"]
    sortable_by = ["real_name", "decided_on", "ends_on", "decided_by"]
    date_hierarchy = "decided_on"
