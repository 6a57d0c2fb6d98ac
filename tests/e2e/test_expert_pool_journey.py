"""The committee office keeps its expert pool in the browser: adds one expert, imports a sheet
with a wrong row (nothing imported, the row named), imports it corrected, retires an expert.
The expert logs in and sees their place in the pool."""

from io import BytesIO

from openpyxl import Workbook
from playwright.sync_api import expect

from home.demo import DEMO_EXPERT_UNIT_CODE
from portal.core.identity import with_check_digit
from reviews import experts
from reviews.models import Expert, ExpertStatus
from tests.e2e.helpers import login
from tests.workflow_helpers import DEMO


def _sheet(tmp_path, name, rows):
    workbook = Workbook()
    workbook.active.append(list(experts.IMPORT_COLUMNS))
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    buffer = BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def _row(n, name, level="正高级"):
    return [
        name,
        with_check_digit(f"5301021968{n:02d}2180{n}"),
        f"1360000{n:04d}",
        "中小学教师",
        "中学生物",
        level,
        DEMO_EXPERT_UNIT_CODE,
        "",
    ]


def test_office_keeps_the_expert_pool(page, site, demo, shot, tmp_path):
    login(page, site, DEMO["committee_office"])
    page.locator("#expert-pool-link").click()
    expect(page.locator("h1")).to_contain_text("专家库")
    expect(page.locator("#expert-list")).to_contain_text("孙丽")
    expect(page.locator("#expert-list")).to_contain_text("138****0007")
    shot("pool")

    page.fill("#id_real_name", "沈洁")
    page.fill("#id_id_number", with_check_digit("53010219690303220"))
    page.fill("#id_mobile", "13600000099")
    page.fill("#id_series", "中小学教师")
    page.fill("#id_speciality", "中学地理")
    page.fill("#id_level", "副高级")
    page.fill("#id_unit_code", DEMO_EXPERT_UNIT_CODE)
    page.get_by_role("button", name="加入专家库").click()
    expect(page.locator(".messages")).to_contain_text("已将沈洁加入专家库")

    bad = _sheet(tmp_path, "bad.xlsx", [_row(1, "甲专家"), _row(2, "乙专家", level="特级")])
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.locator("#import-errors")).to_contain_text("第3行")
    expect(page.locator("#import-errors")).to_contain_text("特级")
    assert not Expert.objects.filter(user__real_name="甲专家").exists()
    shot("import-refused")

    good = _sheet(tmp_path, "good.xlsx", [_row(1, "甲专家"), _row(2, "乙专家")])
    page.set_input_files("#id_file", str(good))
    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已导入2名专家")

    expert = Expert.objects.get(user__real_name="沈洁")
    page.locator(f"#expert-{expert.pk}").get_by_role("button", name="出库").click()
    expect(page.locator(f"#expert-{expert.pk}")).to_contain_text("出库")
    assert Expert.objects.get(pk=expert.pk).status == ExpertStatus.RETIRED
    shot("pool-after")

    login(page, site, DEMO["committee_expert"])
    expect(page.locator("#role-committee_expert")).to_contain_text("昆明市教育体育局")
    shot("expert-home")
