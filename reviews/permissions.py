"""Who reviews what. Each review stage belongs to one role, scoped to an organization:
unit HR officers their unit's staff, department reviewers their units, window staff and bureau
approvers the applications from their region (and the regions below it)."""

from applications.models import State
from portal.organizations.models import Membership, OrgKind, Region, Role

STAGE_ROLE = {
    State.UNIT_REVIEW: Role.UNIT_HR,
    State.UNIT_NOTICE: Role.UNIT_HR,
    State.DEPARTMENT_REVIEW: Role.DEPT_REVIEWER,
    State.WINDOW_INTAKE: Role.WINDOW_STAFF,
    State.BUREAU_APPROVAL: Role.BUREAU_APPROVER,
    State.COMMITTEE_REVIEW: Role.BUREAU_APPROVER,
}
REVIEWER_ROLES = (Role.UNIT_HR, Role.DEPT_REVIEWER, Role.WINDOW_STAFF, Role.BUREAU_APPROVER)


def reviewer_memberships(user) -> list[Membership]:
    """The user's reviewer memberships (cached on the user object for the request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_reviewer_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.active()
            .filter(user=user, role__in=REVIEWER_ROLES)
            .select_related("organization", "organization__region")
        )
        user._reviewer_memberships = cached
    return cached


def region_chain(region: Region | None) -> set[int]:
    """The region and all its ancestors."""
    ids = set()
    while region is not None and region.pk not in ids:
        ids.add(region.pk)
        region = region.parent
    return ids


def region_subtree_ids(region_ids: set[int]) -> set[int]:
    """The regions and every region below them (the hierarchy is a few levels deep)."""
    found, frontier = set(region_ids), set(region_ids)
    while frontier:
        frontier = set(Region.objects.filter(parent__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def in_scope(membership: Membership, application) -> bool:
    org = membership.organization
    unit = application.unit
    if membership.role == Role.UNIT_HR:
        return org.pk == unit.pk
    if membership.role == Role.DEPT_REVIEWER:
        return org.pk == unit.parent_id
    if membership.role in (Role.WINDOW_STAFF, Role.BUREAU_APPROVER):
        expected = OrgKind.WINDOW if membership.role == Role.WINDOW_STAFF else OrgKind.BUREAU
        return org.kind == expected and org.region_id in region_chain(unit.region)
    return False


def can_act_on_stage(user, application, stage: str) -> bool:
    """The stage's reviewer in scope, and never on their own application (an HR officer who
    applies is reviewed by someone else)."""
    role = STAGE_ROLE.get(stage)
    if role is None or application.state != stage or application.applicant_id == user.pk:
        return False
    return any(m.role == role and in_scope(m, application) for m in reviewer_memberships(user))


def acting_membership(user, application) -> Membership | None:
    role = STAGE_ROLE.get(application.state)
    return next((m for m in reviewer_memberships(user) if m.role == role and in_scope(m, application)), None)


def can_view_as_reviewer(user, application) -> bool:
    """Reviewers see filed applications of their scope, at any stage (never someone's first draft)."""
    if application.submitted_at is None:
        return False
    return any(in_scope(m, application) for m in reviewer_memberships(user))


def can_record_offline(user, application) -> bool:
    """Window staff enter offline-only items for people of their region."""
    return any(m.role == Role.WINDOW_STAFF and in_scope(m, application) for m in reviewer_memberships(user))
