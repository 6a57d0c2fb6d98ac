import re
import unicodedata

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.catalog.models import Committee
from portal.core.identity import normalize_id_number, validate_id_number
from portal.organizations.models import Organization


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("证书编号"), max_length=40)
    name = forms.CharField(label=_("持证人姓名"), max_length=50)


class HandoverForm(forms.Form):
    """Which fields are required depends on how the applicant chose to receive it (是否快递): the
    service decides and names the field; here only the shape of each value is checked."""

    collected_by = forms.CharField(label=_("领取人姓名"), max_length=50, required=False)
    # Longer than 18: people type the number in groups ("530102 19880315 2015").
    collector_id_number = forms.CharField(label=_("领取人身份证号码（代领时填写）"), max_length=30, required=False)
    carrier = forms.CharField(label=_("快递公司"), max_length=50, required=False)
    tracking_number = forms.CharField(label=_("快递单号"), max_length=50, required=False)

    def __init__(self, *args, express: bool, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the way the applicant chose is asked for (and checked): the other way's fields go.
        for name in ("collected_by", "collector_id_number") if express else ("carrier", "tracking_number"):
            del self.fields[name]

    def clean_collector_id_number(self):
        value = self.cleaned_data["collector_id_number"]
        if not value:
            return ""
        validate_id_number(value)
        return normalize_id_number(value)

    def clean_tracking_number(self):
        # Tracking numbers are letters and digits; what an input method adds (full-width, spaces) goes.
        value = "".join(unicodedata.normalize("NFKC", self.cleaned_data["tracking_number"]).split()).upper()
        if value and not re.fullmatch(r"[A-Z0-9\-]{6,40}", value):
            raise forms.ValidationError(_("快递单号应为6至40位字母或数字。"))
        return value


class HandoverBatchForm(forms.Form):
    """Several printed certificates handed over at once: the ticked ids, who collects the ones
    collected in person (blank: each holder), and the carrier and each tracking number of the ones
    sent by express. Shapes only; the service decides per certificate."""

    collected_by = forms.CharField(
        label=_("领取人姓名"),
        max_length=50,
        required=False,
        help_text=_("本人领取的留空；由单位经办人等统一代领时填写代领人。"),
    )
    collector_id_number = forms.CharField(label=_("代领人身份证号码"), max_length=30, required=False)
    carrier = forms.CharField(
        label=_("快递公司"), max_length=50, required=False, help_text=_("所选证书中有快递寄送的须填写。")
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self._ids = data.getlist("certificate") if data is not None else []
        self._tracking = {
            key.removeprefix("tracking-"): value for key, value in (data or {}).items() if key.startswith("tracking-")
        }

    clean_collector_id_number = HandoverForm.clean_collector_id_number

    def certificate_ids(self) -> list[int]:
        return [int(value) for value in self._ids if str(value).isdigit()][:1000]

    def tracking_numbers(self) -> dict[int, str]:
        """Each express certificate's tracking number as typed, tidied as on the single form."""
        return {
            int(key): "".join(unicodedata.normalize("NFKC", value).split()).upper()
            for key, value in self._tracking.items()
            if key.isdigit() and value.strip()
        }

    def bad_tracking_numbers(self) -> set[int]:
        """The certificates whose tracking number is not 6 to 40 letters or digits."""
        return {pk for pk, value in self.tracking_numbers().items() if not re.fullmatch(r"[A-Z0-9\-]{6,40}", value)}


def _year_choices():
    year = timezone.localdate().year
    return [(y, str(y)) for y in range(year, year - 5, -1)]


class DepartmentDocumentForm(forms.Form):
    department = forms.ModelChoiceField(label=_("主管部门"), queryset=Organization.objects.none())
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=_year_choices)
    committee = forms.ModelChoiceField(
        label=_("受委托的评审委员会（评审委托函）"), queryset=Committee.objects.none(), required=False
    )

    def __init__(self, *args, departments, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["committee"].queryset = committees
        if departments.count() == 1:
            self.fields["department"].initial = departments.first()
