"""Issue 14 in the browser: a typed summary survives clicking away and a reload; autosave retries
while offline; the phone-width journey; a return with sections marked, then the unit's
recommendation written at its review and seen by the window."""

import re

from playwright.sync_api import expect

from applications import services as filing
from applications.models import Application, State, Statement
from applications.sample import upload_required_materials
from reviews.models import ReturnedSections, UnitRecommendation
from tests.e2e.helpers import login
from tests.filing_helpers import fill_everything
from tests.workflow_helpers import DEMO, start, user

SUMMARY = "任现职以来，认真履行岗位职责，承担专业技术工作和教研工作。"
PHONE = {"width": 390, "height": 844}


def draft_without_summary():
    application = fill_everything(start("evaluation"))
    Statement.objects.filter(application=application, kind="summary").delete()
    return application


def section(site, application, key):
    return f"{site}/applications/{application.pk}/section/{key}/"


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def test_a_typed_summary_survives_clicking_away_and_a_reload(page, site, demo, shot):
    application = draft_without_summary()
    login(page, site, DEMO["applicant"])
    page.goto(section(site, application, "summary"))
    page.fill("#id_text", SUMMARY)
    # Straight to another section in the menu, before the autosave's pause: saved first, then gone.
    page.locator(".app-nav a").filter(has_text="工作经历").click()
    expect(page).to_have_url(re.compile(r"/section/work/$"))
    assert Statement.objects.get(application=application, kind="summary").text == SUMMARY
    page.locator(".app-nav a").filter(has_text="专业技术工作总结").click()
    expect(page.locator("#id_text")).to_have_value(SUMMARY)

    # Typing on: saved by itself (the status line says when); a reload shows it all.
    page.locator("#id_text").press("End")
    page.keyboard.type("积极参加继续教育。")
    expect(page.locator("#autosave-status")).to_contain_text(re.compile(r"已自动保存 \d\d:\d\d"))
    expect(page.locator("#autosave-status")).to_contain_text("内容过短")
    shot("summary-autosaved")
    page.reload()
    expect(page.locator("#id_text")).to_have_value(SUMMARY + "积极参加继续教育。")

    # A row typed in a rows section, not yet saved: kept and shown back after a reload.
    page.goto(section(site, application, "awards"))
    page.get_by_role("button", name="增加一条").click()
    expect(page.locator("#id_awards-0-name")).to_be_visible()
    page.fill("#id_awards-0-name", "市级优秀教师")
    expect(page.locator("#autosave-status")).to_contain_text("已自动保存")
    page.reload()
    expect(page.locator("#id_awards-0-name")).to_have_value("市级优秀教师")
    expect(page.locator("#autosave-status")).to_contain_text("已恢复")
    shot("row-restored")


def test_autosave_retries_while_offline_and_saves_when_back(page, site, demo, shot):
    application = draft_without_summary()
    login(page, site, DEMO["applicant"])
    page.goto(section(site, application, "summary"))
    page.context.set_offline(True)
    page.fill("#id_text", SUMMARY * 4)
    expect(page.locator("#autosave-status")).to_contain_text("未保存，正在重试")
    shot("offline-retrying")
    assert not Statement.objects.filter(application=application, kind="summary").exists()
    page.context.set_offline(False)
    expect(page.locator("#autosave-status")).to_contain_text("已自动保存")
    shot("back-online-saved")
    assert Statement.objects.get(application=application, kind="summary").text == SUMMARY * 4


def test_the_phone_width_journey(page, site, demo, shot):
    application = draft_without_summary()
    page.set_viewport_size(PHONE)
    login(page, site, DEMO["applicant"])
    expect(page.locator("#my-applications")).to_be_visible()
    no_sideways_scroll(page)
    expect(page.locator("#my-applications .row-actions a").first).to_be_visible()
    shot("phone-dashboard")

    page.locator("#my-applications .row-actions a").filter(has_text="继续填写").first.click()
    toggle = page.locator("button[data-toggle-nav]")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#app-nav-list")).to_be_hidden()
    no_sideways_scroll(page)
    shot("phone-section-menu-folded")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#app-nav-list")).to_be_visible()
    shot("phone-section-menu-open")
    page.locator("#app-nav-list a").filter(has_text="专业技术工作总结").click()
    page.fill("#id_text", SUMMARY * 4)
    no_sideways_scroll(page)
    shot("phone-summary")
    page.get_by_role("button", name="保存并继续").click()
    # Nothing else was missing: on to the checklist.
    expect(page).to_have_url(re.compile(r"/checklist/$"))
    expect(page.locator("#complete")).to_be_visible()
    no_sideways_scroll(page)
    shot("phone-checklist")
    for key in ("education", "work"):
        page.goto(section(site, application, key))
        no_sideways_scroll(page)
    shot("phone-rows")
    page.goto(f"{site}/applications/{application.pk}/materials/")
    no_sideways_scroll(page)
    shot("phone-materials")
    page.goto(f"{site}/applications/{application.pk}/checklist/")
    page.get_by_role("button", name="提交申报").click()
    expect(page.locator("#confirm")).to_be_visible()
    no_sideways_scroll(page)
    shot("phone-confirm")


def test_a_return_with_sections_marked_then_the_units_recommendation(page, site, demo, shot):
    application = fill_everything(start("initial_recognition"))
    upload_required_materials(application)
    filing.application_submit(application=application, user=application.applicant)
    login(page, site, DEMO["unit_hr"])
    page.goto(f"{site}/reviews/{application.pk}/")
    page.fill("#opinion", "工作经历过于简略；学历请补填学信网验证码。")
    page.locator("#return-sections summary").click()
    # Two of the sections initial recognition asks for (catalog: the item's sections).
    page.get_by_label("工作经历").check()
    page.get_by_label("学历学位").check()
    shot("unit-return-with-sections")
    page.locator("#decision").get_by_role("button", name="退回修改", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已处理")
    assert ReturnedSections.objects.get(application=application).sections == ["education", "work"]

    login(page, site, DEMO["applicant"])
    page.goto(section(site, application, "basic"))
    notice = page.locator("#return-notice")
    expect(notice).to_contain_text("工作经历过于简略")
    expect(notice).to_contain_text("还剩 3 次退回/重置机会")
    expect(page.locator(".app-nav li.to-change")).to_have_count(2)
    expect(page.locator(".app-nav li.to-change").first).to_contain_text("需修改")
    shot("applicant-sees-return")
    page.goto(f"{site}/applications/{application.pk}/checklist/")
    page.get_by_role("button", name="提交申报").click()
    expect(page.locator("#send-to")).to_contain_text("单位审核")
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator(".messages")).to_contain_text("申报已提交")

    login(page, site, DEMO["unit_hr"])
    page.goto(f"{site}/reviews/{application.pk}/")
    page.fill("#opinion", "同意推荐。")
    page.fill("#id_recommendation", "经单位职称推荐小组（7人）集体研究，同意推荐；已在校内公示5个工作日，无异议。")
    shot("unit-writes-recommendation")
    page.locator("#decision").get_by_role("button", name="审核通过，推荐上报", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已处理")
    assert UnitRecommendation.objects.get(application=application).written_by == user("unit_hr")

    login(page, site, DEMO["window_staff"])
    page.goto(f"{site}/reviews/{application.pk}/")
    expect(page.locator("#unit-recommendation")).to_contain_text("集体研究，同意推荐")
    shot("window-sees-recommendation")
    assert Application.objects.get(pk=application.pk).state == State.WINDOW_INTAKE
