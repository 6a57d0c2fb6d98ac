from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.core.identity import (
    normalize_id_number,
    normalize_mobile,
    parse_id_number,
    validate_mobile,
)

from .models import User

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
    }

    def get_invalid_login_error(self):

        return ValidationError(
            self.error_messages["invalid_login"], code="invalid_login", params={"limit": settings.AXES_FAILURE_LIMIT}
        )


class PersonFieldsMixin(forms.Form):
    """Real name, ID number, mobile and a password typed twice, validated as one person."""

    real_name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号码"), max_length=ID_TYPED_MAX, help_text=_("18位居民身份证号码，注册后不可修改。")
    )
    mobile = forms.CharField(label=_("手机号码"), max_length=MOBILE_TYPED_MAX, validators=[validate_mobile])
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
        number = parse_id_number(self.cleaned_data["id_number"]).number
        if User.objects.filter(id_number=number).exists():
            raise ValidationError(_("该身份证号码已注册。如忘记密码，请使用“找回密码”。"))
        return number

    def clean_mobile(self):
        mobile = normalize_mobile(self.cleaned_data["mobile"])
        if User.objects.filter(mobile=mobile).exists():
            raise ValidationError(_("该手机号码已被其他账号使用。"))
        return mobile

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
        }


class ForgotPasswordForm(forms.Form):
    id_number = forms.CharField(label=_("身份证号码"), max_length=ID_TYPED_MAX)
    mobile = forms.CharField(label=_("注册手机号码"), max_length=MOBILE_TYPED_MAX, validators=[validate_mobile])

    def clean_id_number(self):
        return parse_id_number(self.cleaned_data["id_number"]).number


class ResetPasswordForm(forms.Form):
    id_number = forms.CharField(label=_("身份证号码"), max_length=ID_TYPED_MAX)
    code = forms.CharField(label=_("短信验证码"), max_length=12)
    password1 = forms.CharField(label=_("新密码"), strip=False, widget=forms.PasswordInput(render_value=True))
    password2 = forms.CharField(label=_("确认新密码"), strip=False, widget=forms.PasswordInput(render_value=True))

    def clean_id_number(self):
        return parse_id_number(self.cleaned_data["id_number"]).number

    def clean_code(self):
        code = normalize_id_number(self.cleaned_data["code"])  # drops spaces, full-width digits → ASCII
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise ValidationError(_("请输入短信中的6位数字验证码。"))
        return code

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
