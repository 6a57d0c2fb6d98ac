"""Writes about organizations and memberships. One function per write, each atomic."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from portal.accounts.models import MobileCodePurpose, User
from portal.accounts.services import mobile_code_use, person_register
from portal.audit import services as audit
from portal.audit.models import AuditAction
from portal.core.identity import normalize_credit_code

from . import permissions
from .alerts import unit_reviewed
from .models import JoinRequest, JoinStatus, Membership, NameChange, Organization, OrgKind, OrgStatus, Role


def applicant_register(
    *, code: str, real_name: str, id_number: str, mobile: str, password: str, unit: Organization, email: str = ""
) -> User | None:
    """A person whose mobile is proven by `code` registers and joins an approved employer unit as
    an applicant. Returns None, creating nothing, when the ID number or mobile already has an
    account (its holder is told by SMS); the caller answers exactly as on success. Raises
    ValidationError keyed by field (a wrong code is counted even then)."""
    with transaction.atomic():
        unit = Organization.objects.select_for_update().get(pk=unit.pk)
        if unit.kind != OrgKind.UNIT or unit.status != OrgStatus.APPROVED:
            raise ValidationError({"unit": _("该单位尚未通过审核，暂不能选择。")})
        failed = mobile_code_use(purpose=MobileCodePurpose.REGISTER, mobile=mobile, code=code)
        user = None
        if failed is None:
            user = person_register(
                real_name=real_name, id_number=id_number, mobile=mobile, password=password, email=email
            )
            if user is not None:
                Membership.objects.create(user=user, organization=unit, role=Role.APPLICANT)
    if failed:
        raise failed
    return user


@transaction.atomic
def join_request_create(*, user: User, unit: Organization) -> JoinRequest:
    """Someone with an account but no unit (removed from one, or changed jobs) asks to join one;
    they become its applicant only when its HR officer agrees (join_request_decide)."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    unit = Organization.objects.select_for_update().get(pk=unit.pk)
    if unit.kind != OrgKind.UNIT or unit.status != OrgStatus.APPROVED:
        raise ValidationError({"unit": _("该单位尚未通过审核，暂不能选择。")})
    if Membership.objects.active().filter(user=user, role=Role.APPLICANT).exists():
        raise ValidationError({"unit": _("您已属于一个工作单位；如需调整，请先由原单位经办人将您移出。")})
    if JoinRequest.objects.filter(user=user, status=JoinStatus.PENDING).exists():
        raise ValidationError({"unit": _("您已有一份待审核的加入申请；如需改选单位，请先撤回。")})
    return JoinRequest.objects.create(user=user, organization=unit)


@transaction.atomic
def join_request_withdraw(*, join_request: JoinRequest, user: User) -> None:
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.user_id != user.pk:
        raise PermissionDenied
    if join_request.status != JoinStatus.PENDING:
        raise ValidationError(_("该申请已处理，不能撤回。"))
    join_request.status = JoinStatus.WITHDRAWN
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_at"])


@transaction.atomic
def join_request_decide(*, join_request: JoinRequest, by: User, approve: bool) -> JoinRequest:
    """The unit's HR officer agrees (the person becomes the unit's applicant) or declines."""
    join_request = JoinRequest.objects.select_for_update().select_related("organization").get(pk=join_request.pk)
    if not permissions.can_manage_unit(by, join_request.organization):
        raise PermissionDenied
    if join_request.status != JoinStatus.PENDING:
        raise ValidationError(_("该申请已处理。"))
    User.objects.select_for_update().filter(pk=join_request.user_id).first()
    if approve:
        if Membership.objects.active().filter(user_id=join_request.user_id, role=Role.APPLICANT).exists():
            raise ValidationError(_("该人员已属于其他单位。"))
        Membership.objects.create(
            user_id=join_request.user_id, organization=join_request.organization, role=Role.APPLICANT
        )
    join_request.status = JoinStatus.APPROVED if approve else JoinStatus.REJECTED
    join_request.decided_at = timezone.now()
    join_request.decided_by = by
    join_request.save(update_fields=["status", "decided_at", "decided_by"])
    audit.record(actor=by, action=AuditAction.JOIN_DECIDE, subject=join_request.user, obj=join_request)
    return join_request


