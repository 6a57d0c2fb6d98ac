"""Two offices closing (or signing) the same vote at once, and a ballot racing the close, on
PostgreSQL (SQLite serialises writers, so it proves nothing there): one close, one result."""

import pytest

from applications.models import Application, State
from portal.organizations.models import Membership, Role
from reviews import meetings
from reviews.models import Ballot, CommitteeResult, SessionEvent
from tests.factories import UserFactory
from tests.meeting_helpers import attend, sitting, vote
from tests.test_workflow_concurrency import run_at_once
from tests.workflow_helpers import user

pytestmark = [pytest.mark.realstack("postgres"), pytest.mark.django_db(transaction=True)]


def second_office():
    """Another officer of the same committee office."""
    first = user("committee_office")
    other = UserFactory()
    Membership.objects.create(user=other, organization=first.memberships.get().organization, role=Role.COMMITTEE_OFFICE)
    return other


@pytest.fixture
def voted(demo):
    session = sitting(7)
    present = attend(session, 7)
    meetings.vote_open(session_id=session.pk, by=user("committee_office"))
    vote(session, session.applications.get(), present[:6], votes_for=5, votes_against=1)
    return session, present


def test_two_offices_closing_at_once_make_one_close(voted):
    session, _present = voted
    offices = [user("committee_office"), second_office()]
    results = run_at_once([lambda by=by: meetings.vote_close(session_id=session.pk, by=by) for by in offices])
    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["error", "ok"], results
    assert "不能重复结束" in str(next(value for kind, value in results if kind == "error"))
    assert SessionEvent.objects.filter(session=session, action=meetings.VOTE_CLOSE).count() == 1


def test_two_sign_offs_at_once_make_one_result(voted):
    session, _present = voted
    meetings.vote_close(session_id=session.pk, by=user("committee_office"))
    signers = [user("committee_office"), second_office()]
    results = run_at_once([lambda by=by: meetings.vote_sign(session_id=session.pk, by=by) for by in signers])
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    application = Application.objects.get(pk=session.applications.get().pk)
    assert application.state == State.RESULT_NOTICE
    assert CommitteeResult.objects.filter(application=application).count() == 1
    assert application.records.filter(action="committee").count() == 1


def test_a_ballot_racing_the_close_is_either_counted_or_refused(voted):
    session, present = voted
    application = session.applications.get()
    last = present[6].expert.user
    results = run_at_once(
        [
            lambda: meetings.ballot_cast(session_id=session.pk, application_id=application.pk, by=last, choice="for"),
            lambda: meetings.vote_close(session_id=session.pk, by=user("committee_office")),
        ]
    )
    ballot, close = results
    assert close[0] == "ok", results
    counted = Ballot.objects.filter(session=session).count()
    if ballot[0] == "ok":
        assert counted == 7
        closing = SessionEvent.objects.get(session=session, action=meetings.VOTE_CLOSE)
        assert "同意6" in closing.detail
    else:
        assert "表决已经结束" in str(ballot[1]) and counted == 6
