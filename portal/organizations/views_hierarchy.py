"""The bureau's pages that create regions and supervising departments (and approve departments
waiting in its region), the department's 创建下级单位, and accepting an invitation. Out of
scope is a 404, like a missing page."""

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

from portal.accounts.models import MobileCodePurpose
from portal.accounts.views import send_code
from portal.core.forms import add_validation_errors

from . import hierarchy, invitations, permissions, selectors
from .forms_hierarchy import DepartmentCreateForm, InvitationRegisterForm, RegionCreateForm, SubordinateUnitForm
from .models import Organization


def _shaper(request) -> None:
    if not permissions.can_shape_hierarchy(request.user):
        raise Http404


@login_required
def hierarchy_overview(request):
    """下级地区与主管部门: the bureau's regions and departments, the waiting ones to approve."""
    _shaper(request)
    return render(
        request,
        "organizations/hierarchy.html",
        {
            "regions": selectors.regions_shaped_by(request.user),
            "departments": selectors.departments_shaped_by(request.user),
        },
    )


def _create_page(request, form, create, template, done):
    if request.method == "POST" and form.is_valid():
        try:
            created = create(**form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        except IntegrityError:
            form.add_error(None, _("刚刚已有人创建了相同的记录，请核对。"))
        else:
            messages.success(request, done % {"name": created.name})
            return None
    return render(request, template, {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def region_create(request):
    _shaper(request)
    form = RegionCreateForm(request.POST or None, regions=selectors.regions_shaped_by(request.user))
    page = _create_page(
        request,
        form,
        lambda **data: hierarchy.region_create(by=request.user, **data),
        "organizations/region_create.html",
        _("已创建地区“%(name)s”。"),
    )
    return page or redirect("organizations:hierarchy")


@login_required
@require_http_methods(["GET", "POST"])
def department_create(request):
    _shaper(request)
    form = DepartmentCreateForm(request.POST or None, regions=selectors.regions_shaped_by(request.user))
    page = _create_page(
        request,
        form,
        lambda **data: hierarchy.department_create(by=request.user, **data),
        "organizations/department_create.html",
        _("已创建主管部门“%(name)s”，并已短信通知审核人注册账号。"),
    )
    return page or redirect("organizations:hierarchy")


@login_required
@require_POST
def department_approve(request, pk):
    department = get_object_or_404(Organization.objects.departments(), pk=pk)
    if not permissions.can_approve_department(request.user, department):
        raise Http404
    try:
        hierarchy.department_approve(department=department, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已通过主管部门“%(name)s”的审核。") % {"name": department.name})
    return redirect("organizations:hierarchy")


@login_required
@require_http_methods(["GET", "POST"])
def subordinate_units(request, pk):
    """创建下级单位, with the units the department already has."""
    department = get_object_or_404(Organization.objects.departments(), pk=pk)
    if not permissions.can_create_units_under(request.user, department):
        raise Http404
    form = SubordinateUnitForm(request.POST or None, regions=selectors.regions_of(department))
    if request.method == "POST" and form.is_valid():
        try:
            unit = hierarchy.subordinate_unit_create(by=request.user, department=department, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        except IntegrityError:
            form.add_error("credit_code", _("该单位刚刚已被注册，请核对。"))
        else:
            messages.success(request, _("已创建下级单位“%(name)s”，并已短信通知经办人注册账号。") % {"name": unit.name})
            return redirect("organizations:subordinate_units", pk=department.pk)
    return render(
        request,
        "organizations/subordinate_units.html",
        {"department": department, "form": form, "units": selectors.units_created_under(department)},
    )


@never_cache  # the page may hold typed passwords
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("code", "password1", "password2")
def invitation(request):
    """The invited person's page: registers here, or, logged in, accepts their open invitations."""
    if request.user.is_authenticated:
        return render(
            request,
            "organizations/invitation.html",
            {"invitations": selectors.open_invitations_for(request.user.mobile)},
        )
    form = InvitationRegisterForm(request.POST or None)
    if request.method == "POST" and form.sending_code:
        send_code(request, form, purpose=MobileCodePurpose.REGISTER)
    elif request.method == "POST" and form.is_valid():
        try:
            # Created or not (the ID number already had an account), the same page: see the service.
            invitations.invitation_register(**form.person_kwargs())
        except ValidationError as error:
            add_validation_errors(form, error)
        except IntegrityError:
            form.add_error("mobile", _("该手机号码刚刚已被注册，请登录后接受邀请。"))
        else:
            return render(request, "organizations/invitation_registered.html")
    return render(request, "organizations/invitation.html", {"form": form})


@login_required
@require_POST
def invitation_accept(request, pk):
    invitation = get_object_or_404(selectors.open_invitations_for(request.user.mobile), pk=pk)
    try:
        invitations.invitation_accept(invitation=invitation, user=request.user)
    except (ValidationError, PermissionDenied):
        raise Http404 from None
    messages.success(
        request,
        _("您已成为“%(org)s”的%(role)s。")
        % {"org": invitation.organization.name, "role": invitation.get_role_display()},
    )
    return redirect("home:dashboard")
