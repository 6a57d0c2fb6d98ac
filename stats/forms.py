from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .selectors import Period

FIRST_YEAR = 2015


def _years():
    this = timezone.localdate().year
    return [(str(year), str(year)) for year in range(this + 1, FIRST_YEAR - 1, -1)]


class PeriodForm(forms.Form):
    """A year, or a date range within it or across years (the range wins when both are given)."""

    year = forms.TypedChoiceField(label=gettext_lazy("年度"), choices=_years, coerce=int, required=False)
    date_from = forms.DateField(
        label=gettext_lazy("日期从"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("填写起止日期时按日期范围统计，否则按年度。"),
    )
    date_to = forms.DateField(label=gettext_lazy("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = str(timezone.localdate().year)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if (start is None) != (end is None) and not self.has_error("date_from") and not self.has_error("date_to"):
            missing = "date_to" if end is None else "date_from"
            self.add_error(missing, gettext_lazy("请同时填写起止日期。"))
        elif start and end and start > end:
            self.add_error("date_to", gettext_lazy("结束日期不能早于开始日期。"))
        elif start and end and (end - start).days > 3660:
            self.add_error("date_to", gettext_lazy("日期范围不能超过十年。"))
        return data

    def period(self) -> Period:
        """The chosen period; this year when the form is empty or wrong (the errors show at the fields)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("date_from") and data.get("date_to"):
            return Period(data["date_from"], data["date_to"])
        return Period.year(data.get("year") or timezone.localdate().year)
