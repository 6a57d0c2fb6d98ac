"""Forms of the discipline groups (评议组): setting one up, its files and experts, its opinion."""

from django import forms
from django.utils.translation import gettext_lazy

from .models import GroupRecommendation


class GroupForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("评议组名称"),
        max_length=50,
        help_text=gettext_lazy("如：中学语文评议组。"),
        error_messages={"required": gettext_lazy("请填写评议组名称。")},
    )
    speciality = forms.CharField(label=gettext_lazy("学科（专业）"), max_length=100, required=False)


class GroupAssignForm(forms.Form):
    applications = forms.MultipleChoiceField(
        label=gettext_lazy("本组评议的申报"), required=False, widget=forms.CheckboxSelectMultiple
    )
    members = forms.MultipleChoiceField(
        label=gettext_lazy("本组专家"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("每个评议组不少于3名专家；勾选其他组的申报或专家会将其移入本组。"),
    )

    def __init__(self, *args, group, applications, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [(str(a.pk), a.applicant.real_name) for a in applications]
        self.fields["members"].choices = [(str(m.pk), m.expert.user.real_name) for m in members]
        self.initial.setdefault("applications", [str(a.pk) for a in group.applications.all()])
        self.initial.setdefault("members", [str(m.pk) for m in members if m.group_id == group.pk])


class GroupOpinionForm(forms.Form):
    application = forms.ChoiceField(label=gettext_lazy("申报人"))
    recommendation = forms.ChoiceField(
        label=gettext_lazy("评议结论"),
        choices=GroupRecommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选择建议通过或建议不通过。")},
    )
    agreeing = forms.IntegerField(
        label=gettext_lazy("同意该意见的专家人数"),
        min_value=0,
        max_value=99,
        help_text=gettext_lazy("评议组按少数服从多数形成意见：须超过本组专家人数的一半。"),
        error_messages={"required": gettext_lazy("请填写同意该意见的专家人数。")},
    )
    text = forms.CharField(
        label=gettext_lazy("书面评议意见"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("请填写评议意见。")},
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [(str(a.pk), a.applicant.real_name) for a in group.applications.all()]
