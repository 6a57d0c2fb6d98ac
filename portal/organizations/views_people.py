"""A person's place among the units: registering as an applicant of a unit, and the profile page
where someone without a unit joins one. (Accounts themselves are portal.accounts'.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from portal.accounts.models import MobileCodePurpose
from portal.accounts.views import send_code
from portal.core.forms import add_validation_errors

from .forms import ApplicantRegisterForm, JoinUnitForm
from .selectors import memberships_of, pending_join_request_of
from .services import applicant_register, join_request_create, join_request_withdraw


def registered_message() -> str:
    # The same words whether an account was created or the ID number already had one (its holder
    # is told by SMS): registration must not tell who is registered.
    return _("注册已提交。请使用身份证号码或手机号码和所设密码登录；如无法登录，请使用“找回密码”或联系单位经办人。")


@never_cache  # the page may hold typed passwords
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("code", "password1", "password2")
def register(request):
    form = ApplicantRegisterForm(request.POST or None)
    if request.method == "POST" and form.sending_code:
        send_code(request, form, purpose=MobileCodePurpose.REGISTER)
    elif request.method == "POST" and form.is_valid():
        try:
            applicant_register(unit=form.cleaned_data["unit"], **form.person_kwargs())
        except ValidationError as error:
            add_validation_errors(form, error)
        except IntegrityError:
            form.add_error("id_number", _("该身份证号码或手机号码刚刚已被注册，请核对。"))
        else:
            messages.success(request, registered_message())
            return redirect("accounts:login")
    return render(request, "accounts/register.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    memberships = list(memberships_of(request.user))
    pending = None if memberships else pending_join_request_of(request.user)
    # Someone removed from their unit (or who changed jobs) asks to join another here: registering
    # again is not possible, the ID number is taken by their own account. Staff of departments,
    # windows and the bureau are not offered this (their home is their organization).
    join_form = None if memberships or pending else JoinUnitForm(request.POST or None)
    if request.method == "POST":
        if pending is not None and request.POST.get("withdraw") == str(pending.pk):
            join_request_withdraw(join_request=pending, user=request.user)
            messages.success(request, _("已撤回加入申请。"))
            return redirect("people:profile")
        if join_form is None:
            return redirect("people:profile")
        if join_form.is_valid():
            unit = join_form.cleaned_data["unit"]
            try:
                join_request_create(user=request.user, unit=unit)
            except ValidationError as error:
                add_validation_errors(join_form, error)
            else:
                messages.success(
                    request, _("已向“%(name)s”提交加入申请，待单位经办人同意后生效。") % {"name": unit.name}
                )
                return redirect("people:profile")
    return render(
        request,
        "accounts/profile.html",
        {"memberships": memberships, "join_form": join_form, "pending_join": pending},
    )
