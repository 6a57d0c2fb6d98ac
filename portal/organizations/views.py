from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts import services as account_services
from portal.accounts.lockout import locked_id_numbers
from portal.accounts.models import MobileCodePurpose, User
from portal.accounts.views import send_code
from portal.core.forms import add_validation_errors

from . import permissions, selectors, services, unit_messages
from .forms import UnitDetailsForm, UnitEditForm, UnitRegisterForm, UnitRejectForm
from .forms_messages import UnitMessageForm
from .models import Membership, Organization, OrgStatus


@never_cache  # the page may hold typed passwords
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("code", "password1", "password2")
def unit_register(request):
    if request.user.is_authenticated:
        return _unit_register_by_account(request)
    form = UnitRegisterForm(request.POST or None)
    if request.method == "POST" and form.sending_code:
        send_code(request, form, purpose=MobileCodePurpose.REGISTER)
    elif request.method == "POST" and form.is_valid():
        try:
            # Saved or not (the officer already had an account), the same page: see the service.
            unit, _saved = services.unit_register(**form.unit_kwargs(), **form.person_kwargs(prefix="officer_"))
        except ValidationError as error:
            add_validation_errors(form, error)
        except IntegrityError:
            form.add_error("credit_code", _("该单位或经办人刚刚已被注册，请核对。"))
        else:
            return render(request, "organizations/unit_registered.html", {"unit": unit})
    return render(request, "organizations/unit_register.html", {"form": form})


def _unit_register_by_account(request):
    """Logged in: the unit's details only; the officer is the account asking."""
    form = UnitDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_register_by_account(user=request.user, **form.unit_kwargs())
        except ValidationError as error:
            add_validation_errors(form, error)
        except IntegrityError:
            form.add_error("credit_code", _("该单位刚刚已被注册，请核对。"))
        else:
            return render(request, "organizations/unit_registered.html", {"unit": unit})
    return render(request, "organizations/unit_register.html", {"form": form, "by_account": True})


def unit_search(request):
    """Suggestions for the unit field at registration (htmx): approved units only."""
    query = request.GET.get("unit", "").strip()
    units = selectors.approved_units(query=query)[:10] if len(query) >= 2 else []
    return render(request, "organizations/partials/unit_suggestions.html", {"units": units})


@login_required
def unit_review_list(request):
    status = request.GET.get("status", OrgStatus.PENDING)
    if status not in OrgStatus.values:
        status = OrgStatus.PENDING
    units = selectors.units_for_review(request.user, status=status)
    if not (permissions.is_admin(request.user) or permissions.has_role(request.user, "dept_reviewer")):
        raise PermissionDenied
    return render(
        request,
        "organizations/unit_review_list.html",
        {"units": units, "status": status, "statuses": OrgStatus.choices, "reject_form": UnitRejectForm()},
    )


def _reviewable_unit(request, pk) -> Organization:
    unit = get_object_or_404(Organization.objects.units(), pk=pk)
    if not permissions.can_review_unit(request.user, unit):
        raise Http404
    return unit


