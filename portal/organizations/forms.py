from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.forms import PersonFieldsMixin
from portal.core.identity import normalize_credit_code, validate_credit_code

from .models import Organization, OrgKind, OrgStatus, Region
from .rules import credit_code_refusal
from .selectors import supervising_departments


class UnitLookupField(forms.CharField):
    """The applicant types the unit's credit code or full name; only approved units are accepted."""

    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            return None
        code = normalize_credit_code(value)
        matches = Organization.objects.units().filter(Q(credit_code=code) | Q(name=value))
        unit = matches.filter(status=OrgStatus.APPROVED).first() or matches.first()
        if unit is None:
            raise ValidationError(
                _("未找到该单位。请输入单位全称或统一社会信用代码；如单位尚未注册，请先由单位经办人注册单位。")
            )
        if unit.status == OrgStatus.PENDING:
            raise ValidationError(
                _("“%(name)s”尚未通过主管部门审核，暂不能选择，请等待审核通过后再注册。") % {"name": unit.name}
            )
        if unit.status == OrgStatus.REJECTED:
            raise ValidationError(_("“%(name)s”的注册未通过审核，暂不能选择。") % {"name": unit.name})
        return unit


class ApplicantRegisterForm(PersonFieldsMixin):
    unit = UnitLookupField(
        label=_("工作单位"),
        max_length=200,
        help_text=_("输入单位全称或统一社会信用代码，从提示中选择。"),
        widget=forms.TextInput(attrs={"list": "unit-suggestions", "autocomplete": "off"}),
    )

    field_order = ["real_name", "id_number", "mobile", "code", "email", "unit", "password1", "password2"]


class JoinUnitForm(forms.Form):
    unit = UnitLookupField(
        label=_("工作单位"),
        max_length=200,
        help_text=_("输入单位全称或统一社会信用代码，从提示中选择。"),
        widget=forms.TextInput(attrs={"list": "unit-suggestions", "autocomplete": "off"}),
    )


class UnitDetailsForm(forms.Form):
    """A unit's own details, as its HR officer registers it."""

    unit_name = forms.CharField(label=_("单位名称"), max_length=200)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=32, help_text=_("18位，见营业执照或事业单位法人证书。")
    )
    region = forms.ModelChoiceField(label=_("所在地区（统筹区）"), queryset=Region.objects.none())
    parent = forms.ModelChoiceField(
        label=_("主管部门"),
        queryset=Organization.objects.none(),
        help_text=_("单位注册由主管部门（或所在县区人社部门）审核。"),
    )
    address = forms.CharField(label=_("单位地址"), max_length=200)
    phone = forms.CharField(label=_("单位联系电话"), max_length=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(parent__isnull=False).order_by("code", "name")
        self.fields["parent"].queryset = supervising_departments()

    def unit_kwargs(self) -> dict:
        c = self.cleaned_data
        return {
            "name": c["unit_name"],
            "credit_code": c["credit_code"],
            "region": c["region"],
            "parent": c["parent"],
            "address": c["address"],
            "phone": c["phone"],
        }

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        validate_credit_code(code)
        refusal = credit_code_refusal(code)
        if refusal:
            raise ValidationError(refusal)
        return code

    def clean_parent(self):
        parent = self.cleaned_data["parent"]
        if parent.kind != OrgKind.DEPARTMENT:
            raise ValidationError(_("请选择有效的主管部门。"))
        return parent


class UnitRegisterForm(UnitDetailsForm, PersonFieldsMixin):
    """A unit and its HR officer's new account, for an officer who has none yet."""

    field_order = [
        "unit_name",
        "credit_code",
        "region",
        "parent",
        "address",
        "phone",
        "real_name",
        "id_number",
        "mobile",
        "code",
        "email",
        "password1",
        "password2",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["real_name"].label = _("经办人姓名")
        self.fields["id_number"].label = _("经办人身份证号码")
        self.fields["mobile"].label = _("经办人手机号码")


class UnitRejectForm(forms.Form):
    reason = forms.CharField(label=_("不通过理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)


class UnitEditForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=200)
    address = forms.CharField(label=_("单位地址"), max_length=200)
    phone = forms.CharField(label=_("单位联系电话"), max_length=30)
