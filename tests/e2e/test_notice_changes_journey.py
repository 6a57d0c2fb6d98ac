"""The unit officer previews a notice's end date before publishing, corrects the published notice
(longer, with a reason) and withdraws it; its applicant is back among those awaiting a notice."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from applications.models import State
from reviews.models import NoticeResult, UnitNotice
from reviews.working_days import add_working_days
from tests.e2e.helpers import login
from tests.workflow_helpers import DEMO, at


def test_preview_correct_and_withdraw_a_notice(page, site, demo, shot):
    application = at(State.UNIT_NOTICE, "evaluation")
    start = timezone.localdate() + datetime.timedelta(days=3)
    expected_end = add_working_days(start, 5).end_date

    login(page, site, DEMO["unit_hr"])
    page.get_by_role("link", name="单位公示", exact=True).click()
    expect(page.locator(f"#awaiting-{application.pk}")).to_be_visible()
    page.fill("#id_contact_person", "李娜")
    page.fill("#id_phone", "0871-65310000")
    page.fill("#id_start_date", start.isoformat())
    page.get_by_role("button", name="预览公示结束日期").click()
    expect(page.locator("#notice-preview")).to_contain_text(expected_end.isoformat())
    # Nothing published yet, and what was typed is still there.
    assert not UnitNotice.objects.exists()
    expect(page.locator("#id_phone")).to_have_value("0871-65310000")
    shot("notice-preview")

    page.get_by_role("button", name="发布公示").click()
    expect(page.locator("#notice-period")).to_contain_text(expected_end.isoformat())
    notice = UnitNotice.objects.get(applications=application)

    # Shortening below 5 working days is refused at the field; the reason typed is kept.
    page.fill("#id_correct-working_days", "4")
    page.fill("#id_correct-reason", "缩短公示")
    page.get_by_role("button", name="更正公示期").click()
    expect(page.locator("#correct")).to_contain_text("公示期不得少于5个工作日。")
    expect(page.locator("#id_correct-reason")).to_have_value("缩短公示")
    shot("notice-correct-refused")

    longer_end = add_working_days(start, 8).end_date
    page.fill("#id_correct-working_days", "8")
    page.fill("#id_correct-reason", "应群众要求延长公示期")
    page.get_by_role("button", name="更正公示期").click()
    expect(page.locator(".messages")).to_contain_text("公示期已更正")
    expect(page.locator("#notice-period")).to_contain_text(longer_end.isoformat())
    expect(page.locator("#notice-changes")).to_contain_text("应群众要求延长公示期")
    shot("notice-corrected")

    page.fill("#id_withdraw-reason", "公示名单有误，重新公示")
    page.get_by_role("button", name="撤回公示").click()
    expect(page.locator("#notice-result")).to_contain_text("已撤回")
    expect(page.locator("#withdraw")).to_have_count(0)
    shot("notice-withdrawn")
    notice.refresh_from_db()
    assert notice.result == NoticeResult.WITHDRAWN

    page.get_by_role("link", name="返回单位公示").click()
    expect(page.locator(f"#awaiting-{application.pk}")).to_be_visible()
    expect(page.locator(f"#notice-{notice.pk}")).to_contain_text("已撤回")
    shot("notice-list-after-withdrawal")
