"""The meeting and its secret vote (人社部令第40号): roll call, quorum before the vote opens, one
ballot per present expert and file on their own account (or on paper through the office), no
proxy, nothing after the close, the configured threshold (6 of 10 fails, 7 of 10 passes), the
chair's sign-off concluding each file, and ballots nobody can trace to a voter."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from applications.models import State
from reviews import draws, meetings, online
from reviews.models import (
    Ballot,
    BallotChoice,
    BallotReceipt,
    CommitteeResult,
    ExpertConflict,
    SessionEvent,
    SessionExpertStatus,
)
from tests.meeting_helpers import attend, roll, sitting, vote
from tests.workflow_helpers import at, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(demo):
    return sitting(10)


def the_application(session):
    return session.applications.get()


def office():
    return user("committee_office")


def close_and_sign(session, by=None):
    meetings.vote_close(session_id=session.pk, by=office())
    return meetings.vote_sign(session_id=session.pk, by=by or office())


def test_the_vote_needs_the_roll_call_first(session):
    with pytest.raises(ValidationError, match="签到"):
        meetings.vote_open(session_id=session.pk, by=office())


@pytest.mark.parametrize(("present", "short"), [(6, 1), (3, 4), (0, 7)])
def test_without_quorum_the_vote_does_not_open_and_the_shortfall_is_named(session, present, short):
    attend(session, present)
    with pytest.raises(ValidationError) as refused:
        meetings.vote_open(session_id=session.pk, by=office())
    message = " ".join(refused.value.messages)
    assert f"实到委员{present}人" in message and "至少7人" in message and f"尚缺{short}人" in message
    session.refresh_from_db()
    assert session.vote_opened_at is None


def test_seven_of_ten_present_is_a_quorum(session):
    attend(session, 7)
    meetings.vote_open(session_id=session.pk, by=office())
    session.refresh_from_db()
    assert session.vote_opened_at is not None
    assert SessionEvent.objects.filter(session=session, action=meetings.VOTE_OPEN).exists()


def test_the_roll_call_is_fixed_once_the_vote_opens(session):
    attend(session, 10)
    meetings.vote_open(session_id=session.pk, by=office())
    with pytest.raises(ValidationError, match="不能再修改签到"):
        attend(session, 7)


def test_six_of_ten_fails(session):
    present = attend(session, 10)
    meetings.vote_open(session_id=session.pk, by=office())
    vote(session, the_application(session), present, votes_for=6, votes_against=4)
    [application] = close_and_sign(session)
    assert application.state == State.FAILED
    result = CommitteeResult.objects.get(application=application)
    assert (result.present, result.votes_for, result.votes_against, result.passed) == (10, 6, 4, False)
    assert result.session == session


def test_seven_of_ten_passes_onto_the_result_notice(session):
    present = attend(session, 10)
    meetings.vote_open(session_id=session.pk, by=office())
    vote(session, the_application(session), present, votes_for=7, votes_against=2)
    [application] = close_and_sign(session)
    assert application.state == State.RESULT_NOTICE
    result = application.committee_result
    assert (result.votes_for, result.votes_against, result.abstentions, result.passed) == (7, 2, 1, True)
    assert (result.pass_numerator, result.pass_denominator) == (2, 3)


def test_the_threshold_is_the_committees(session):
    """A committee configured at ¾: 7 of 10 is then not enough."""
    committee = session.committee
    committee.pass_numerator, committee.pass_denominator = 3, 4
    committee.save()
    present = attend(session, 10)
    meetings.vote_open(session_id=session.pk, by=office())
    vote(session, the_application(session), present, votes_for=7, votes_against=3)
    [application] = close_and_sign(session)
    assert application.state == State.FAILED


def test_a_voter_who_does_not_vote_is_not_in_favour(session):
    """Seven present, four vote 同意, three never vote: ⅔ of 7 needs 5."""
    present = attend(session, 7)
    meetings.vote_open(session_id=session.pk, by=office())
    vote(session, the_application(session), present[:4], votes_for=4)
    [tally] = meetings.tallies(session)
    assert (tally.present, tally.cast, tally.not_cast, tally.needed, tally.passed) == (7, 4, 3, 5, False)


def test_one_ballot_each_and_none_for_the_absent(session):
    present = attend(session, 8)
    absent = roll(session)[8]
    application = the_application(session)
    meetings.vote_open(session_id=session.pk, by=office())
    voter = present[0].expert.user
    meetings.ballot_cast(session_id=session.pk, application_id=application.pk, by=voter, choice=BallotChoice.FOR)
    with pytest.raises(ValidationError, match="不能重复投票"):
        meetings.ballot_cast(
            session_id=session.pk, application_id=application.pk, by=voter, choice=BallotChoice.AGAINST
        )
    with pytest.raises(ValidationError, match="未出席"):
        meetings.ballot_cast(
            session_id=session.pk, application_id=application.pk, by=absent.expert.user, choice=BallotChoice.FOR
        )
    # No proxy: the office enters a paper ballot only for a present expert, once.
    with pytest.raises(ValidationError, match="未出席"):
        meetings.ballot_cast(
            session_id=session.pk,
            application_id=application.pk,
            by=office(),
            member_id=absent.pk,
            choice=BallotChoice.FOR,
        )
    with pytest.raises(ValidationError, match="不能重复投票"):
        meetings.ballot_cast(
            session_id=session.pk,
            application_id=application.pk,
            by=office(),
            member_id=present[0].pk,
            choice=BallotChoice.FOR,
        )
    meetings.ballot_cast(
        session_id=session.pk,
        application_id=application.pk,
        by=office(),
        member_id=present[1].pk,
        choice=BallotChoice.AGAINST,
    )
    assert BallotReceipt.objects.get(member=present[1]).on_paper is True
    assert Ballot.objects.filter(session=session).count() == 2
    # Someone who is not drawn has no ballot, whatever they try.
    with pytest.raises(ValidationError, match="不是本次会议的评审专家"):
        meetings.ballot_cast(
            session_id=session.pk, application_id=application.pk, by=user("bureau_approver"), choice="for"
        )
    with pytest.raises(ValidationError, match="无权"):
        meetings.ballot_cast(
            session_id=session.pk,
            application_id=application.pk,
            by=user("bureau_approver"),
            member_id=present[2].pk,
            choice="for",
        )


def test_the_database_refuses_a_second_receipt(session):
    present = attend(session, 7)
    meetings.vote_open(session_id=session.pk, by=office())
    application = the_application(session)
    BallotReceipt.objects.create(member=present[0], application=application, recorded_by=office())
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotReceipt.objects.create(member=present[0], application=application, recorded_by=office())


def test_a_bad_choice_is_refused_at_the_field(session):
    present = attend(session, 7)
    meetings.vote_open(session_id=session.pk, by=office())
    with pytest.raises(ValidationError) as refused:
        meetings.ballot_cast(
            session_id=session.pk, application_id=the_application(session).pk, by=present[0].expert.user, choice="yes"
        )
    assert "choice" in refused.value.message_dict


def test_no_ballot_before_the_vote_opens_or_after_it_closes(session):
    present = attend(session, 7)
    application = the_application(session)
    with pytest.raises(ValidationError, match="尚未开始"):
        meetings.ballot_cast(
            session_id=session.pk, application_id=application.pk, by=present[0].expert.user, choice="for"
        )
    meetings.vote_open(session_id=session.pk, by=office())
    meetings.vote_close(session_id=session.pk, by=office())
    with pytest.raises(ValidationError, match="表决已经结束"):
        meetings.ballot_cast(
            session_id=session.pk, application_id=application.pk, by=present[0].expert.user, choice="for"
        )
    assert not Ballot.objects.exists()
    with pytest.raises(ValidationError, match="不能重复结束"):
        meetings.vote_close(session_id=session.pk, by=office())


def test_a_recused_expert_has_no_ballot_on_that_file(session):
    present = attend(session, 10)
    application = the_application(session)
    ExpertConflict.objects.create(
        expert=present[0].expert, application=application, note="申报人的配偶", declared_by=office()
    )
    meetings.vote_open(session_id=session.pk, by=office())
    with pytest.raises(ValidationError, match="回避"):
        meetings.ballot_cast(
            session_id=session.pk, application_id=application.pk, by=present[0].expert.user, choice="for"
        )
    assert meetings.ballot_sheet(present[0].expert.user, session) == [(application, "recused")]
    # The file's voters are the nine others: 6 of 9 is ⅔.
    vote(session, application, present[1:], votes_for=6, votes_against=3)
    [tally] = meetings.tallies(session)
    assert (tally.present, tally.votes_for, tally.passed) == (9, 6, True)


def test_an_expert_who_is_an_applicant_never_sees_or_votes_on_their_own_file(demo):
    application = at(State.COMMITTEE_REVIEW, "evaluation")
    session = sitting(10, application=application)
    present = attend(session, 10)
    # The expert turns out to be the applicant (the account was merged after the draw).
    drawn = present[0].expert
    type(drawn).objects.filter(pk=drawn.pk).update(user=application.applicant)
    online.online_review_open(session_id=session.pk, by=office())
    assert not online.assignments_of(application.applicant).filter(application=application).exists()
    meetings.vote_open(session_id=session.pk, by=office())
    assert meetings.ballot_sheet(application.applicant, session) == []
    with pytest.raises(ValidationError, match="回避"):
        meetings.ballot_cast(
            session_id=session.pk, application_id=application.pk, by=application.applicant, choice="for"
        )
    with pytest.raises(ValidationError, match="申报人不能担任主任委员"):
        meetings.chair_designate(session_id=session.pk, by=office(), member_id=present[0].pk)


def test_the_chair_signs_and_only_the_chair_or_the_office(session):
    present = attend(session, 10)
    meetings.chair_designate(session_id=session.pk, by=office(), member_id=present[3].pk)
    meetings.vote_open(session_id=session.pk, by=office())
    vote(session, the_application(session), present, votes_for=8, votes_against=2)
    with pytest.raises(ValidationError, match="请先结束表决"):
        meetings.vote_sign(session_id=session.pk, by=present[3].expert.user)
    meetings.vote_close(session_id=session.pk, by=office())
    for someone in (present[4].expert.user, user("bureau_approver"), user("applicant")):
        with pytest.raises(ValidationError, match="只有主任委员"):
            meetings.vote_sign(session_id=session.pk, by=someone)
    [application] = meetings.vote_sign(session_id=session.pk, by=present[3].expert.user)
    assert application.state == State.RESULT_NOTICE
    record = application.records.get(action="committee")
    assert record.actor == present[3].expert.user and record.role == "committee_expert"
    # The drawn experts are secret from applicants and units: the chair's employer is not named.
    assert record.organization is None
    # The record names the outcome, never the counts (the applicant and the unit read it).
    assert "通过" in record.opinion and "8" not in record.opinion
    with pytest.raises(ValidationError, match="已签发"):
        meetings.vote_sign(session_id=session.pk, by=office())


def test_the_office_signs_when_no_chair_is_designated(session):
    present = attend(session, 7)
    meetings.vote_open(session_id=session.pk, by=office())
    vote(session, the_application(session), present, votes_for=7)
    [application] = close_and_sign(session)
    record = application.records.get(action="committee")
    assert record.role == "committee_office" and record.organization.name == "昆明市教育体育局"


def test_a_ballot_is_the_choice_alone(session):
    """Nothing in a ballot row names, orders or times its voter."""
    fields = {f.name for f in Ballot._meta.get_fields()}
    assert fields == {"id", "session", "application", "choice"}
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"
    present = attend(session, 7)
    meetings.vote_open(session_id=session.pk, by=office())
    vote(session, the_application(session), present, votes_for=5, votes_against=2)
    ballots = SessionEvent.objects.filter(session=session, action=meetings.BALLOT)
    assert ballots.count() == 7
    assert not [e.detail for e in ballots if "同意" in e.detail or "弃权" in e.detail]


def test_a_conflict_surfacing_after_the_draw_recuses_and_replaces_with_an_audit(demo):
    session = sitting(5)
    application = the_application(session)
    member = roll(session)[0]
    online.online_review_open(session_id=session.pk, by=office())
    draw = draws.conflict_surfaced(
        session_expert_id=member.pk, application_id=application.pk, note="申报人的导师", by=office()
    )
    member.refresh_from_db()
    assert member.status == SessionExpertStatus.DECLINED
    assert ExpertConflict.objects.filter(expert=member.expert, application=application, note="申报人的导师").exists()
    assert draw.replacing == member.expert and len(draw.drawn) == 1
    assert member.expert.pk not in draw.candidates
    replacement = session.experts.get(expert_id=draw.drawn[0])
    assert online.assignments_of(replacement.expert.user).filter(application=application).exists()
    event = SessionEvent.objects.get(session=session, action=meetings.CONFLICT)
    assert member.expert.user.real_name in event.detail and "申报人的导师" in event.detail
    assert replacement.expert.user.real_name in event.detail
    assert draws.draw_replay(draw)


def test_no_replacement_once_the_vote_has_opened(session):
    attend(session, 10)
    meetings.vote_open(session_id=session.pk, by=office())
    with pytest.raises(ValidationError, match="表决已经开始"):
        draws.conflict_surfaced(
            session_expert_id=roll(session)[0].pk,
            application_id=the_application(session).pk,
            note="同事",
            by=office(),
        )


def test_nobody_declines_once_the_vote_has_opened(demo):
    session = sitting(5)
    attend(session, 5)
    meetings.vote_open(session_id=session.pk, by=office())
    with pytest.raises(ValidationError, match="表决已经开始"):
        draws.expert_decline(session_expert_id=roll(session)[0].pk, by=office())
    assert session.experts.filter(status=SessionExpertStatus.DRAWN).count() == 5
