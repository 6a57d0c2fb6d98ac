"""The committee office's scope (评委会办事机构): the committees it organises, read from
`CommitteeOffice` through the user's active committee-office memberships; the administrator runs
every committee. Every session, pool and draw page and service asks here, so an office never
reaches another office's committee."""

from portal.catalog.models import Committee
from portal.organizations.models import Membership, Role

from .models import CommitteeSession


def _is_admin(user) -> bool:
    return Membership.objects.active().filter(user=user, role=Role.ADMIN).exists()


def office_committees(user):
    """The active committees the user's office organises (all of them for the administrator)."""
    if not user.is_authenticated:
        return Committee.objects.none()
    committees = Committee.objects.filter(is_active=True).exclude(organizer="")
    if _is_admin(user):
        return committees
    organizations = Membership.objects.active().filter(user=user, role=Role.COMMITTEE_OFFICE).values("organization")
    return committees.filter(offices__organization__in=organizations).distinct()


def is_office(user) -> bool:
    """Whether the user runs at least one committee (the office's pages open)."""
    return office_committees(user).exists()


def runs(user, committee) -> bool:
    return committee is not None and office_committees(user).filter(pk=committee.pk).exists()


def pools_of(user) -> list[str]:
    """The organisers (组建单位) whose expert pools the office keeps: those of its committees."""
    return sorted(set(office_committees(user).values_list("organizer", flat=True)))


def sessions_of(user):
    """The sessions of the office's committees, newest first."""
    return CommitteeSession.objects.filter(committee__in=office_committees(user)).select_related("committee")


def office_membership(user, committee) -> Membership | None:
    """The membership under which the user acts as the committee's office (for the audit record):
    their committee-office membership in an organisation that runs it (None for the admin)."""
    return (
        Membership.objects.active()
        .filter(user=user, role=Role.COMMITTEE_OFFICE, organization__committees_organised__committee=committee)
        .select_related("organization")
        .first()
    )
