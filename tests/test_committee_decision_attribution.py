"""The committee's decision in an application's history is the committee's (评审委员会): the unit
and the applicant read it attributed to the committee, never to a named chair (the drawn experts
are secret from them); the office's signer is named to the bureau and the administrator only."""

import pytest
from django.urls import reverse

from reviews import meetings
from tests.meeting_helpers import attend, sitting, vote
from tests.workflow_helpers import user

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_by_chair(demo):
    session = sitting(10)
    application = session.applications.get()
    present = attend(session, 10)
    office = user("committee_office")
    meetings.chair_designate(session_id=session.pk, by=office, member_id=present[3].pk)
    meetings.vote_open(session_id=session.pk, by=office)
    vote(session, application, present, votes_for=8, votes_against=2)
    meetings.vote_close(session_id=session.pk, by=office)
    meetings.vote_sign(session_id=session.pk, by=present[3].expert.user)
    return application, present[3].expert.user


def _history(page: str) -> str:
    start = page.index('id="history"')
    return page[start : page.index("</ol>", start)]


def test_the_unit_reads_the_decision_as_the_committees(client, signed_by_chair):
    application, chair = signed_by_chair
    client.force_login(user("unit_hr"))
    history = _history(client.get(reverse("reviews:detail", args=[application.pk])).content.decode())
    assert "评委会评审" in history
    assert chair.real_name not in history
    assert application.committee.name in history


def test_the_applicant_reads_the_decision_as_the_committees(client, signed_by_chair):
    application, chair = signed_by_chair
    client.force_login(application.applicant)
    history = _history(client.get(reverse("applications:timeline", args=[application.pk])).content.decode())
    assert chair.real_name not in history
    assert application.committee.name in history


def test_the_bureau_sees_who_signed(client, signed_by_chair):
    application, chair = signed_by_chair
    client.force_login(user("bureau_approver"))
    history = _history(client.get(reverse("reviews:detail", args=[application.pk])).content.decode())
    assert chair.real_name in history
