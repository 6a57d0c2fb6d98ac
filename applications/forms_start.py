"""The start page's form: item, series, level, then title and (for an evaluation) a committee
whose application window is open. Steps arrive by GET, the final choice by POST."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal.catalog.models import Committee, Item, Level, Series, TitleName

from . import services as filing


class StartForm(forms.Form):
    item = forms.ModelChoiceField(
        label=gettext_lazy("办理事项"), queryset=Item.objects.filter(is_active=True, online=True)
    )
    series = forms.ModelChoiceField(label=gettext_lazy("职称系列"), queryset=Series.objects.filter(is_active=True))
    level = forms.ModelChoiceField(label=gettext_lazy("申报层级"), queryset=Level.objects.all())
    title = forms.ModelChoiceField(label=gettext_lazy("职称名称"), queryset=TitleName.objects.none(), required=False)
    committee = forms.ModelChoiceField(
        label=gettext_lazy("评审委员会"), queryset=Committee.objects.none(), required=False
    )
    speciality = forms.CharField(
        label=gettext_lazy("申报专业"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("与现从事的专业技术工作一致，例如“土木工程”“道路桥梁”。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Steps arrive by GET (unbound: no errors shown yet), the final choice by POST.
        data = self.data if self.is_bound else self.initial
        series_id, level_id, item_id = data.get("series"), data.get("level"), data.get("item")
        self.chosen_item = Item.objects.filter(pk=item_id).first() if str(item_id).isdigit() else None
        self.chosen_series = Series.objects.filter(pk=series_id).first() if str(series_id).isdigit() else None
        self.chosen_level = Level.objects.filter(pk=level_id).first() if str(level_id).isdigit() else None
        self.open_committees, self.closed_committees = [], []
        if self.chosen_series and self.chosen_level:
            self.fields["title"].queryset = TitleName.objects.filter(series=self.chosen_series, level=self.chosen_level)
            self.fields["title"].required = True
            if self.chosen_item and self.chosen_item.needs_committee:
                grade = filing.committee_grade_for(self.chosen_level)
                candidates = list(
                    Committee.objects.filter(is_active=True, grade=grade, series=self.chosen_series)
                    .prefetch_related("windows")
                    .order_by("id")
                )
                now = timezone.now()
                for committee in candidates:
                    windows = sorted(committee.windows.all(), key=lambda w: w.closes_at)
                    committee.open_window = next((w for w in windows if w.is_open(now)), None)
                    committee.last_window = windows[-1] if windows else None
                    (self.open_committees if committee.open_window else self.closed_committees).append(committee)
                self.fields["committee"].queryset = Committee.objects.filter(
                    pk__in=[c.pk for c in self.open_committees]
                )
                self.fields["committee"].required = True

    @property
    def ready(self):
        return bool(self.chosen_series and self.chosen_level and self.chosen_item)
