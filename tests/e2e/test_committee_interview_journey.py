"""The interview (答辩) in the browser: the office schedules the applicant's slot on the session
page, the applicant sees it on their progress page, the office records the absence, and the
expert's ballot page shows it at the vote (the ballot itself still open)."""

from playwright.sync_api import expect

from applications.models import State
from reviews import meetings
from reviews.models import SessionExpert
from tests.e2e.helpers import login
from tests.factories import PASSWORD
from tests.meeting_helpers import attend, sitting
from tests.workflow_helpers import DEMO, at, user


def test_an_absent_applicant_is_shown_at_the_vote(page, site, demo, shot):
    application = at(State.COMMITTEE_REVIEW, "evaluation")
    application.committee.holds_interview = True
    application.committee.save(update_fields=["holds_interview"])
    session = sitting(3, application=application)
    session_url = f"{site}/reviews/sessions/{session.pk}/"

    login(page, site, DEMO["committee_office"])
    page.goto(session_url)
    form = page.locator("#interview-form")
    form.locator("#id_interview-application").select_option(str(application.pk))
    form.locator("#id_interview-date").fill("2026-12-08")
    form.locator("#id_interview-starts_at").fill("09:00")
    form.locator("#id_interview-ends_at").fill("09:20")
    form.locator("#id_interview-place").fill("市人社局三楼第一会议室")
    page.locator("#schedule-interview").click()
    expect(page.locator(".messages")).to_contain_text("答辩已安排")
    expect(page.locator("#interview-slots")).to_contain_text("2026-12-08 09:00—09:20")
    shot("office-scheduled")

    login(page, site, DEMO["applicant"])
    page.goto(f"{site}/applications/{application.pk}/timeline/")
    expect(page.locator("#interview")).to_contain_text("2026-12-08 09:00—09:20")
    expect(page.locator("#interview")).to_contain_text("市人社局三楼第一会议室")
    shot("applicant-sees-slot")

    login(page, site, DEMO["committee_office"])
    page.goto(session_url)
    slot = session.interviews.get()
    row = page.locator(f"#slot-{slot.pk}")
    row.get_by_label("缺席").check()
    row.locator(f"#id_slot{slot.pk}-note").fill("未说明原因")
    page.locator(f"#record-interview-{slot.pk}").click()
    expect(page.locator(".messages")).to_contain_text("答辩到场情况已登记")
    expect(page.locator(f"#slot-{slot.pk}")).to_contain_text("缺席")
    shot("office-marked-absent")

    present = attend(session, 3)
    meetings.vote_open(session_id=session.pk, by=user("committee_office"))
    expert = SessionExpert.objects.select_related("expert__user").get(pk=present[0].pk).expert.user
    expert.set_password(PASSWORD)
    expert.save(update_fields=["password"])
    login(page, site, expert.mobile, PASSWORD)
    page.goto(f"{site}/reviews/ballots/")
    ballot = page.locator(f"#ballot-{application.pk}")
    expect(ballot).to_contain_text("答辩缺席")
    expect(ballot).to_contain_text("未说明原因")
    expect(ballot.get_by_role("button", name="投票")).to_be_visible()
    shot("expert-ballot-shows-absence")
