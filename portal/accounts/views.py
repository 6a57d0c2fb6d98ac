from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.core.forms import add_validation_errors

from . import services
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, ResetPasswordForm


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
def change_password(request):
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_change_password(user=request.user, password=form.cleaned_data["password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("密码已修改。"))
        return redirect("home:dashboard")
    return render(request, "accounts/change_password.html", {"form": form})