@login_required
@require_POST
def unit_approve(request, pk):
    unit = _reviewable_unit(request, pk)
    try:
        services.unit_approve(unit=unit, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已通过“%(name)s”的注册审核。") % {"name": unit.name})
    return redirect("organizations:unit_review_list")


@login_required
@require_POST
def unit_reject(request, pk):
    unit = _reviewable_unit(request, pk)
    form = UnitRejectForm(request.POST)
    if form.is_valid():
        try:
            services.unit_reject(unit=unit, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已退回“%(name)s”的注册申请。") % {"name": unit.name})
            return redirect("organizations:unit_review_list")
    else:
        messages.error(request, _("请填写不通过的理由。"))
    units = selectors.units_for_review(request.user)
    return render(
        request,
        "organizations/unit_review_list.html",
        {
            "units": units,
            "status": OrgStatus.PENDING,
            "statuses": OrgStatus.choices,
            "reject_form": form,
            "reject_unit_id": unit.pk,
        },
        status=400,
    )


def _managed_unit(request, pk) -> Organization:
    unit = get_object_or_404(Organization.objects.units(), pk=pk)
    if not permissions.can_manage_unit(request.user, unit):
        raise Http404
    return unit


@never_cache  # the page may show a one-time password
@login_required
def unit_staff(request, pk):
    unit = _managed_unit(request, pk)
    staff = list(selectors.unit_staff(unit))
    locked = locked_id_numbers(m.user.id_number for m in staff)
    resettable = permissions.staff_password_resettable(request.user, unit, (m.user for m in staff))
    for membership in staff:
        membership.is_locked = membership.user.id_number in locked
        membership.can_reset_password = membership.user_id in resettable
    return render(
        request,
        "organizations/unit_staff.html",
        {
            "unit": unit,
            "staff": staff,
            "join_requests": selectors.pending_join_requests(unit),
            "new_password": request.session.pop("one_time_password", None),
        },
    )


@login_required
@require_POST
def join_decide(request, pk, request_pk):
    unit = _managed_unit(request, pk)
    join_request = get_object_or_404(selectors.pending_join_requests(unit), pk=request_pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.join_request_decide(join_request=join_request, by=request.user, approve=approve)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = join_request.user.real_name
        if approve:
            messages.success(request, _("已同意%(name)s加入本单位。") % {"name": name})
        else:
            messages.success(request, _("已拒绝%(name)s的加入申请。") % {"name": name})
    return redirect("organizations:unit_staff", pk=unit.pk)


def _staff_member(request, unit_pk, user_pk) -> tuple[Organization, User]:
    unit = _managed_unit(request, unit_pk)
    member = get_object_or_404(User, pk=user_pk)
    if not permissions.can_manage_staff_member(request.user, member, unit):
        raise Http404
    return unit, member


@login_required
@require_POST
def staff_unlock(request, pk, user_pk):
    unit, member = _staff_member(request, pk, user_pk)
    account_services.user_unlock(user=member, by=request.user)
    messages.success(request, _("已解锁%(name)s的账号。") % {"name": member.real_name})
    return redirect("organizations:unit_staff", pk=unit.pk)


@login_required
@require_POST
def staff_reset_password(request, pk, user_pk):
    unit, member = _staff_member(request, pk, user_pk)
    if not permissions.can_reset_password(request.user, member, unit):
        messages.error(request, _("%(name)s在其他机构另有职务，请联系管理员重置密码。") % {"name": member.real_name})
        return redirect("organizations:unit_staff", pk=unit.pk)
    password = account_services.user_reset_password(user=member, by=request.user)
    # Shown once on the next page, then gone from the session.
    request.session["one_time_password"] = {"name": member.real_name, "password": password}
    return redirect("organizations:unit_staff", pk=unit.pk)


@login_required
@require_POST
def staff_remove(request, pk, user_pk):
    unit, member = _staff_member(request, pk, user_pk)
    membership = get_object_or_404(Membership.objects.active(), organization=unit, user=member, role="applicant")
    try:
        services.membership_end(membership=membership, by=request.user)
    except PermissionDenied:
        messages.error(request, _("不能移除该人员。"))
    else:
        messages.success(request, _("已将%(name)s移出本单位。") % {"name": member.real_name})
    return redirect("organizations:unit_staff", pk=unit.pk)


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    unit = _managed_unit(request, pk)
    form = UnitEditForm(request.POST or None, initial={"name": unit.name, "address": unit.address, "phone": unit.phone})
    if request.method == "POST" and form.is_valid():
        services.unit_update(unit=unit, by=request.user, **form.cleaned_data)
        messages.success(request, _("单位信息已保存。"))
        return redirect("home:dashboard")
    return render(
        request, "organizations/unit_edit.html", {"unit": unit, "form": form, "history": unit.name_changes.all()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_message(request, pk):
    """发送信息: the unit's HR officer messages the unit's staff (in-app)."""
    unit = _managed_unit(request, pk)
    staff = unit_messages.unit_message_recipients(unit).exclude(user=request.user)
    form = UnitMessageForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        sent = unit_messages.unit_message_send(
            unit=unit,
            user=request.user,
            topic=form.cleaned_data["topic"],
            message=form.cleaned_data["message"],
            recipient_ids=[m.user_id for m in form.cleaned_data["recipients"]],
        )
        messages.success(request, _("信息已发送给%(n)d人。") % {"n": sent})
        return redirect("organizations:unit_message", pk=unit.pk)
    return render(request, "organizations/unit_message.html", {"unit": unit, "form": form})
