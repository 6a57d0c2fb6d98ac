"""An applicant files an evaluation end to end in the browser; and a late submission is refused."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application, State
from portal.catalog.models import ApplicationWindow
from tests.e2e.helpers import login
from tests.filing_helpers import fill_everything, pdf_bytes, png_bytes, teacher_evaluation


def open_section(page, label):
    page.locator(".app-nav a").filter(has_text=label).first.click()
    expect(page.locator(".app-main h2").first).to_contain_text(label)


def open_nav(page, label):
    page.locator(".app-nav a").filter(has_text=label).first.click()


def add_row(page, key, values: dict, index=0):
    """Click 增加一条 (htmx) and fill row `index` of the `key` formset."""
    page.get_by_role("button", name="增加一条").click()
    first = next(iter(values))
    expect(page.locator(f"#id_{key}-{index}-{first}")).to_be_visible()
    for name, value in values.items():
        field = page.locator(f"#id_{key}-{index}-{name}")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        elif field.get_attribute("type") == "checkbox":
            field.set_checked(bool(value))
        else:
            field.fill(value)


def save(page):
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已保存")


def test_applicant_files_an_evaluation_end_to_end(page, site, demo, shot, tmp_path):
    year = timezone.localdate().year
    applicant = demo["applicant"]
    login(page, site, applicant.mobile)
    page.get_by_role("link", name="开始新的申报").click()

    # Choose the item, then series → level → title and an open committee (htmx refreshes the form).
    for field, label in (("#id_item", "职称评审"), ("#id_series", "中小学教师"), ("#id_level", "副高级")):
        with page.expect_navigation():
            page.select_option(field, label=label)
    expect(page.locator("#id_title")).to_be_visible()
    page.select_option("#id_title", label="高级教师（副高级）")
    page.select_option("#id_committee", index=1)
    shot("start")
    page.get_by_role("button", name="创建申报").click()
    expect(page.locator(".messages")).to_contain_text("申报已创建")

    # Basic information, with a photo; the ID-derived data is shown, not editable.
    photo = tmp_path / "photo.png"
    photo.write_bytes(png_bytes())
    page.fill("#id_ethnicity", "汉族")
    page.select_option("#id_politics", label="群众")
    page.fill("#id_work_start_date", "2010-08-01")
    page.set_input_files("#id_photo_upload", str(photo))
    page.check("input[name=wants_express][value='0']")
    save(page)
    expect(page.locator("img[alt=证件照]")).to_be_visible()
    shot("basic")

    # Current title: obtained in 2023 — too recent for 副高级 (5 years as 中级 needed).
    open_section(page, "现有职称")
    page.check("input[name=has_title][value=True]")
    page.fill("#id_series_name", "中小学教师")
    page.select_option("#id_level", label="中级")
    page.fill("#id_title_name", "一级教师")
    page.fill("#id_obtained_on", "2023-09-01")
    page.select_option("#id_obtained_by", label="评审")
    save(page)

    open_section(page, "学历学位")
    add_row(
        page,
        "education",
        {
            "degree": "本科",
            "academic_degree": "学士",
            "school": "云南师范大学",
            "major": "数学与应用数学",
            "start_date": "2006-09-01",
            "graduation_date": "2010-07-01",
            "chsi_code": "ABCD1234EFGH5678",
        },
    )
    # A second row is added without losing the first.
    add_row(page, "education", {"school": "临时"}, index=1)
    expect(page.locator("#id_education-0-school")).to_have_value("云南师范大学")
    page.check("input[name='education-1-DELETE']")
    shot("education-two-rows")
    save(page)

    open_section(page, "学习经历")
    add_row(
        page,
        "study",
        {"start_date": "2003-09-01", "end_date": "2006-07-01", "school": "昆明市第一中学", "stage": "高中"},
    )
    save(page)

    open_section(page, "工作经历")
    add_row(page, "work", {"start_date": "2010-08-01", "employer": "昆明市第一中学", "post": "数学教师"})
    save(page)

    for label in ("专业技术工作总结", "主要专业技术工作"):
        open_section(page, label)
        page.fill("#id_text", "任现职以来，认真履行岗位职责，承担高中数学教学和教研工作，" * 6)
        save(page)

    open_section(page, "课题项目")
    add_row(
        page,
        "projects",
        {
            "name": "高中数学建模教学研究",
            "source": "市教科院",
            "role": "主持",
            "start_date": "2019-03-01",
            "end_date": "2021-06-30",
        },
    )
    save(page)
    open_section(page, "专利")
    add_row(
        page,
        "patents",
        {
            "name": "一种数学教具",
            "number": "ZL202020123456.7",
            "kind": "实用新型",
            "granted_on": "2021-05-01",
            "rank": "1",
        },
    )
    save(page)
    open_section(page, "获奖")
    add_row(
        page,
        "awards",
        {
            "name": "昆明市优秀教师",
            "grade": "市级",
            "awarded_by": "昆明市教育体育局",
            "awarded_on": "2020-09-10",
            "rank": "1",
        },
    )
    save(page)
    open_section(page, "著作")
    add_row(
        page,
        "books",
        {"title": "高中数学解题方法", "publisher": "云南教育出版社", "published_on": "2022-01-01", "role": "参编"},
    )
    save(page)
    open_section(page, "论文")
    add_row(
        page,
        "papers",
        {
            "title": "数学建模在高中教学中的应用",
            "journal": "中学数学教学参考",
            "issue": "2021年第5期",
            "published_on": "2021-05-15",
            "rank": "1",
        },
    )
    save(page)

    open_section(page, "继续教育")
    add_row(
        page,
        "training",
        {"year": str(year - 1), "total_hours": "90", "public_hours": "30", "provider": "云南省继续教育平台"},
    )
    save(page)
    open_section(page, "年度考核")
    add_row(page, "assessments", {"year": str(year - 1), "result": "优秀"})
    save(page)
    open_section(page, "考试")
    add_row(page, "exams", {"name": "计算机应用能力", "taken_on": "2012-06-01", "score": "合格"})
    save(page)

    open_section(page, "诚信承诺")
    expect(page.locator("#commitment-text")).to_contain_text("本人郑重承诺")
    page.check("#id_confirm")
    page.get_by_role("button", name="确认承诺").click()
    expect(page.locator(".alert.success")).to_contain_text("确认承诺书")

    # Materials: the checklist lists what is missing, then every required slot is filled.
    open_nav(page, "完整性检查与提交")
    expect(page.locator("#missing-list")).to_contain_text("缺少材料")
    shot("checklist-missing")
    open_nav(page, "申报材料")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf_bytes())
    while page.locator(".slot.missing").count():
        slot = page.locator(".slot.missing").first
        slot.locator("input[type=file]").set_input_files(str(scan))
        slot.get_by_role("button", name="上传").click()
        expect(page.locator(".messages")).to_contain_text("已上传")
    shot("materials")

    # Checklist at zero; eligibility fails with a 2023 中级 title, naming the rule.
    open_nav(page, "完整性检查与提交")
    expect(page.locator("#complete")).to_be_visible()
    expect(page.locator("#eligibility-result")).to_contain_text("不符合申报条件")
    expect(page.locator("#eligibility-checks")).to_contain_text("副高级")
    shot("eligibility-fails")
    page.get_by_role("button", name="提交申报").click()
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator(".messages")).to_contain_text("不符合申报条件")
    assert Application.objects.get(applicant__mobile=applicant.mobile).state == State.DRAFT

    # With the 中级 title obtained in 2015 the applicant qualifies, and submits (once).
    open_section(page, "现有职称")
    page.fill("#id_obtained_on", "2015-09-01")
    save(page)
    open_nav(page, "完整性检查与提交")
    expect(page.locator("#eligibility-result")).to_contain_text("符合申报条件")
    shot("eligibility-passes")
    page.get_by_role("button", name="提交申报").click()
    expect(page.locator("#send-to")).to_contain_text("单位审核")
    expect(page.locator("#sent-materials")).to_contain_text("申报材料")
    shot("confirm")
    page.get_by_role("button", name="确认提交").dblclick()
    expect(page.locator(".messages")).to_contain_text("申报已提交")
    shot("submitted")
    application = Application.objects.get(applicant__mobile=applicant.mobile)
    assert application.state == State.UNIT_REVIEW
    assert application.filed_content["papers"][0]["title"] == "数学建模在高中教学中的应用"
    with page.expect_download() as download:
        page.get_by_role("link", name="下载我的申报材料备份（ZIP）").click()
    assert download.value.suggested_filename.endswith(".zip")


def test_submitting_after_the_window_closed_is_refused(page, site, demo, shot):
    from portal.accounts.models import User

    user = User.objects.get(mobile=demo["applicant"].mobile)
    application = fill_everything(teacher_evaluation(user))
    login(page, site, user.mobile)
    page.goto(f"{site}/applications/{application.pk}/checklist/")
    expect(page.locator("#complete")).to_be_visible()
    # The window closes while the page is open; the server checks the time at submit.
    ApplicationWindow.objects.filter(pk=application.window_id).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    page.get_by_role("button", name="提交申报").click()
    page.get_by_role("button", name="确认提交").click()
    expect(page.locator(".messages")).to_contain_text("申报时间已截止")
    expect(page.locator("#window .badge")).to_have_text("已截止")
    shot("window-closed")
    application.refresh_from_db()
    assert application.state == State.DRAFT
    open_nav(page, "学历学位")
    expect(page.locator("#id_education-0-school")).to_have_value("云南师范大学")
