"""An applicant in Kunming choosing an exam-only series at an exam level is told at the start,
before anything is created (issue 11)."""

from playwright.sync_api import expect

from applications.models import Application
from tests.e2e.helpers import login


def test_the_start_page_refuses_an_exam_only_series(page, site, demo, shot):
    login(page, site, demo["applicant"].mobile)
    page.get_by_role("link", name="开始新的申报").click()
    for field, label in (("#id_item", "职称评审"), ("#id_series", "会计人员"), ("#id_level", "中级")):
        with page.expect_navigation():
            page.select_option(field, label=label)
    expect(page.locator("#exam-only")).to_contain_text("昆明市规定：会计人员系列中级职称实行全国或本地统一考试")
    expect(page.locator("#exam-only")).to_contain_text("第16问")
    shot("exam-only-refused")
    # 高级会计师 is evaluated: no refusal there.
    with page.expect_navigation():
        page.select_option("#id_level", label="副高级")
    expect(page.locator("#id_title")).to_be_visible()
    expect(page.locator("#exam-only")).to_have_count(0)
    shot("senior-accountant-allowed")
    assert not Application.objects.filter(applicant__mobile=demo["applicant"].mobile).exists()
