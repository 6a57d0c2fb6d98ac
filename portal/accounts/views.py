from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.core.forms import add_validation_errors
from portal.organizations.forms import ApplicantRegisterForm, JoinUnitForm
from portal.organizations.selectors import memberships_of
from portal.organizations.services import applicant_join_unit, applicant_register

from . import services
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, ResetPasswordForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@never_cache  # the page may hold typed passwords
@require_http_methods(["GET", "POST"])
def register(request):
    form = ApplicantRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = applicant_register(unit=form.cleaned_data["unit"], **form.person_kwargs())
        except ValidationError as error:
            add_validation_errors(form, error)
        except IntegrityError:
            form.add_error("id_number", _("该身份证号码或手机号码刚刚已被注册，请核对。"))
        else:
            login(request, user, backend="portal.accounts.backends.IdNumberOrMobileBackend")
            messages.success(request, _("注册成功，欢迎使用。"))
            return redirect("core:dashboard")
    return render(request, "accounts/register.html", {"form": form})


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
        return redirect("core:dashboard")
    return render(request, "accounts/change_password.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    memberships = list(memberships_of(request.user))
    # Someone removed from their unit (or who changed jobs) picks another one here: registering
    # again is not possible, the ID number is taken by their own account. Staff of departments,
    # windows and the bureau are not offered this (their home is their organization).
    join_form = None if memberships else JoinUnitForm(request.POST or None)
    if request.method == "POST":
        if join_form is None:
            return redirect("accounts:profile")
        if join_form.is_valid():
            try:
                applicant_join_unit(user=request.user, unit=join_form.cleaned_data["unit"])
            except ValidationError as error:
                add_validation_errors(join_form, error)
            else:
                messages.success(request, _("已加入“%(name)s”。") % {"name": join_form.cleaned_data["unit"].name})
                return redirect("core:dashboard")
    return render(request, "accounts/profile.html", {"memberships": memberships, "join_form": join_form})