def unit_register(
    *,
    code: str,
    name: str,
    credit_code: str,
    region,
    parent: Organization,
    address: str,
    phone: str,
    officer_real_name: str,
    officer_id_number: str,
    officer_mobile: str,
    officer_password: str,
    officer_email: str = "",
) -> tuple[Organization, bool]:
    """A unit registers itself with its HR officer's account (mobile proven by `code`) and waits
    for its supervisor. Returns (unit, saved): when the officer's ID number or mobile already has
    an account, nothing is saved (the holder is told by SMS) and the unsaved unit is returned so
    that the caller answers exactly as on success. Raises ValidationError keyed by field."""
    if parent.kind != OrgKind.DEPARTMENT or parent.status != OrgStatus.APPROVED:
        raise ValidationError({"parent": _("请选择有效的主管部门。")})
    unit = Organization(
        kind=OrgKind.UNIT,
        name=name.strip(),
        credit_code=normalize_credit_code(credit_code),
        region=region,
        parent=parent,
        address=address,
        phone=phone,
        contact_person=officer_real_name,
    )
    with transaction.atomic():
        failed = mobile_code_use(purpose=MobileCodePurpose.REGISTER, mobile=officer_mobile, code=code)
        officer = None
        if failed is None:
            officer = person_register(
                real_name=officer_real_name,
                id_number=officer_id_number,
                mobile=officer_mobile,
                password=officer_password,
                email=officer_email,
            )
            if officer is not None:  # no unit without its officer
                unit.save()
                Membership.objects.create(user=officer, organization=unit, role=Role.UNIT_HR)
    if failed:
        raise failed
    return unit, officer is not None


@transaction.atomic
def unit_register_by_account(
    *, user: User, name: str, credit_code: str, region, parent: Organization, address: str, phone: str
) -> Organization:
    """An HR officer who already has an account (e.g. as an applicant) registers their unit and
    becomes its officer; the unit waits for its supervisor like any other. Raises ValidationError
    keyed by field."""
    if parent.kind != OrgKind.DEPARTMENT or parent.status != OrgStatus.APPROVED:
        raise ValidationError({"parent": _("请选择有效的主管部门。")})
    User.objects.select_for_update().filter(pk=user.pk).first()
    unit = Organization.objects.create(
        kind=OrgKind.UNIT,
        name=name.strip(),
        credit_code=normalize_credit_code(credit_code),
        region=region,
        parent=parent,
        address=address,
        phone=phone,
        contact_person=user.real_name,
    )
    Membership.objects.create(user=user, organization=unit, role=Role.UNIT_HR)
    return unit


def _locked_unit(unit: Organization) -> Organization:
    return Organization.objects.select_for_update().get(pk=unit.pk)


@transaction.atomic
def unit_approve(*, unit: Organization, by: User) -> Organization:
    unit = _locked_unit(unit)
    if not permissions.can_review_unit(by, unit):
        raise PermissionDenied
    if not can_proceed(unit.approve):
        raise ValidationError(_("该单位当前状态为“%(s)s”，不能重复审核。") % {"s": unit.get_status_display()})
    unit.approve(by=by)
    unit.save()
    unit_reviewed(unit, purpose="unit_approved")
    return unit


@transaction.atomic
def unit_reject(*, unit: Organization, by: User, reason: str) -> Organization:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写不通过的理由。")})
    unit = _locked_unit(unit)
    if not permissions.can_review_unit(by, unit):
        raise PermissionDenied
    if not can_proceed(unit.reject):
        raise ValidationError(_("该单位当前状态为“%(s)s”，不能重复审核。") % {"s": unit.get_status_display()})
    unit.reject(by=by, reason=reason)
    unit.save()
    unit_reviewed(unit, purpose="unit_rejected")
    return unit


@transaction.atomic
def unit_update(*, unit: Organization, by: User, name: str, address: str, phone: str) -> Organization:
    """The officer corrects the unit's details; a rejected unit goes back to its supervisor."""
    unit = _locked_unit(unit)
    if not permissions.can_manage_unit(by, unit):
        raise PermissionDenied
    name = name.strip()
    if name != unit.name:
        NameChange.objects.create(organization=unit, old_name=unit.name, new_name=name, changed_by=by)
        unit.name = name
    unit.address = address
    unit.phone = phone
    if can_proceed(unit.resubmit):
        unit.resubmit()
    unit.save()
    return unit


@transaction.atomic
def membership_end(*, membership: Membership, by: User) -> None:
    """Remove a person from a unit (the account stays; they can join another unit)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not permissions.can_manage_unit(by, membership.organization) or membership.user_id == by.pk:
        raise PermissionDenied
    membership.is_active = False
    membership.ended_at = timezone.now()
    membership.save(update_fields=["is_active", "ended_at"])
    audit.record(actor=by, action=AuditAction.STAFF_REMOVE, subject=membership.user, obj=membership)
