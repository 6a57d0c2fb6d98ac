"""Reads pages need, already scoped to what the user may see."""

from django.db.models import Prefetch, Q, QuerySet

from portal.accounts.models import User
from portal.core.identity import normalize_mobile

from .models import Invitation, JoinRequest, JoinStatus, Membership, Organization, OrgStatus, Region, Role
from .permissions import bureaus_of, is_admin
from .scope import region_subtree_ids


def units_for_review(user, *, status: str | None = OrgStatus.PENDING) -> QuerySet[Organization]:
    """Units whose registration this user reviews: those under the departments they work for."""
    qs = Organization.objects.units().select_related("region", "parent", "reviewed_by")
    if not is_admin(user):
        departments = Membership.objects.active().filter(user=user, role=Role.DEPT_REVIEWER).values("organization")
        qs = qs.filter(parent__in=departments)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "id").prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.active().filter(role=Role.UNIT_HR).select_related("user"),
            to_attr="officer_memberships",
        )
    )


def approved_units(*, query: str = "") -> QuerySet[Organization]:
    qs = Organization.objects.units().approved().select_related("region")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(credit_code__iexact=query.strip()))
    return qs.order_by("name")


def supervising_departments() -> QuerySet[Organization]:
    return Organization.objects.departments().approved().select_related("region").order_by("region__code", "name")


def units_managed_by(user) -> QuerySet[Organization]:
    qs = Organization.objects.units().select_related("region", "parent")
    if is_admin(user):
        return qs
    return qs.filter(memberships__user=user, memberships__role=Role.UNIT_HR, memberships__is_active=True)


def unit_staff(unit: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .filter(organization=unit, role__in=[Role.APPLICANT, Role.UNIT_HR])
        .select_related("user")
        .order_by("role", "user__real_name")
    )


def pending_join_requests(unit: Organization) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(organization=unit, status=JoinStatus.PENDING)
        .select_related("user")
        .order_by("created_at", "id")
    )


def pending_join_request_of(user) -> JoinRequest | None:
    return JoinRequest.objects.filter(user=user, status=JoinStatus.PENDING).select_related("organization").first()


def memberships_of(user) -> QuerySet[Membership]:
    return Membership.objects.active().filter(user=user).select_related("organization", "organization__region")


def applicant_unit(user: User) -> Organization | None:
    membership = memberships_of(user).filter(role=Role.APPLICANT).first()
    return membership.organization if membership else None


def regions_shaped_by(user) -> QuerySet[Region]:
    """The regions a bureau approver may create regions and departments in: their bureaus'
    regions and every region below them (an admin: all)."""
    qs = Region.objects.select_related("parent")
    if not is_admin(user):
        qs = qs.filter(pk__in=region_subtree_ids({b.region_id for b in bureaus_of(user)}))
    return qs.order_by("code", "name", "id")


def departments_shaped_by(user) -> QuerySet[Organization]:
    """The supervising departments in those regions, each with its reviewers and open invitations."""
    return (
        Organization.objects.departments()
        .filter(region__in=regions_shaped_by(user))
        .select_related("region", "parent", "reviewed_by")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.active().filter(role=Role.DEPT_REVIEWER).select_related("user"),
                to_attr="reviewer_memberships",
            ),
            Prefetch(
                "invitations", queryset=Invitation.objects.filter(accepted_at__isnull=True), to_attr="open_invitations"
            ),
        )
        .order_by("status", "region__code", "name", "id")
    )


def units_created_under(department: Organization) -> QuerySet[Organization]:
    """The department's subordinate units, newest first, with their officers and open invitations."""
    return (
        Organization.objects.units()
        .filter(parent=department)
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.active().filter(role=Role.UNIT_HR).select_related("user"),
                to_attr="officer_memberships",
            ),
            Prefetch(
                "invitations", queryset=Invitation.objects.filter(accepted_at__isnull=True), to_attr="open_invitations"
            ),
        )
        .order_by("-created_at", "-id")
    )


def open_invitations_for(mobile: str) -> QuerySet[Invitation]:
    """Invitations to this mobile not yet accepted (the mobile compared by its blind index)."""
    return (
        Invitation.objects.filter(mobile=normalize_mobile(mobile), accepted_at__isnull=True)
        .select_related("organization", "created_by")
        .order_by("created_at", "id")
    )


def regions_of(organization: Organization) -> QuerySet[Region]:
    """The organization's region and those below it (where a department's units may be)."""
    return Region.objects.filter(pk__in=region_subtree_ids({organization.region_id})).order_by("code", "name", "id")
