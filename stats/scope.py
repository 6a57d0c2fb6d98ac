"""Whose applications a statistics reader counts: the units the bureau's or a department's queue
covers (portal.organizations.scope), and, for a committee office (评委会办事机构), the
applications before the committees it organises (reviews.CommitteeOffice). A user with both
counts the union.

The office's committees go into the query as a subquery, so scoping costs one query per request
(the user's office memberships, cached on the user) whatever the number of applications."""

from __future__ import annotations

from django.db.models import Q

from portal.organizations.models import Membership, Role
from portal.organizations.scope import scope_q
from reviews.models import CommitteeOffice

# The bureau (and its committee office) and the supervising departments: the offices that
# report on their region's or units' applications.
STATS_ROLES = (Role.BUREAU_APPROVER, Role.DEPT_REVIEWER)


def _office_organizations(user) -> list[int]:
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_stats_office_organizations", None)
    if cached is None:
        cached = list(
            Membership.objects.active()
            .filter(user=user, role=Role.COMMITTEE_OFFICE)
            .values_list("organization_id", flat=True)
        )
        user._stats_office_organizations = cached
    return cached


def office_q(user, *, prefix: str = "") -> Q | None:
    """The applications before the user's office's active committees, or None without an office."""
    organizations = _office_organizations(user)
    if not organizations:
        return None
    committees = (
        CommitteeOffice.objects.filter(organization__in=organizations, committee__is_active=True)
        .exclude(committee__organizer="")
        .values("committee_id")
    )
    return Q(**{f"{prefix}committee__in": committees})


def stats_q(user, *, prefix: str = "") -> Q | None:
    """The filter on a model that reaches the application through `prefix` ("" for the
    application itself, "application__" for its records and certificates), or None when the
    user reads no statistics."""
    parts = [
        part
        for part in (scope_q(user, roles=STATS_ROLES, unit_field=f"{prefix}unit"), office_q(user, prefix=prefix))
        if part is not None
    ]
    if not parts:
        return None
    query = parts[0]
    for part in parts[1:]:
        query |= part
    return query
