"""Who may do what with organizations. Views call these; they never decide on their own."""

from .models import Membership, Organization, OrgKind, OrgStatus, Region, Role
from .scope import region_chain


def _roles(user) -> set[tuple[int, str]]:
    if not user.is_authenticated:
        return set()
    cache = getattr(user, "_membership_cache", None)
    if cache is None:
        cache = set(Membership.objects.active().filter(user=user).values_list("organization_id", "role"))
        user._membership_cache = cache
    return cache


def is_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or any(role == Role.ADMIN for _, role in _roles(user)))


def has_role(user, role: str) -> bool:
    return any(r == role for _, r in _roles(user))


def can_review_unit(user, unit: Organization) -> bool:
    """The unit's supervising department (or an admin) approves or rejects its registration."""
    if unit.kind != OrgKind.UNIT:
        return False
    return is_admin(user) or (unit.parent_id, Role.DEPT_REVIEWER) in _roles(user)


def can_manage_unit(user, unit: Organization) -> bool:
    """The unit's HR officer manages its staff; admins may too."""
    return is_admin(user) or (unit.pk, Role.UNIT_HR) in _roles(user)


def can_manage_staff_member(user, member, unit: Organization) -> bool:
    if not can_manage_unit(user, unit):
        return False
    return Membership.objects.active().filter(user=member, organization=unit).exists()


def _resettable_by_officer(member, has_duties_elsewhere: bool) -> bool:
    return not (member.is_staff or member.is_superuser or has_duties_elsewhere)


def can_reset_password(user, member, unit: Organization) -> bool:
    """A unit's officer resets the passwords of people who are only the unit's staff.

    Someone who also works for a department, a window or the bureau (or may use the admin site)
    holds more than the unit can vouch for: an officer who could set their password could act
    in their name there. Their password is reset by an admin.
    """
    if not can_manage_staff_member(user, member, unit):
        return False
    if is_admin(user):
        return True
    elsewhere = Membership.objects.active().filter(user=member).exclude(organization=unit).exists()
    return _resettable_by_officer(member, elsewhere)


def staff_password_resettable(user, unit: Organization, members) -> set[int]:
    """The ids of these staff members whose password `user` may reset: one query for a whole list."""
    members = list(members)
    if not can_manage_unit(user, unit):
        return set()
    if is_admin(user):
        return {m.pk for m in members}
    elsewhere = set(
        Membership.objects.active()
        .filter(user__in=[m.pk for m in members])
        .exclude(organization=unit)
        .values_list("user_id", flat=True)
    )
    return {m.pk for m in members if _resettable_by_officer(m, m.pk in elsewhere)}


def _offices(user, role: str, kind: str) -> list[Organization]:
    """The approved organizations of this kind in which the user holds this role."""
    ids = [org_id for org_id, r in _roles(user) if r == role]
    return list(Organization.objects.filter(pk__in=ids, kind=kind, status=OrgStatus.APPROVED).select_related("region"))


def bureaus_of(user) -> list[Organization]:
    """The bureaus whose approver the user is: they shape the hierarchy of their region."""
    return _offices(user, Role.BUREAU_APPROVER, OrgKind.BUREAU)


def can_shape_hierarchy(user) -> bool:
    return is_admin(user) or bool(bureaus_of(user))


def bureau_covering(user, region: Region) -> Organization | None:
    """The user's bureau whose region is `region` or above it (None: out of the user's scope)."""
    chain = region_chain(region)
    return next((b for b in bureaus_of(user) if b.region_id in chain), None)


def can_manage_region(user, region: Region) -> bool:
    """A bureau creates regions, and departments in them, within its own region tree."""
    return is_admin(user) or bureau_covering(user, region) is not None


def can_approve_department(user, department: Organization) -> bool:
    return department.kind == OrgKind.DEPARTMENT and can_manage_region(user, department.region)


def can_create_units_under(user, department: Organization) -> bool:
    """创建下级单位: a department's reviewer creates units under that department only."""
    if department.kind != OrgKind.DEPARTMENT or department.status != OrgStatus.APPROVED:
        return False
    return is_admin(user) or (department.pk, Role.DEPT_REVIEWER) in _roles(user)
