"""A committee session's documents in a real browser: the office makes the result list and the
roster from the session page (each a document job whose page turns into a download when ready),
the PDF is rendered to PNG for a person to look at, and the bureau finds the list in its jobs."""

from playwright.sync_api import expect

from applications.models import State
from reviews import meetings
from tests.e2e.helpers import login
from tests.meeting_helpers import attend, sitting, vote
from tests.test_certificates_helpers import pdf_text, pdf_to_png
from tests.workflow_helpers import DEMO, at, user


def test_session_documents_journey(page, site, demo, shot, tmp_path):
    application = at(State.COMMITTEE_REVIEW, "evaluation")
    session = sitting(10, application=application)
    office = user("committee_office")
    present = attend(session, 9)
    meetings.vote_open(session_id=session.pk, by=office)
    vote(session, application, present, votes_for=7, votes_against=1)
    meetings.vote_close(session_id=session.pk, by=office)
    meetings.vote_sign(session_id=session.pk, by=office)

    login(page, site, DEMO["committee_office"])
    page.goto(f"{site}/reviews/sessions/{session.pk}/")
    expect(page.locator("#session-documents")).to_contain_text("评审结果名单")
    page.locator("#session-documents").scroll_into_view_if_needed()
    shot("session-documents-card")
    page.locator("#make-session_results").click()
    expect(page.locator("#job-download")).to_be_visible(timeout=30_000)
    shot("result-list-ready")
    pdf = page.request.get(site + page.locator("#job-download").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.body(), tmp_path)
    assert "评审结果名单" in text and application.applicant.real_name in text and "通过1人" in text
    assert all(m.expert.user.real_name not in text for m in present)
    pdf_to_png(pdf.body(), "journey-session-results", dpi=110)

    page.goto(f"{site}/reviews/sessions/{session.pk}/")
    page.locator("#make-session_roster").click()
    expect(page.locator("#job-download")).to_be_visible(timeout=30_000)
    roster = page.request.get(site + page.locator("#job-download").get_attribute("href"))
    assert "应到10人，实到9人" in pdf_text(roster.body(), tmp_path)
    pdf_to_png(roster.body(), "journey-session-roster", dpi=110)
    page.goto(f"{site}/reviews/sessions/{session.pk}/")
    expect(page.locator("#session-document-session_roster")).to_contain_text("已完成")

    page.context.clear_cookies()
    login(page, site, DEMO["bureau_approver"])
    page.goto(f"{site}/documents/")
    expect(page.locator("#jobs")).to_contain_text("评审结果名单")
    expect(page.locator("#jobs")).to_contain_text(session.committee.name)
    shot("bureau-sees-session-documents")
