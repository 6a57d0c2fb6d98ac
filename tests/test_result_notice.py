"""The committee's result notice (评审结果公示, ≥5 working days) and the bureau's filing (核准备案):
a pass at the vote goes on the public notice, never straight to approved; only a notice that has
ended with no objection upheld against the person lets the bureau file it, and the certificate
follows; an upheld objection ends the application instead."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from applications.models import RESULT_NOTICE_KIND, Application, State
from applications.workflow.services import WorkflowRefused
from certificates.models import DocumentJob
from reviews import meetings, result_notices
from reviews import services as review_services
from reviews.models import NoticeKind, NoticeResult, SessionEvent
from tests.meeting_helpers import attend, sitting, vote
from tests.workflow_helpers import at, step, user

pytestmark = pytest.mark.django_db


def office():
    return user("committee_office")


@pytest.fixture
def passed(demo):
    """A session whose one application passed 8 of 10 and was signed off."""
    session = sitting(10)
    present = attend(session, 10)
    meetings.vote_open(session_id=session.pk, by=office())
    vote(session, session.applications.get(), present, votes_for=8, votes_against=2)
    meetings.vote_close(session_id=session.pk, by=office())
    meetings.vote_sign(session_id=session.pk, by=office())
    return session


def publish(session, **overrides):
    fields = {
        "contact_person": "周洁",
        "phone": "0871-63130000",
        "start_date": timezone.localdate(),
        "working_days": 5,
    }
    return result_notices.result_notice_open(session_id=session.pk, by=office(), **{**fields, **overrides})


def after(notice):
    return notice.end_date + datetime.timedelta(days=1)


def test_the_kinds_agree():
    assert NoticeKind.RESULT == RESULT_NOTICE_KIND


def test_a_committee_pass_is_not_approved_until_the_bureau_files_it(demo):
    """Before the result notice, the bureau's entry of a 7-of-10 pass went straight to approved."""
    application = at(State.COMMITTEE_REVIEW, "evaluation")
    application = review_services.committee_record(
        application_id=application.pk,
        user=user("bureau_approver"),
        members=10,
        present=10,
        votes_for=7,
        votes_against=3,
        abstentions=0,
        opinion="",
    )
    assert application.state == State.RESULT_NOTICE
    assert application.decided_at is None
    assert not DocumentJob.objects.filter(application=application).exists()
    with pytest.raises(WorkflowRefused, match="评审结果公示尚未结束"):
        step(application, "bureau_approver", "result_file")


def test_the_notice_lists_those_who_passed_and_is_public(passed, client):
    application = passed.applications.get()
    notice = publish(passed)
    assert notice.kind == NoticeKind.RESULT and notice.session == passed
    assert list(notice.applications.all()) == [application]
    assert notice.unit.name == "昆明市教育体育局"
    assert notice.end_date > notice.start_date
    page = client.get(reverse("reviews:public_notices")).content.decode()
    assert notice.title in page and application.applicant.real_name in page
    assert "评审结果公示" in page
    assert application.records.filter(action="notice_open").exists()
    assert SessionEvent.objects.filter(session=passed, action=meetings.RESULT_NOTICE_OPEN).exists()
    with pytest.raises(ValidationError, match="没有待公示"):
        publish(passed)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"working_days": 4}, "working_days"),
        ({"start_date": datetime.date(2020, 1, 1)}, "start_date"),
        ({"contact_person": " "}, "contact_person"),
        ({"phone": ""}, "phone"),
    ],
)
def test_bad_notice_input_is_refused_at_its_field(passed, overrides, field):
    with pytest.raises(ValidationError) as refused:
        publish(passed, **overrides)
    assert field in refused.value.message_dict
    assert not passed.result_notices.exists()


def test_no_notice_before_the_sign_off(demo):
    session = sitting(10)
    with pytest.raises(ValidationError, match="签发后"):
        publish(session)


def test_filing_only_after_the_notice_ends_without_objection_then_the_certificate(
    passed, django_capture_on_commit_callbacks
):
    application = passed.applications.get()
    notice = publish(passed)
    with pytest.raises(ValidationError, match="结束后才能登记"):
        result_notices.result_notice_conclude(notice_id=notice.pk, by=office(), result=NoticeResult.NO_OBJECTION)
    with pytest.raises(WorkflowRefused, match="评审结果公示尚未结束"):
        step(application, "bureau_approver", "result_file")
    result_notices.result_notice_conclude(
        notice_id=notice.pk, by=office(), result=NoticeResult.NO_OBJECTION, today=after(notice)
    )
    # The office does not file: that is the bureau's.
    with pytest.raises(WorkflowRefused, match="无权"):
        step(Application.objects.get(pk=application.pk), "committee_office", "result_file")
    with django_capture_on_commit_callbacks() as queued:
        application = step(Application.objects.get(pk=application.pk), "bureau_approver", "result_file", "核准备案")
    assert application.state == State.APPROVED and application.decided_at is not None
    assert application.records.get(action="file").to_state == State.APPROVED
    # The certificate's document job, recorded with the step and queued after it commits.
    assert DocumentJob.objects.filter(application=application).exists() and queued


def test_an_upheld_objection_fails_the_file_and_blocks_filing(passed):
    application = passed.applications.get()
    notice = publish(passed)
    with pytest.raises(ValidationError) as refused:
        result_notices.result_notice_conclude(
            notice_id=notice.pk, by=office(), result=NoticeResult.OBJECTION_UPHELD, today=after(notice)
        )
    assert "note" in refused.value.message_dict
    result_notices.result_notice_conclude(
        notice_id=notice.pk,
        by=office(),
        result=NoticeResult.OBJECTION_UPHELD,
        note="论文存在抄袭，经核实属实",
        today=after(notice),
    )
    application = Application.objects.get(pk=application.pk)
    with pytest.raises(WorkflowRefused, match="评审结果公示尚未结束或尚未登记无异议"):
        step(application, "bureau_approver", "result_file")
    application = step(application, "bureau_approver", "result_reject", "公示异议成立，不予核准备案")
    assert application.state == State.FAILED


def test_only_the_sessions_office_concludes_the_notice(passed):
    notice = publish(passed)
    for role in ("bureau_approver", "unit_hr", "committee_expert"):
        with pytest.raises(ValidationError, match="无权"):
            result_notices.result_notice_conclude(
                notice_id=notice.pk, by=user(role), result=NoticeResult.NO_OBJECTION, today=after(notice)
            )
    notice.refresh_from_db()
    assert notice.result == NoticeResult.PENDING
