"""A committee session's documents (评审会议文书): the experts' commission letters (one page per
drawn expert who did not decline), the roster with the attendance recorded, and the result list
(通过/未通过 with the tallies, never an individual ballot), made by the session's office from the
session page as document jobs; the office of the committee and the bureau in scope may open them,
everyone else gets a 404."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from applications.models import State
from certificates.models import DocumentJob, DocumentKind, JobStatus
from reviews import draws, meetings
from reviews.models import Ballot, SessionExpertStatus
from tests.factories import member
from tests.meeting_helpers import attend, grow_pool, roll, sitting, vote
from tests.test_certificates_helpers import pdf_text, pdf_to_png
from tests.test_documents import file_of
from tests.workflow_helpers import at, user

pytestmark = pytest.mark.django_db


def _make(client, session, kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certificates:session_document", args=[session.pk, kind]))
    job = DocumentJob.objects.filter(session=session, kind=kind).latest("id")
    assert response.status_code == 302 and response.url == reverse("certificates:job", args=[job.pk])
    return job


def _signed(session, application, votes_for=7, present_count=10):
    office = user("committee_office")
    present = attend(session, present_count)
    meetings.vote_open(session_id=session.pk, by=office)
    vote(session, application, present, votes_for=votes_for, votes_against=present_count - votes_for - 1)
    meetings.vote_close(session_id=session.pk, by=office)
    meetings.vote_sign(session_id=session.pk, by=office)


def test_letters_one_page_per_expert_who_did_not_decline(client, demo, tmp_path, django_capture_on_commit_callbacks):
    session = sitting(10)
    declined = roll(session)[0]
    grow_pool(session.committee, 1)  # the replacement
    draws.expert_decline(session_expert_id=declined.pk, by=user("committee_office"))
    client.force_login(user("committee_office"))
    page = client.get(reverse("reviews:session", args=[session.pk])).content.decode()
    assert 'id="session-documents"' in page and 'id="make-session_letters"' in page
    assert 'id="make-session_results"' not in page  # not before the sign-off
    job = _make(client, session, DocumentKind.SESSION_LETTERS, django_capture_on_commit_callbacks)
    data = file_of(job)
    drawn = roll(session)
    assert len(drawn) == 10 and declined.pk not in {m.pk for m in drawn}
    assert len(PdfReader(io.BytesIO(data)).pages) == 10
    text = pdf_text(data, tmp_path)
    assert text.count("聘请函") == 10
    for m in drawn:
        assert f"{m.expert.user.real_name}同志" in text
    assert f"{declined.expert.user.real_name}同志" not in text
    assert session.committee.name in text and "2026年度" in text
    pdf_to_png(data, "session-letters", dpi=80)
    # Asked again with nothing changed: the same document.
    again = _make(client, session, DocumentKind.SESSION_LETTERS, django_capture_on_commit_callbacks)
    assert again.pk == job.pk


def test_roster_shows_attendance_and_changes_when_it_does(client, demo, tmp_path, django_capture_on_commit_callbacks):
    session = sitting(10)
    client.force_login(user("committee_office"))
    before = _make(client, session, DocumentKind.SESSION_ROSTER, django_capture_on_commit_callbacks)
    assert "签到未登记" in pdf_text(file_of(before), tmp_path)
    present = attend(session, 8)
    after = _make(client, session, DocumentKind.SESSION_ROSTER, django_capture_on_commit_callbacks)
    assert after.pk != before.pk
    text = pdf_text(file_of(after), tmp_path)
    assert "评审会议签到表" in text and "应到10人，实到8人" in text
    assert text.count("出席") - text.count("出席会议") >= 8 and text.count("缺席") == 2
    for m in present:
        assert m.expert.user.real_name in text and m.expert.unit.name in text


def test_result_list_after_the_sign_off_with_tallies_and_no_ballots(
    client, demo, tmp_path, django_capture_on_commit_callbacks
):
    application = at(State.COMMITTEE_REVIEW, "evaluation")
    session = sitting(10, application=application)
    client.force_login(user("committee_office"))
    # Before the sign-off: refused with the reason, no job.
    response = client.post(reverse("certificates:session_document", args=[session.pk, "session_results"]))
    assert response.status_code == 302 and response.url == reverse("reviews:session", args=[session.pk])
    assert not DocumentJob.objects.filter(kind=DocumentKind.SESSION_RESULTS).exists()
    _signed(session, application, votes_for=7)
    page = client.get(reverse("reviews:session", args=[session.pk])).content.decode()
    assert 'id="make-session_results"' in page
    job = _make(client, session, DocumentKind.SESSION_RESULTS, django_capture_on_commit_callbacks)
    data = file_of(job)
    text = pdf_text(data, tmp_path)
    assert "评审结果名单" in text and "共表决1人，通过1人，未通过0人。应到评审专家10人。" in text
    assert application.applicant.real_name in text and application.unit.name in text
    # The row: 实到 10, 同意 7, 不同意 2, 弃权 1, 通过.
    row = next(line for line in text.splitlines() if application.applicant.real_name in line)
    assert row.split()[-5:] == ["10", "7", "2", "1", "通过"]
    # No expert is named and no ballot is printed: the list holds counts only.
    assert Ballot.objects.filter(session=session).count() == 10
    for m in roll(session):
        assert m.expert.user.real_name not in text
    pdf_to_png(data, "session-results", dpi=80)


def test_who_may_make_and_open_session_documents(client, demo, django_capture_on_commit_callbacks):
    application = at(State.COMMITTEE_REVIEW, "evaluation")
    session = sitting(10, application=application)
    _signed(session, application)
    client.force_login(user("committee_office"))
    jobs = [_make(client, session, kind, django_capture_on_commit_callbacks) for kind in DocumentKind.values[7:10]]
    assert {j.kind for j in jobs} == {"session_letters", "session_roster", "session_results"}
    assert all(j.status == JobStatus.DONE for j in DocumentJob.objects.filter(pk__in=[j.pk for j in jobs]))
    # The bureau in scope opens them (and finds them in its list of document jobs), never makes them.
    bureau = user("bureau_approver")
    client.force_login(bureau)
    listed = client.get(reverse("certificates:jobs")).content.decode()
    for job in jobs:
        assert f'id="job-{job.pk}"' in listed
        assert client.get(reverse("certificates:job", args=[job.pk])).status_code == 200
        assert client.get(reverse("certificates:job_download", args=[job.pk])).status_code == 200
    assert client.post(reverse("certificates:session_document", args=[session.pk, "session_roster"])).status_code == 404
    # Out of scope: like a missing one.
    missing = max(j.pk for j in jobs) + 100
    outsiders = [
        user("applicant"),
        user("unit_hr"),
        user("dept_reviewer"),
        user("window_staff"),
        user("committee_expert"),
        roll(session)[0].expert.user,  # a drawn expert: not the office
        member("bureau_approver"),  # a bureau of another region
        member("committee_office"),  # an office of no committee
    ]
    for person in outsiders:
        client.force_login(person)
        assert client.get(reverse("certificates:job", args=[missing])).status_code == 404
        for job in jobs:
            assert client.get(reverse("certificates:job", args=[job.pk])).status_code == 404, person
            assert client.get(reverse("certificates:job_download", args=[job.pk])).status_code == 404
        for kind in ("session_letters", "session_results"):
            url = reverse("certificates:session_document", args=[session.pk, kind])
            assert client.post(url).status_code == 404
        listed = client.get(reverse("certificates:jobs"))
        assert listed.status_code == 404 or not any(f'id="job-{j.pk}"' in listed.content.decode() for j in jobs)
    # Nonsense kinds and sessions are 404s too, for the office.
    client.force_login(user("committee_office"))
    assert (
        client.post(reverse("certificates:session_document", args=[session.pk + 99, "session_roster"])).status_code
        == 404
    )
    response = client.post(reverse("certificates:session_document", args=[session.pk, "certificate"]))
    assert response.status_code == 302 and DocumentJob.objects.filter(kind="certificate", session=session).count() == 0
    assert all(m.status == SessionExpertStatus.DRAWN for m in roll(session))
