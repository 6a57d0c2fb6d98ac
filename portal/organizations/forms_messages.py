"""The form of 发送信息 (a unit's HR officer messaging the unit's staff)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class UnitMessageForm(forms.Form):
    topic = forms.CharField(label=_("标题"), max_length=60)
    message = forms.CharField(
        label=_("内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("发到本单位人员的站内信箱；选择了邮件提醒的人员同时收到邮件。"),
    )
    recipients = forms.ModelMultipleChoiceField(
        label=_("收件人"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不勾选则发给本单位全部人员。"),
        error_messages={"invalid_choice": _("所选人员不是本单位人员。"), "invalid_pk_value": _("所选人员无效。")},
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["recipients"]
        field.queryset = staff
        field.label_from_instance = lambda m: f"{m.user.real_name}（{m.get_role_display()}）"
