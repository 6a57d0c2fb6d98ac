"""The hierarchy grown from above: a bureau creates regions and supervising departments in its
own region tree (and approves departments waiting in it); a department creates its subordinate
units (创建下级单位, as Shaanxi's system does). What an organization above creates counts as
approved by its creator, and every creation is audited. One function per write, each atomic."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from portal.accounts.models import User
from portal.audit import services as audit
from portal.audit.models import AuditAction
from portal.core.identity import normalize_credit_code

from . import permissions
from .invitations import invitation_create
from .models import Organization, OrgKind, Region, Role
from .rules import credit_code_refusal, department_name_refusal, region_name_refusal, unit_name_refusal
from .scope import region_chain


def _refuse(**refusals) -> None:
    errors = {field: message for field, message in refusals.items() if message}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def region_create(*, by: User, parent: Region, name: str, code: str = "") -> Region:
    """A region (county, district, development zone) below one in the bureau's tree."""
    if not permissions.can_manage_region(by, parent):
        raise PermissionDenied
    Region.objects.select_for_update().filter(pk=parent.pk).first()  # one new child at a time
    _refuse(name=region_name_refusal(name, parent))
    region = Region.objects.create(parent=parent, name=name.strip(), code=code.strip())
    audit.record(actor=by, action=AuditAction.REGION_CREATE, obj=region)
    return region


def _created_approved(organization: Organization, by: User) -> Organization:
    organization.save()
    organization.approve(by=by)
    organization.save()
    audit.record(actor=by, action=AuditAction.ORGANIZATION_CREATE, obj=organization)
    return organization


@transaction.atomic
def department_create(
    *,
    by: User,
    region: Region,
    name: str,
    address: str = "",
    phone: str = "",
    credit_code: str = "",
    reviewer_real_name: str,
    reviewer_mobile: str,
) -> Organization:
    """A supervising department (主管部门) in the bureau's region tree, under the bureau, approved
    by the bureau; its reviewer is invited by SMS."""
    if not permissions.can_manage_region(by, region):
        raise PermissionDenied
    bureau = permissions.bureau_covering(by, region) or (
        Organization.objects.filter(kind=OrgKind.BUREAU, region_id__in=region_chain(region)).first()
    )
    if bureau is None:
        raise ValidationError({"region": _("该地区没有人才主管部门，不能在此创建主管部门。")})
    code = normalize_credit_code(credit_code) if credit_code else None
    _refuse(name=department_name_refusal(name, region), credit_code=code and credit_code_refusal(code))
    department = Organization(
        kind=OrgKind.DEPARTMENT,
        name=name.strip(),
        credit_code=code,
        region=region,
        parent=bureau,
        address=address,
        phone=phone,
        contact_person=reviewer_real_name.strip(),
    )
    _created_approved(department, by)
    invitation_create(
        organization=department, role=Role.DEPT_REVIEWER, real_name=reviewer_real_name, mobile=reviewer_mobile, by=by
    )
    return department


@transaction.atomic
def department_approve(*, department: Organization, by: User) -> Organization:
    """A department waiting in the bureau's region (one an admin entered as pending) is approved."""
    department = Organization.objects.select_for_update().get(pk=department.pk)
    if not permissions.can_approve_department(by, department):
        raise PermissionDenied
    if not can_proceed(department.approve):
        raise ValidationError(_("该主管部门当前状态为“%(s)s”，不能重复审核。") % {"s": department.get_status_display()})
    department.approve(by=by)
    department.save()
    audit.record(actor=by, action=AuditAction.ORGANIZATION_APPROVE, obj=department)
    return department


@transaction.atomic
def subordinate_unit_create(
    *,
    by: User,
    department: Organization,
    name: str,
    credit_code: str,
    region: Region,
    officer_real_name: str,
    officer_mobile: str,
    address: str = "",
    phone: str = "",
) -> Organization:
    """创建下级单位: an employer unit under this department, in the department's region tree,
    approved by the department (its reviewer is the approver); the unit's HR officer is invited
    by SMS and registers, or accepts with their account, as invitations.py says."""
    department = Organization.objects.select_for_update().get(pk=department.pk)
    if not permissions.can_create_units_under(by, department):
        raise PermissionDenied
    if department.region_id not in region_chain(region):
        raise ValidationError(
            {"region": _("单位所在地区须在本部门所辖地区（%(r)s）内。") % {"r": department.region.name}}
        )
    code = normalize_credit_code(credit_code)
    _refuse(name=unit_name_refusal(name), credit_code=credit_code_refusal(code))
    unit = Organization(
        kind=OrgKind.UNIT,
        name=name.strip(),
        credit_code=code,
        region=region,
        parent=department,
        address=address,
        phone=phone,
        contact_person=officer_real_name.strip(),
    )
    unit.full_clean(exclude=["status", "parent", "region", "reviewed_by"])  # the GB 32100 check of the field
    _created_approved(unit, by)
    invitation_create(organization=unit, role=Role.UNIT_HR, real_name=officer_real_name, mobile=officer_mobile, by=by)
    return unit
