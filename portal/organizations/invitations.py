"""The person an organization above names to run a new organization (a unit's HR officer, a
department's reviewer): invited by SMS, they register as a unit's officer does at unit
registration (mobile proven by a code, ID number, password: accounts.services.person_register),
or accept with the account they already have. The role is theirs only then."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.models import MobileCodePurpose, User
from portal.accounts.services import mobile_code_use, person_register
from portal.audit import services as audit
from portal.audit.models import AuditAction
from portal.core.identity import normalize_mobile
from portal.notifications.services import sms_enqueue

from .models import Invitation, Membership, Organization
from .selectors import open_invitations_for


def invitation_create(*, organization: Organization, role: str, real_name: str, mobile: str, by: User) -> Invitation:
    """Record the invitation and text the person where to accept it (sent after the caller's
    transaction commits). Call inside the service that created `organization`."""
    invitation = Invitation.objects.create(
        organization=organization,
        role=role,
        real_name=real_name.strip(),
        mobile=normalize_mobile(mobile),
        created_by=by,
    )
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "%(creator)s已在职称申报平台创建“%(org)s”，并指定您（%(name)s）为%(role)s。请用本手机号码打开 %(url)s "
            "注册账号并接受；已有账号的请登录后打开该页面。"
        ) % {
            "creator": by.real_name,
            "org": organization.name,
            "name": invitation.real_name,
            "role": invitation.get_role_display(),
            "url": settings.PORTAL_BASE_URL.rstrip("/") + reverse("organizations:invitation"),
        }
    sms_enqueue(mobile=invitation.mobile, text=text, purpose="invitation")
    return invitation


def _accept(invitation: Invitation, user: User) -> None:
    if (
        not Membership.objects.active()
        .filter(user=user, organization=invitation.organization, role=invitation.role)
        .exists()
    ):
        Membership.objects.create(user=user, organization=invitation.organization, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(actor=user, action=AuditAction.INVITATION_ACCEPT, subject=user, obj=invitation)


def invitation_register(
    *, code: str, real_name: str, id_number: str, mobile: str, password: str, email: str = ""
) -> User | None:
    """Someone invited registers with the invited mobile, proven by `code`, and takes every open
    invitation to it. Returns None, creating nothing, when the ID number already has an account
    (its holder is told by SMS, as at any registration); the caller answers as on success. Raises
    ValidationError keyed by field (a wrong code is counted even then)."""
    with transaction.atomic():
        failed = mobile_code_use(purpose=MobileCodePurpose.REGISTER, mobile=mobile, code=code)
        user = None
        if failed is None:
            invitations = list(open_invitations_for(mobile).select_for_update(of=("self",)))
            if not invitations:
                failed = ValidationError(
                    {"mobile": _("该手机号码没有待接受的邀请。请核对手机号码，或联系为您创建单位的主管部门。")}
                )
            else:
                user = person_register(
                    real_name=real_name, id_number=id_number, mobile=mobile, password=password, email=email
                )
                for invitation in invitations if user is not None else []:
                    _accept(invitation, user)
    if failed:
        raise failed
    return user


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Invitation:
    """The invited person, logged in with the account that has the invited mobile, accepts."""
    invitation = Invitation.objects.select_for_update().select_related("organization").get(pk=invitation.pk)
    if normalize_mobile(invitation.mobile) != normalize_mobile(user.mobile):
        raise PermissionDenied
    if invitation.accepted_at is not None:
        raise ValidationError(_("该邀请已接受。"))
    _accept(invitation, user)
    return invitation
