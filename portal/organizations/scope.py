"""The one scope rule: which employer units a reviewer membership covers.

Every reviewer role sees the applications (and certificates, notices, digests) of the units its
organization covers, by one table:

- a unit's HR officer: that unit;
- a supervising department's reviewer: the units directly below the department;
- window staff and bureau approvers: the units of the window's (bureau's) region and of every
  region below it, provided the membership's organization is of the kind the role belongs to.

The queryset filter (`units_q`), the object check (`covers`) and the reverse question (which
memberships cover a unit: `memberships_covering`) are built from that same table, so a page, a
button and a notification can never disagree about who is in scope.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Membership, OrgKind, Region, Role

# How a role's organization relates to the units it covers.
UNIT_ITSELF = "unit"
UNIT_PARENT = "parent"
REGION_TREE = "region"

SCOPE = {
    Role.UNIT_HR: (UNIT_ITSELF, OrgKind.UNIT),
    Role.DEPT_REVIEWER: (UNIT_PARENT, OrgKind.DEPARTMENT),
    Role.WINDOW_STAFF: (REGION_TREE, OrgKind.WINDOW),
    Role.BUREAU_APPROVER: (REGION_TREE, OrgKind.BUREAU),
}
REVIEWER_ROLES = tuple(SCOPE)


def reviewer_memberships(user) -> list[Membership]:
    """The user's active reviewer memberships (cached on the user object for the request)."""
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


def region_chain(region: Region | None) -> list[int]:
    """Ids of the region and all its ancestors, nearest first."""
    ids: list[int] = []
    while region is not None and region.pk not in ids:
        ids.append(region.pk)
        region = region.parent
    return ids


def region_subtree_ids(region_ids) -> set[int]:
    """The regions and every region below them (the hierarchy is a few levels deep)."""
    found = {pk for pk in region_ids if pk is not None}
    frontier = set(found)
    while frontier:
        frontier = set(Region.objects.filter(parent__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def _kind_matches(membership: Membership) -> bool:
    rule = SCOPE.get(membership.role)
    return rule is not None and membership.organization.kind == rule[1]


def units_q(membership: Membership, *, unit_field: str = "unit") -> Q:
    """A filter on a model whose `unit_field` is the employer unit: the units this membership covers."""
    if not _kind_matches(membership):
        return Q(pk__in=[])
    how = SCOPE[membership.role][0]
    org = membership.organization
    if how == UNIT_ITSELF:
        return Q(**{unit_field: org.pk})
    if how == UNIT_PARENT:
        return Q(**{f"{unit_field}__parent": org.pk})
    return Q(**{f"{unit_field}__region__in": region_subtree_ids({org.region_id})})


def covers(membership: Membership, unit) -> bool:
    """Whether this membership covers `unit` (the object check of `units_q`)."""
    if not _kind_matches(membership):
        return False
    how = SCOPE[membership.role][0]
    org = membership.organization
    if how == UNIT_ITSELF:
        return org.pk == unit.pk
    if how == UNIT_PARENT:
        return org.pk == unit.parent_id
    return org.region_id in region_chain(unit.region)


def memberships_covering(unit, *, roles=REVIEWER_ROLES) -> QuerySet[Membership]:
    """The active memberships of these roles whose scope includes `unit` (for notifications)."""
    query = Q(pk__in=[])
    for role in roles:
        how, kind = SCOPE[role]
        part = Q(role=role, organization__kind=kind)
        if how == UNIT_ITSELF:
            part &= Q(organization_id=unit.pk)
        elif how == UNIT_PARENT:
            part &= Q(organization_id=unit.parent_id)
        else:
            part &= Q(organization__region_id__in=region_chain(unit.region))
        query |= part
    return Membership.objects.active().filter(query)


def scope_q(user, *, roles=REVIEWER_ROLES, unit_field: str = "unit") -> Q | None:
    """The union of the user's memberships of these roles, or None when they hold none."""
    query = None
    for membership in reviewer_memberships(user):
        if membership.role in roles:
            part = units_q(membership, unit_field=unit_field)
            query = part if query is None else query | part
    return query
