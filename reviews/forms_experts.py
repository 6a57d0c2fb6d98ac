"""Forms of the expert pool pages (专家库)."""

from django import forms
from django.utils.translation import gettext_lazy

from portal.catalog.models import Committee

from .experts import ExpertRow
from .models import ExpertStatus

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ExpertForm(forms.Form):
    real_name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    id_number = forms.CharField(label=gettext_lazy("身份证号"), max_length=30)
    mobile = forms.CharField(label=gettext_lazy("手机号"), max_length=20)
    series = forms.CharField(label=gettext_lazy("系列"), max_length=50)
    speciality = forms.CharField(label=gettext_lazy("专业"), max_length=100, required=False)
    level = forms.CharField(label=gettext_lazy("职称层级"), max_length=20)
    unit_code = forms.CharField(label=gettext_lazy("工作单位统一社会信用代码"), max_length=30)
    integrity_note = forms.CharField(
        label=gettext_lazy("诚信记录"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def row(self) -> ExpertRow:
        return ExpertRow(**{name: self.cleaned_data.get(name, "") for name in self.fields})


class ExpertStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ExpertStatus.choices)


class ExpertImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("专家名单（xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(gettext_lazy("文件不能超过5MB。"))
        return upload


class SessionForm(forms.Form):
    committee = forms.ModelChoiceField(
        label=gettext_lazy("评审委员会"), queryset=Committee.objects.filter(is_active=True).exclude(organizer="")
    )
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    experts_to_draw = forms.IntegerField(label=gettext_lazy("抽取专家人数"), min_value=1, max_value=99)

    def __init__(self, *args, committees, **kwargs):
        """`committees`: the office's own (reviews.offices.office_committees)."""
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees
