"""The hierarchy grown from above (issue 11): the bureau creates a supervising department → its
reviewer, invited by SMS, registers and creates a subordinate unit (创建下级单位) → the unit's HR
officer, invited the same way, registers, logs in and runs the unit."""

from playwright.sync_api import expect

from portal.core.identity import with_credit_check
from tests.e2e.helpers import login
from tests.factories import id_number

PASSWORD = "Hierarchy@2026"
CODE = with_credit_check("12530100431200099")
WRONG_CODE = CODE[:17] + ("0" if CODE[17] != "0" else "1")


def _register_invited(page, site, phone, name, mobile):
    page.context.clear_cookies()
    page.goto(f"{site}/units/invitation/")
    page.fill("#id_real_name", name)
    page.fill("#id_id_number", id_number())
    page.fill("#id_mobile", mobile)
    page.click("#send-code")
    expect(page.locator(".messages")).to_contain_text("验证码已发送")
    page.fill("#id_code", phone.code(mobile))
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="注册并接受邀请").click()
    expect(page.locator("h1")).to_have_text("注册已提交")


def test_bureau_creates_a_department_which_creates_a_unit_whose_officer_logs_in(page, site, demo, phone, shot):
    login(page, site, demo["bureau_approver"].mobile)
    page.click("#hierarchy-link")
    page.click("#department-create-link")
    page.fill("#id_name", "昆明市林业和草原局")
    page.select_option("#id_region", label="昆明市")
    page.fill("#id_reviewer_real_name", "马骏")
    page.fill("#id_reviewer_mobile", "13912340001")
    shot("department-form")
    page.get_by_role("button", name="创建", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已创建主管部门“昆明市林业和草原局”")
    expect(page.locator("#departments")).to_contain_text("马骏（已邀请，待注册）")
    shot("department-created")

    _register_invited(page, site, phone, "马骏", "13912340001")
    login(page, site, "13912340001", PASSWORD)
    page.click("#subordinate-units-link")
    page.fill("#id_name", "昆明市海口林场")
    page.fill("#id_credit_code", WRONG_CODE)
    page.get_by_role("button", name="创建下级单位").click()
    expect(page.locator("#field-credit_code")).to_contain_text("校验位不正确")
    shot("credit-code-refused")
    page.fill("#id_credit_code", CODE)
    page.select_option("#id_region", label="昆明市")
    page.fill("#id_officer_real_name", "何芳")
    page.fill("#id_officer_mobile", "13912340002")
    page.get_by_role("button", name="创建下级单位").click()
    expect(page.locator(".messages")).to_contain_text("已创建下级单位“昆明市海口林场”")
    expect(page.locator("#units")).to_contain_text("已通过")
    shot("unit-created")

    _register_invited(page, site, phone, "何芳", "13912340002")
    login(page, site, "13912340002", PASSWORD)
    section = page.locator("#role-unit_hr")
    expect(section).to_contain_text("昆明市海口林场")
    shot("officer-home")
    page.get_by_role("link", name="人员管理").click()
    expect(page.locator("h1")).to_contain_text("昆明市海口林场")
    shot("officer-staff-page")
