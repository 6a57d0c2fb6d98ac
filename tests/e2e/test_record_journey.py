"""A returning applicant: the second application takes everything on record, nothing is typed
again; the record page shows what is kept and what a reviewer verified."""

from playwright.sync_api import expect

from applications.models import Application, Education, State
from tests.e2e.helpers import login
from tests.e2e.test_filing_bench import ROWS, Person, file_to_submission, recipe, start

RECORD_FIELDS = {f"#id_{key}-0-{name}" for key in ("education", "work", "study") for name in ROWS[key]}


class Typist(Person):
    """A person whose every typed field is remembered."""

    def __init__(self, page):
        super().__init__(page)
        self.typed = []

    def fill(self, selector, value):
        self.typed.append(selector)
        super().fill(selector, value)

    def choose(self, selector, label):
        self.typed.append(selector)
        super().choose(selector, label)


def test_a_returning_applicant_files_a_second_application_with_nothing_retyped(page, site, demo, tmp_path, shot):
    applicant = demo["applicant"]
    login(page, site, applicant.mobile)
    first = Typist(page)
    start(
        first, [("#id_item", "初、中级专业技术人才初次职称认定"), ("#id_series", "中小学教师"), ("#id_level", "助理级")]
    )
    file_to_submission(first, recipe(None), tmp_path)
    assert {"#id_education-0-school", "#id_work-0-employer"} <= set(first.typed)

    page.goto(f"{site}/record/")
    expect(page.locator("h1")).to_have_text("个人业务档案")
    expect(page.get_by_role("link", name="学历学位")).to_be_visible()
    shot("record")

    second = Typist(page)
    second.click(page.get_by_role("link", name="我的工作台"))
    start(second, [("#id_item", "职称评审"), ("#id_series", "中小学教师"), ("#id_level", "副高级")])
    # The education taken in from the record, as typed the first time, not marked as missing.
    page.get_by_role("navigation", name="申报栏目").get_by_role("link", name="学历学位").click()
    expect(page.locator("#id_education-0-school")).to_have_value(ROWS["education"]["school"])
    expect(page.locator(".app-nav li.current")).not_to_have_class("missing")
    shot("second-application-education-from-record")
    page.get_by_role("navigation", name="申报栏目").get_by_role("link", name="基本信息").click()
    title = {"series_name": "中小学教师", "level": "中级", "title_name": "一级教师", "obtained_on": "2015-09-01"}
    file_to_submission(second, recipe(title), tmp_path)
    shot("second-application-submitted")

    retyped = [selector for selector in second.typed if selector in RECORD_FIELDS and "study" not in selector]
    assert retyped == [], retyped
    assert "#id_ethnicity" not in second.typed and "#id_work_start_date" not in second.typed
    filed = Application.objects.filter(applicant__mobile=applicant.mobile).exclude(state=State.DRAFT)
    assert filed.count() == 2
    assert Education.objects.filter(person__mobile=applicant.mobile).count() == 1
    assert all(a.filed_content["education"][0]["school"] == ROWS["education"]["school"] for a in filed)
