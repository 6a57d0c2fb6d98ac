"""A committee session with a pool big enough for a ten-member sitting, and its meeting's steps."""

from applications.models import State
from portal.organizations.models import Role
from reviews import draws, meetings
from reviews.models import BallotChoice, Expert, SessionExpert, SessionExpertStatus
from tests.factories import UnitFactory, member
from tests.workflow_helpers import at, user


def grow_pool(committee, count: int) -> list[Expert]:
    """`count` more experts in the committee's pool, working at a unit of no applicant."""
    unit = UnitFactory()
    level = committee.levels.order_by("id").first()
    return [
        Expert.objects.create(
            organizer=committee.organizer,
            user=(person := member(Role.COMMITTEE_EXPERT, unit)),
            series=committee.series,
            level=level,
            unit=unit,
            region=unit.region,
            mobile=person.mobile,
            added_by=user("committee_office"),
        )
        for _ in range(count)
    ]


def sitting(size: int = 10, application=None):
    """A session of `size` drawn experts over one application at committee review."""
    application = application or at(State.COMMITTEE_REVIEW, "evaluation")
    office = user("committee_office")
    grow_pool(application.committee, max(size - 6, 0))
    session = draws.session_create(committee=application.committee, year=2026, experts_to_draw=size, by=office)
    draws.expert_draw(session_id=session.pk, by=office)
    return session


def roll(session):
    return list(SessionExpert.objects.filter(session=session, status=SessionExpertStatus.DRAWN).order_by("id"))


def attend(session, present: int):
    """The first `present` drawn members attend, the others are absent; returns those present."""
    members = roll(session)
    meetings.attendance_record(
        session_id=session.pk, by=user("committee_office"), present_ids=[m.pk for m in members[:present]]
    )
    return members[:present]


def vote(session, application, present_members, votes_for: int, votes_against: int = 0):
    """Each present member votes on their own account: `votes_for` 同意, then `votes_against`
    不同意, the rest 弃权."""
    for index, member_row in enumerate(present_members):
        choice = (
            BallotChoice.FOR
            if index < votes_for
            else BallotChoice.AGAINST
            if index < votes_for + votes_against
            else BallotChoice.ABSTAIN
        )
        meetings.ballot_cast(
            session_id=session.pk, application_id=application.pk, by=member_row.expert.user, choice=choice
        )
