from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from portal.core.forms import add_validation_errors
from portal.core.identity import mask_mobile

from . import services
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, MobileChangeForm, ResetPasswordForm
from .models import MobileCodePurpose


def send_code(request, form, *, purpose: str, user=None) -> None:
    """A form's "获取验证码" button (SendsCodeMixin): the same answer whether or not the number
    already has an account (its holder then gets a notice instead of a code)."""
    if form.is_valid():
        mobile = form.cleaned_data["mobile"]
        services.mobile_code_send(purpose=purpose, mobile=mobile, user=user)
        messages.info(
            request,
            _("验证码已发送到%(mobile)s，%(minutes)d分钟内有效。如未收到，请稍候1分钟再重新获取。")
            % {"mobile": mask_mobile(mobile), "minutes": settings.PASSWORD_RESET_CODE_MINUTES},
        )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@require_http_methods(["GET", "POST"])
def forgot_password(request):
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(**form.cleaned_data)
        request.session["reset_id_number"] = form.cleaned_data["id_number"]
        messages.info(
            request,
            _(
                "如身份证号码与注册手机号码匹配，验证码已发送到该手机，请在%(minutes)d分钟内使用。如未收到，请稍候1分钟再重新获取。"
            )
            % {"minutes": settings.PASSWORD_RESET_CODE_MINUTES},
        )
        return redirect("accounts:reset_password")
    return render(request, "accounts/forgot_password.html", {"form": form})


@never_cache  # the page may hold typed passwords
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("code", "password1", "password2")
def reset_password(request):
    initial = {"id_number": request.session.get("reset_id_number", "")}
    form = ResetPasswordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_confirm(
                id_number=form.cleaned_data["id_number"],
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            request.session.pop("reset_id_number", None)
            messages.success(request, _("密码已重置，请使用新密码登录。"))
            return redirect("accounts:login")
    return render(request, "accounts/reset_password.html", {"form": form})


@login_required
@never_cache  # the page may hold typed passwords
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("old_password", "password1", "password2")
def change_password(request):
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_change_password(user=request.user, password=form.cleaned_data["password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("密码已修改。"))
        return redirect("home:dashboard")
    return render(request, "accounts/change_password.html", {"form": form})


@login_required
@never_cache  # the page may hold a typed password
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("code", "password")
def change_mobile(request):
    form = MobileChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.sending_code:
        send_code(request, form, purpose=MobileCodePurpose.MOBILE_CHANGE, user=request.user)
    elif request.method == "POST" and form.is_valid():
        try:
            services.mobile_change_confirm(
                user=request.user, mobile=form.cleaned_data["mobile"], code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("手机号码已更换为%(mobile)s。") % {"mobile": form.cleaned_data["mobile"]})
            return redirect("people:profile")
    return render(request, "accounts/change_mobile.html", {"form": form})
