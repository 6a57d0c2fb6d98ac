from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from portal.core.identity import (
    normalize_id_number,
    normalize_mobile,
    parse_id_number,
    validate_mobile,
)

from .models import User
from .throttle import address_retry_after

# Room for what people type around the 18 characters (spaces, hyphens, "+86"): the clean methods
# normalise and give the real length a Chinese message; Django's max_length message would count
# the spaces.
ID_TYPED_MAX = 32
MOBILE_TYPED_MAX = 20


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("身份证号码或手机号码"),
        max_length=30,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": _("账号或密码不正确。连续输错%(limit)s次将锁定账号。"),
        "inactive": _("该账号已停用，请联系单位经办人或管理员。"),
        "throttled": _("尝试过于频繁，请 %(seconds)s 秒后再试。"),
    }

    def clean(self):
        # Checked before authenticate(): a refused attempt is not one more failure for axes.
        if self.request is not None and (seconds := address_retry_after(self.request)):
            raise ValidationError(self.error_messages["throttled"], code="throttled", params={"seconds": seconds})
        return super().clean()

    def get_invalid_login_error(self):

        return ValidationError(
            self.error_messages["invalid_login"], code="invalid_login", params={"limit": settings.AXES_FAILURE_LIMIT}
        )


def clean_sms_code(value: str) -> str:
    code = normalize_id_number(value)  # drops spaces, full-width digits → ASCII
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        raise ValidationError(_("请输入短信中的6位数字验证码。"))
    return code


class SmsCodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("短信验证码"))
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return clean_sms_code(value) if value else value


class SendsCodeMixin:
    """A form with a "获取验证码" button beside its mobile field. Pressed, the form is posted with
    action=send_code and validated for the mobile only (`sending_code`): nothing typed elsewhere is
    lost and no other field is reported missing."""

    SEND_CODE = "send_code"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sending_code = self.is_bound and self.data.get("action") == self.SEND_CODE

    def full_clean(self):
        if not self.sending_code:
            return super().full_clean()
        self._errors = ErrorDict()
        self.cleaned_data = {}
        try:
            self.cleaned_data["mobile"] = self.fields["mobile"].clean(self["mobile"].data)
            self.cleaned_data["mobile"] = self.clean_mobile()
        except ValidationError as error:
            self.add_error("mobile", error)


class PersonFieldsMixin(SendsCodeMixin, forms.Form):
    """Real name, ID number, a mobile proven by an SMS code and a password typed twice, validated
    as one person. Whether the ID number or the mobile already has an account is not checked
    here: the form must answer the same either way (see accounts.services.person_register)."""

    real_name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号码"), max_length=ID_TYPED_MAX, help_text=_("18位居民身份证号码，注册后不可修改。")
    )
    mobile = forms.CharField(
        label=_("手机号码"),
        max_length=MOBILE_TYPED_MAX,
        validators=[validate_mobile],
        help_text=_("点击“获取验证码”，验证码将以短信发送到该手机。"),
    )
    code = SmsCodeField(help_text=_("短信中的6位数字。"))
    email = forms.EmailField(label=_("电子邮箱（选填）"), required=False)
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
        help_text=_("至少8位，不能全为数字，不能是常见密码，不能包含身份证号码或手机号码。"),
    )
    password2 = forms.CharField(
        label=_("确认密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
    )

    def clean_real_name(self):
        name = self.cleaned_data["real_name"].strip()
        if len(name) < 2:
            raise ValidationError(_("请填写与身份证一致的真实姓名。"))
        return name

    def clean_id_number(self):
        return parse_id_number(self.cleaned_data["id_number"]).number

    def clean_mobile(self):
        return normalize_mobile(self.cleaned_data["mobile"])

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        if p1:
            probe = User(
                id_number=cleaned.get("id_number")
                or normalize_id_number(self.data.get(self.add_prefix("id_number"), "")),
                mobile=cleaned.get("mobile", ""),
                real_name=cleaned.get("real_name", ""),
                email=cleaned.get("email", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def person_kwargs(self, prefix: str = "") -> dict:
        c = self.cleaned_data
        return {
            f"{prefix}real_name": c["real_name"],
            f"{prefix}id_number": c["id_number"],
            f"{prefix}mobile": c["mobile"],
            f"{prefix}password": c["password1"],
            f"{prefix}email": c.get("email", ""),
            "code": c["code"],
        }


class ForgotPasswordForm(forms.Form):
    id_number = forms.CharField(label=_("身份证号码"), max_length=ID_TYPED_MAX)
    mobile = forms.CharField(label=_("注册手机号码"), max_length=MOBILE_TYPED_MAX, validators=[validate_mobile])

    def clean_id_number(self):
        return parse_id_number(self.cleaned_data["id_number"]).number


class ResetPasswordForm(forms.Form):
    id_number = forms.CharField(label=_("身份证号码"), max_length=ID_TYPED_MAX)
    code = SmsCodeField()
    password1 = forms.CharField(label=_("新密码"), strip=False, widget=forms.PasswordInput(render_value=True))
    password2 = forms.CharField(label=_("确认新密码"), strip=False, widget=forms.PasswordInput(render_value=True))

    def clean_id_number(self):
        return parse_id_number(self.cleaned_data["id_number"]).number

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        # For an ID nobody registered, check the policy against the typed ID all the same: a policy
        # message only for registered IDs would tell who is registered.
        user = User.objects.filter(id_number=cleaned.get("id_number")).first() or User(
            id_number=cleaned.get("id_number", "")
        )
        if p1:
            try:
                password_validation.validate_password(p1, user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ChangePasswordForm(forms.Form):
    old_password = forms.CharField(label=_("当前密码"), strip=False, widget=forms.PasswordInput)
    password1 = forms.CharField(label=_("新密码"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("确认新密码"), strip=False, widget=forms.PasswordInput)

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        if not self.user.check_password(self.cleaned_data["old_password"]):
            raise ValidationError(_("当前密码不正确。"))
        return self.cleaned_data["old_password"]

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        if p1 and p1 == cleaned.get("old_password"):
            self.add_error("password1", _("新密码不能与当前密码相同。"))
        if p1:
            try:
                password_validation.validate_password(p1, self.user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class MobileChangeForm(SendsCodeMixin, forms.Form):
    """A new mobile, proven by a code sent to it, and the current password."""

    mobile = forms.CharField(
        label=_("新手机号码"),
        max_length=MOBILE_TYPED_MAX,
        validators=[validate_mobile],
        help_text=_("点击“获取验证码”，验证码将以短信发送到新手机号码。"),
    )
    code = SmsCodeField(help_text=_("短信中的6位数字。"))
    password = forms.CharField(
        label=_("当前密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_mobile(self):
        mobile = normalize_mobile(self.cleaned_data["mobile"])
        if mobile == self.user.mobile:
            raise ValidationError(_("这已是您账号的手机号码。"))
        return mobile

    def clean_password(self):
        if not self.user.check_password(self.cleaned_data["password"]):
            raise ValidationError(_("当前密码不正确。"))
        return self.cleaned_data["password"]


class SecondFactorForm(forms.Form):
    """The code after the password: from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("动态验证码或恢复码"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "off", "spellcheck": "false"}
        ),
        help_text=_("身份验证器应用中显示的6位数字；手机不在身边时，可输入一个恢复码（每个只能用一次）。"),
    )


class SecondFactorEnrolForm(forms.Form):
    """The first code of a newly scanned authenticator, proving it was set up right."""

    code = forms.CharField(
        label=_("身份验证器中的6位数字"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
