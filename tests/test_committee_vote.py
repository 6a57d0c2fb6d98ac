"""The committee's vote as 人社部令第40号 has it: a sitting needs ⅔ of its members present, a file
passes with ⅔ of those present in favour, and the counts must add up to those present. The
thresholds are data per committee and are kept with the result."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import Application, State
from reviews import services as review_services
from tests.workflow_helpers import at, user

pytestmark = pytest.mark.django_db


def record(application, **counts):
    return review_services.committee_record(
        application_id=application.pk, user=user("bureau_approver"), opinion="", **counts
    )


@pytest.fixture
def at_committee(demo):
    return at(State.COMMITTEE_REVIEW, "evaluation")


def test_six_of_ten_present_fails(at_committee):
    """A simple majority (6 for, 4 against) is not ⅔ of those present."""
    application = record(at_committee, members=10, present=10, votes_for=6, votes_against=4, abstentions=0)
    assert application.state == State.FAILED
    assert application.committee_result.passed is False


def test_seven_of_ten_present_passes(at_committee):
    application = record(at_committee, members=10, present=10, votes_for=7, votes_against=3, abstentions=0)
    assert application.state == State.RESULT_NOTICE


@pytest.mark.parametrize(
    ("present", "votes_for", "passed"),
    [(9, 6, True), (9, 5, False), (8, 6, True), (8, 5, False), (7, 5, True), (7, 4, False)],
)
def test_two_thirds_of_those_present_in_integers(at_committee, present, votes_for, passed):
    application = record(
        at_committee, members=10, present=present, votes_for=votes_for, votes_against=present - votes_for, abstentions=0
    )
    assert application.committee_result.passed is passed


def test_an_abstention_counts_as_present_but_not_in_favour(at_committee):
    application = record(at_committee, members=9, present=9, votes_for=5, votes_against=1, abstentions=3)
    assert application.state == State.FAILED


@pytest.mark.parametrize(("members", "present"), [(10, 6), (11, 7), (25, 16)])
def test_without_quorum_the_result_is_refused_at_present(at_committee, members, present):
    with pytest.raises(ValidationError) as refused:
        record(at_committee, members=members, present=present, votes_for=present, votes_against=0, abstentions=0)
    assert "present" in refused.value.message_dict
    assert "三分之二" in " ".join(refused.value.message_dict["present"])
    assert Application.objects.get(pk=at_committee.pk).state == State.COMMITTEE_REVIEW
    assert not hasattr(Application.objects.get(pk=at_committee.pk), "committee_result")


@pytest.mark.parametrize(("members", "present"), [(10, 7), (11, 8), (25, 17), (3, 2)])
def test_two_thirds_present_is_a_quorum(at_committee, members, present):
    application = record(
        at_committee, members=members, present=present, votes_for=present, votes_against=0, abstentions=0
    )
    assert application.state == State.RESULT_NOTICE


@pytest.mark.parametrize(
    "counts",
    [
        {"members": 10, "present": 10, "votes_for": 7, "votes_against": 2, "abstentions": 0},
        {"members": 10, "present": 8, "votes_for": 7, "votes_against": 2, "abstentions": 0},
        {"members": 10, "present": 11, "votes_for": 11, "votes_against": 0, "abstentions": 0},
        {"members": 0, "present": 0, "votes_for": 0, "votes_against": 0, "abstentions": 0},
    ],
    ids=["fewer-ballots", "more-ballots", "more-present-than-members", "no-members"],
)
def test_counts_that_do_not_add_up_are_refused(at_committee, counts):
    with pytest.raises(ValidationError):
        record(at_committee, **counts)
    assert Application.objects.get(pk=at_committee.pk).state == State.COMMITTEE_REVIEW


def test_thresholds_are_the_committees_and_are_kept_with_the_result(at_committee):
    committee = at_committee.committee
    committee.pass_numerator, committee.pass_denominator = 3, 4
    committee.save()
    application = record(at_committee, members=10, present=8, votes_for=5, votes_against=3, abstentions=0)
    # 5 of 8 clears ⅔ (5.33…) but not ¾ (6).
    assert application.state == State.FAILED
    result = application.committee_result
    assert (result.members, result.present) == (10, 8)
    assert (result.quorum_numerator, result.quorum_denominator) == (2, 3)
    assert (result.pass_numerator, result.pass_denominator) == (3, 4)
    committee.pass_numerator, committee.pass_denominator = 2, 3
    committee.save()
    result.refresh_from_db()
    assert (result.pass_numerator, result.pass_denominator) == (3, 4)


def test_the_audit_record_names_members_and_present(at_committee):
    application = record(at_committee, members=11, present=9, votes_for=6, votes_against=2, abstentions=1)
    opinion = application.records.order_by("-pk").first().opinion
    assert "应到11人" in opinion and "实到9人" in opinion and "赞成6票" in opinion


def test_the_review_page_says_the_rule_and_refuses_a_sitting_without_quorum_at_present(as_role, at_committee):
    client = as_role("bureau_approver")
    page = client.get(reverse("reviews:detail", args=[at_committee.pk])).content.decode()
    assert 'id="members"' in page and 'id="present"' in page and "三分之二" in page
    response = client.post(
        reverse("reviews:decide", args=[at_committee.pk]),
        {
            "step": "committee_conclude",
            "expected_state": State.COMMITTEE_REVIEW,
            "members": "10",
            "present": "6",
            "votes_for": "6",
            "votes_against": "0",
            "abstentions": "0",
            "opinion": "会议记录",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    error = html[html.index('id="present_error"') :][:300]
    assert "不足应到10人的三分之二（至少7人）" in error
    assert 'value="6"' in html and "会议记录" in html
    assert Application.objects.get(pk=at_committee.pk).state == State.COMMITTEE_REVIEW
