"""Forms of the interview (答辩): the office's scheduling of a slot and its roll call."""

from django import forms
from django.utils.translation import gettext_lazy

from .models import InterviewAttendance


class InterviewForm(forms.Form):
    application = forms.ChoiceField(
        label=gettext_lazy("申报人"), error_messages={"required": gettext_lazy("请选择申报人。")}
    )
    date = forms.DateField(
        label=gettext_lazy("答辩日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("请填写答辩日期。"),
            "invalid": gettext_lazy("日期格式应为 2026-12-08。"),
        },
    )
    starts_at = forms.TimeField(
        label=gettext_lazy("开始时间"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": gettext_lazy("请填写开始时间。"), "invalid": gettext_lazy("时间格式应为 09:00。")},
    )
    ends_at = forms.TimeField(
        label=gettext_lazy("结束时间"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": gettext_lazy("请填写结束时间。"), "invalid": gettext_lazy("时间格式应为 09:20。")},
    )
    place = forms.CharField(
        label=gettext_lazy("答辩地点"),
        max_length=200,
        help_text=gettext_lazy("如：市人社局三楼第一会议室。安排或变更后以短信通知申报人。"),
        error_messages={"required": gettext_lazy("请填写答辩地点。")},
    )

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [(str(a.pk), a.applicant.real_name) for a in applications]


class InterviewAttendanceForm(forms.Form):
    attendance = forms.ChoiceField(
        label=gettext_lazy("答辩到场"),
        choices=[
            (InterviewAttendance.PRESENT, gettext_lazy("到场")),
            (InterviewAttendance.ABSENT, gettext_lazy("缺席")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选择到场或缺席。")},
    )
    note = forms.CharField(
        label=gettext_lazy("备注"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("如：因病请假、未说明原因。缺席在表决时向专家显示，不影响表决。"),
    )

    def attended(self) -> bool:
        return self.cleaned_data["attendance"] == InterviewAttendance.PRESENT
