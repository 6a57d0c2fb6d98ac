"""Two officers scheduling two applicants into the same time at once, on PostgreSQL (SQLite
serialises writers, so it proves nothing there): the session row's lock lets one in and tells
the other of the clash."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from applications.models import State
from portal.organizations.models import Membership, Role
from reviews import interviews
from reviews.models import InterviewSlot
from tests.factories import UserFactory, member
from tests.meeting_helpers import sitting
from tests.test_workflow_concurrency import run_at_once
from tests.workflow_helpers import at, user

pytestmark = [pytest.mark.realstack("postgres"), pytest.mark.django_db(transaction=True)]


def test_two_officers_filling_one_slot_at_once_get_one_interview(demo):
    first = at(State.COMMITTEE_REVIEW, "evaluation")
    first.committee.holds_interview = True
    first.committee.save(update_fields=["holds_interview"])
    at(State.COMMITTEE_REVIEW, "evaluation", applicant=member(Role.APPLICANT, first.unit, real_name="钱敏"))
    session = sitting(3, application=first)
    office = user("committee_office")
    other = UserFactory()
    Membership.objects.create(
        user=other, organization=office.memberships.get().organization, role=Role.COMMITTEE_OFFICE
    )

    def schedule(application, by):
        return lambda: interviews.interview_schedule(
            session_id=session.pk,
            application_id=application.pk,
            date=datetime.date(2026, 12, 8),
            starts_at=datetime.time(9, 0),
            ends_at=datetime.time(9, 20),
            place="市人社局三楼第一会议室",
            by=by,
        )

    applications = list(session.applications.order_by("pk"))
    results = run_at_once([schedule(applications[0], office), schedule(applications[1], other)])
    outcomes = sorted(kind for kind, _value in results)
    assert outcomes == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, ValidationError) and "冲突" in error.message_dict["starts_at"][0]
    assert InterviewSlot.objects.filter(session=session).count() == 1
