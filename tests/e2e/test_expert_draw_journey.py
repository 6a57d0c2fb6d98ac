"""The committee office creates a session, draws experts with recusal, replaces one who
declines, and reads the draw record; the applicant's pages never name a drawn expert."""

from playwright.sync_api import expect

from applications.models import State
from reviews.models import Expert, SessionExpert
from tests.e2e.helpers import login
from tests.workflow_helpers import DEMO, at


def test_office_draws_experts_for_a_session(page, site, demo, shot):
    application = at(State.COMMITTEE_REVIEW, "evaluation")
    login(page, site, DEMO["committee_office"])
    page.locator("#sessions-link").click()
    page.select_option("#id_committee", str(application.committee_id))
    page.fill("#id_year", "2026")
    page.fill("#id_experts_to_draw", "5")
    page.get_by_role("button", name="创建").click()
    expect(page.locator(".messages")).to_contain_text("评审会议已创建")
    expect(page.locator("#session-applications")).to_contain_text(application.applicant.real_name)

    page.locator("#draw").click()
    expect(page.locator(".messages")).to_contain_text("已随机抽取专家")
    expect(page.locator("#draw-audit")).to_contain_text("孙丽（与申报人同一工作单位）")
    expect(page.locator("#draw-audit")).to_contain_text("按种子复核一致")
    shot("drawn")

    member = SessionExpert.objects.order_by("id").first()
    page.locator(f"#member-{member.pk}").get_by_role("button", name="谢绝并补抽").click()
    expect(page.locator(".messages")).to_contain_text("已登记谢绝并补抽专家")
    expect(page.locator("#draw-audit")).to_contain_text(f"补抽（替换{member.expert.user.real_name}）")
    shot("replaced")

    drawn = Expert.objects.filter(sittings__isnull=False).values_list("user__real_name", flat=True)
    login(page, site, DEMO["applicant"])
    page.goto(f"{site}/applications/{application.pk}/timeline/")
    text = page.locator("body").inner_text()
    assert not [name for name in drawn if name in text]
    shot("applicant-timeline")
