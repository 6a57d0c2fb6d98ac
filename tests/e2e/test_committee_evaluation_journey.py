"""A whole evaluation before a committee, in the browser, with real expert accounts: the office
draws the experts, they score the file online, the office takes the roll call and opens the vote,
the experts vote on their own accounts (one on paper through the office), the office closes, the
designated chair signs, the office publishes the result notice and records it, the bureau files
the result (核准备案) and the certificate follows."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application, State
from certificates.models import Certificate
from reviews.models import NoticeKind, Rubric, SessionExpert, UnitNotice
from tests.e2e.helpers import login
from tests.factories import PASSWORD
from tests.workflow_helpers import DEMO, at


def test_a_whole_committee_evaluation(page, site, demo, shot):
    application = at(State.COMMITTEE_REVIEW, "evaluation")
    login(page, site, DEMO["committee_office"])
    page.locator("#sessions-link").click()
    page.select_option("#id_committee", str(application.committee_id))
    page.fill("#id_year", "2026")
    page.fill("#id_experts_to_draw", "3")
    page.get_by_role("button", name="创建").click()
    page.locator("#draw").click()
    expect(page.locator(".messages")).to_contain_text("已随机抽取专家")
    page.locator("#open-review").click()
    expect(page.locator(".messages")).to_contain_text("网络评审已开始")
    session_url = page.url.split("#")[0]
    shot("drawn-and-review-open")

    members = list(SessionExpert.objects.select_related("expert__user").order_by("id"))
    experts = [m.expert.user for m in members]
    for person in experts:  # the pool's accounts, given their first password by the office
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
    categories = list(Rubric.objects.get(series=application.series).categories.all())

    for index, person in enumerate(experts):
        login(page, site, person.mobile, PASSWORD)
        page.goto(f"{site}/reviews/online/")
        page.get_by_role("link", name=application.applicant.real_name).click()
        for category in categories:
            page.fill(f"#id_points_{category.pk}", str(category.weight - 1))
            page.fill(f"#id_comment_{category.pk}", "业绩突出")
        page.fill("#id_comment", "材料扎实，同意推荐。")
        if index == 0:
            shot("expert-scores")
        page.locator("#submit-review").click()
        expect(page.locator(".messages")).to_contain_text("评审意见已提交")

    login(page, site, DEMO["committee_office"])
    page.goto(session_url)
    expect(page.locator("#review-progress")).to_contain_text(experts[0].real_name)
    for member in members:
        page.locator(f"#attendance-form input[value='{member.pk}']").check()
    page.locator("#record-attendance").click()
    expect(page.locator(".messages")).to_contain_text("签到情况已登记")
    page.select_option("#id_chair", str(members[0].pk))
    page.get_by_role("button", name="指定签发人").click()
    page.locator("#open-vote").click()
    expect(page.locator(".messages")).to_contain_text("表决已开始")
    shot("roll-call-and-vote-open")

    for person in experts[:2]:
        login(page, site, person.mobile, PASSWORD)
        page.goto(f"{site}/reviews/ballots/")
        row = page.locator(f"#ballot-{application.pk}")
        row.get_by_label("同意", exact=True).check()
        if person == experts[0]:
            shot("expert-ballot")
        row.get_by_role("button", name="投票").click()
        expect(page.locator(".messages")).to_contain_text("已投票")
        expect(page.locator(f"#ballot-{application.pk}")).to_contain_text("已投票")

    login(page, site, DEMO["committee_office"])
    page.goto(session_url)
    page.locator("#paper-ballot summary").click()
    page.select_option("#id_member", str(members[2].pk))
    page.locator("#paper-ballot").get_by_label("不同意").check()
    page.get_by_role("button", name="录入选票").click()
    expect(page.locator(".messages")).to_contain_text("纸质选票已录入")
    expect(page.locator(f"#tally-{application.pk}")).to_contain_text("2")
    page.locator("#close-vote").click()
    expect(page.locator(".messages")).to_contain_text("表决已结束")
    shot("tallies-closed")

    login(page, site, experts[0].mobile, PASSWORD)
    page.goto(f"{site}/reviews/ballots/")
    expect(page.locator("main")).to_contain_text("签发评审结果")
    page.locator("#chair-sign").click()
    expect(page.locator(".messages")).to_contain_text("评审结果已签发")
    assert Application.objects.get(pk=application.pk).state == State.RESULT_NOTICE

    login(page, site, DEMO["committee_office"])
    page.goto(session_url)
    page.fill("#id_title", "昆明市中小学高级教师评审委员会2026年度评审结果公示")
    expect(page.locator("#id_phone")).to_have_value("0871-63135921")  # the office's, filled in
    page.locator("#publish-notice").click()
    expect(page.locator(".messages")).to_contain_text("评审结果公示已发布")
    visitor = page.context.browser.new_page()
    visitor.goto(f"{site}/notices/")
    expect(visitor.locator("main")).to_contain_text("2026年度评审结果公示")
    expect(visitor.locator("main")).to_contain_text(application.applicant.real_name)
    visitor.screenshot(path=str(shot("result-notice-office").parent / "public-result-notice.png"), full_page=True)
    visitor.close()

    # Five working days pass.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    UnitNotice.objects.filter(kind=NoticeKind.RESULT).update(
        start_date=yesterday - datetime.timedelta(days=7), end_date=yesterday
    )
    notice = UnitNotice.objects.get(kind=NoticeKind.RESULT)
    page.goto(session_url)
    page.locator(f"#result-notice-{notice.pk}").get_by_label("公示无异议").check()
    page.locator(f"#conclude-notice-{notice.pk}").click()
    expect(page.locator(".messages")).to_contain_text("公示结果已登记")

    login(page, site, DEMO["bureau_approver"])
    page.goto(f"{site}/reviews/{application.pk}/")
    expect(page.locator("#committee-tally")).to_contain_text("同意2票")
    page.fill("#opinion", "评审结果公示无异议，核准备案。")
    shot("bureau-filing")
    page.get_by_role("button", name="公示无异议，核准备案").click()
    expect(page.locator("#state")).to_have_text("已通过，待打证")
    assert Certificate.objects.filter(application=application).exists()

    login(page, site, DEMO["applicant"])
    page.goto(f"{site}/applications/{application.pk}/timeline/")
    text = page.locator("main").inner_text()
    assert "评审结果公示" in text and "同意2" not in text
    assert not [m.expert.user.real_name for m in members if m.expert.user.real_name in text]
    shot("applicant-timeline")
