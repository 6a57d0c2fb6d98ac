"""Each route through the real UI, every stage by its own user (DOMAIN §2)."""

import pytest
from playwright.sync_api import expect

from applications.models import Application, State
from tests.e2e.helpers import login
from tests.filing_helpers import fill_everything
from tests.workflow_helpers import DEMO, file_result, start


def applicant_submits(page, site, application):
    login(page, site, DEMO["applicant"])
    page.goto(f"{site}/applications/{application.pk}/checklist/")
    expect(page.locator("#complete")).to_be_visible()
    page.get_by_role("button", name="提交申报").click()
    # The confirmation lists what is sent and to whom; 确认提交 sends it.
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator(".messages")).to_contain_text("申报已提交")


def review(page, site, role, application, button, opinion, shot=None):
    """Log in as `role`, find the application in the queue, and decide with an opinion."""
    login(page, site, DEMO[role])
    page.get_by_role("link", name="审核工作", exact=True).click()
    page.locator(f"#application-{application.pk} a").first.click()
    expect(page.locator("#decision")).to_be_visible()
    page.fill("#opinion", opinion)
    if shot:
        shot(f"{role}-review")
    page.locator("#decision").get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已处理")


def applicant_sees(page, site, application, label, *opinions):
    login(page, site, DEMO["applicant"])
    page.goto(f"{site}/applications/{application.pk}/timeline/")
    expect(page.locator("#where")).to_contain_text(label)
    for opinion in opinions:
        expect(page.locator("#history")).to_contain_text(opinion)


def test_initial_recognition_route(page, site, demo, shot):
    application = fill_everything(start("initial_recognition"))
    applicant_submits(page, site, application)
    review(page, site, "unit_hr", application, "审核通过，推荐上报", "学历和工作年限属实，同意推荐。", shot)
    review(page, site, "window_staff", application, "核对原件无误，受理", "纸质原件与上传材料一致。", shot)
    application.refresh_from_db()
    expect(page.locator("#acceptance-number")).to_have_text(application.acceptance_number)
    review(page, site, "bureau_approver", application, "审核通过", "符合初次认定条件。", shot)
    application.refresh_from_db()
    assert application.state == State.APPROVED
    assert application.route == ["unit_review", "window_intake", "bureau_approval"]
    applicant_sees(page, site, application, "审核通过，等待打印证书", "同意推荐", "符合初次认定条件")
    shot("applicant-timeline")


@pytest.mark.parametrize("item_code", ["mobile_confirmation", "reissue"])
def test_routes_through_the_department_with_a_return(page, site, demo, shot, item_code):
    application = fill_everything(start(item_code))
    applicant_submits(page, site, application)
    review(page, site, "unit_hr", application, "审核通过，推荐上报", "同意推荐。")
    review(page, site, "dept_reviewer", application, "退回修改", "请补充原单位出具的证明。", shot)
    applicant_sees(page, site, application, "已退回", "请补充原单位出具的证明")
    shot("applicant-returned")
    page.goto(f"{site}/applications/{application.pk}/checklist/")
    page.get_by_role("button", name="提交申报").click()
    expect(page.locator("#send-to")).to_contain_text("主管部门审核")  # back to the stage that returned it
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator(".messages")).to_contain_text("申报已提交")
    assert Application.objects.get(pk=application.pk).state == State.DEPARTMENT_REVIEW
    review(page, site, "dept_reviewer", application, "审核通过", "材料已补齐，同意。")
    review(page, site, "window_staff", application, "核对原件无误，受理", "原件一致。")
    review(page, site, "bureau_approver", application, "审核通过", "同意。")
    assert Application.objects.get(pk=application.pk).state == State.APPROVED


def test_evaluation_route_with_public_notice_and_committee(page, site, demo, shot):
    import datetime

    from django.utils import timezone

    from reviews.models import UnitNotice

    application = fill_everything(start("evaluation"))
    applicant_submits(page, site, application)
    review(page, site, "unit_hr", application, "审核通过，推荐上报", "经单位评议，同意推荐。")
    assert Application.objects.get(pk=application.pk).state == State.UNIT_NOTICE

    # The officer opens a public notice of 5 working days; the end date is computed.
    page.goto(f"{site}/home/")
    page.get_by_role("link", name="单位公示", exact=True).click()
    expect(page.locator(f"#awaiting-{application.pk}")).to_be_visible()
    page.fill("#id_contact_person", "李娜")
    page.fill("#id_phone", "0871-65310000")
    shot("notice-form")
    page.get_by_role("button", name="发布公示").click()
    expect(page.locator("#notice-period")).to_be_visible()
    shot("notice-detail")

    # Anyone can read open notices, without ID numbers.
    page.context.clear_cookies()
    page.goto(f"{site}/notices/")
    expect(page.locator("main")).to_contain_text(application.applicant.real_name)
    expect(page.locator("main")).not_to_contain_text(application.applicant.id_number)
    shot("public-notices")

    # Time passes: the notice period lies behind us; the officer records "no objection".
    notice = UnitNotice.objects.get(applications=application)
    today = timezone.localdate()
    UnitNotice.objects.filter(pk=notice.pk).update(
        start_date=today - datetime.timedelta(days=12), end_date=today - datetime.timedelta(days=3)
    )
    login(page, site, DEMO["unit_hr"])
    page.goto(f"{site}/reviews/notices/{notice.pk}/")
    page.check("input[name=result][value=no_objection]")
    shot("notice-conclude")
    page.get_by_role("button", name="登记结果").click()
    expect(page.locator("#notice-result")).to_contain_text("公示无异议")
    expect(page.locator(".person-result")).to_have_text(["公示无异议"])
    shot("notice-result")
    review(page, site, "unit_hr", application, "公示无异议，推荐上报", "公示期满无异议，推荐上报。")
    review(page, site, "dept_reviewer", application, "审核通过", "同意推荐至评委会。", shot)
    review(page, site, "window_staff", application, "核对原件无误，受理", "纸质材料齐全。")
    review(page, site, "bureau_approver", application, "审核通过", "电子材料审核通过，提交评委会。")
    assert Application.objects.get(pk=application.pk).state == State.COMMITTEE_REVIEW

    # The committee's vote is recorded.
    page.goto(f"{site}/reviews/{application.pk}/")
    page.fill("#members", "21")
    page.fill("#present", "20")
    page.fill("#votes_for", "17")
    page.fill("#votes_against", "2")
    page.fill("#abstentions", "1")
    page.get_by_role("button", name="录入评审结果").click()
    expect(page.locator(".messages")).to_contain_text("评审结果已录入")
    # A pass goes to the committee's result notice; the bureau files it once that ends (the
    # notice itself is walked in e2e/test_committee_evaluation_journey.py).
    assert Application.objects.get(pk=application.pk).state == State.RESULT_NOTICE
    file_result(application)
    assert Application.objects.get(pk=application.pk).state == State.APPROVED
    applicant_sees(page, site, application, "审核通过，等待打印证书", "公示期满无异议")
    shot("applicant-timeline")
