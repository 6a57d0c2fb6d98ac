"""Forms of the bureau's and the department's pages that grow the hierarchy, and of accepting
an invitation. Duplicates are refused by the services (rules.py), shown at the field."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.accounts.forms import MOBILE_TYPED_MAX, PersonFieldsMixin
from portal.core.identity import normalize_credit_code, normalize_mobile, validate_credit_code, validate_mobile

from .models import Region


class _CreditCodeField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        code = normalize_credit_code(value)
        validate_credit_code(code)
        return code


class _MobileField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=MOBILE_TYPED_MAX, validators=[validate_mobile], **kwargs)

    def clean(self, value):
        return normalize_mobile(super().clean(value))


class RegionCreateForm(forms.Form):
    parent = forms.ModelChoiceField(label=_("上级地区"), queryset=Region.objects.none())
    name = forms.CharField(label=_("地区名称"), max_length=100, help_text=_("县（市、区）或开发区，例如“五华区”。"))
    code = forms.RegexField(
        label=_("行政区划代码（选填）"),
        regex=r"^\d{6}$",
        required=False,
        error_messages={"invalid": _("行政区划代码应为6位数字。")},
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = regions


class DepartmentCreateForm(forms.Form):
    name = forms.CharField(label=_("主管部门名称"), max_length=200)
    region = forms.ModelChoiceField(label=_("所在地区"), queryset=Region.objects.none())
    credit_code = _CreditCodeField(label=_("统一社会信用代码（选填）"), max_length=32, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    reviewer_real_name = forms.CharField(label=_("审核人姓名"), max_length=50)
    reviewer_mobile = _MobileField(
        label=_("审核人手机号码"), help_text=_("平台将向该手机发送短信，审核人凭此号码注册账号或用已有账号接受。")
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class SubordinateUnitForm(forms.Form):
    """创建下级单位: what Hunan's and Shaanxi's unit accounts ask, the officer by name and mobile."""

    name = forms.CharField(label=_("单位名称"), max_length=200, help_text=_("与营业执照或事业单位法人证书一致。"))
    credit_code = _CreditCodeField(
        label=_("统一社会信用代码"), max_length=32, help_text=_("18位，见营业执照或事业单位法人证书。")
    )
    region = forms.ModelChoiceField(label=_("所在地区（统筹区）"), queryset=Region.objects.none())
    address = forms.CharField(label=_("单位地址"), max_length=200, required=False)
    phone = forms.CharField(label=_("单位联系电话"), max_length=30, required=False)
    officer_real_name = forms.CharField(label=_("人事经办人姓名"), max_length=50)
    officer_mobile = _MobileField(
        label=_("人事经办人手机号码"),
        help_text=_("平台将向该手机发送短信，经办人凭此号码注册账号（或用已有账号接受）后即可管理本单位。"),
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions

    def clean_officer_real_name(self):
        name = self.cleaned_data["officer_real_name"].strip()
        if len(name) < 2:
            raise ValidationError(_("请填写经办人的真实姓名。"))
        return name


class InvitationRegisterForm(PersonFieldsMixin):
    """The invited person's account: the same fields as a unit officer's at unit registration."""

    field_order = ["real_name", "id_number", "mobile", "code", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobile"].help_text = _("填写收到邀请短信的手机号码，点击“获取验证码”。")
