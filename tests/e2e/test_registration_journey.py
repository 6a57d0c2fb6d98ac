"""A unit registers → its department approves → an applicant proves their mobile, registers under
it and logs in."""

import re

from playwright.sync_api import expect

from portal.core.identity import with_check_digit, with_credit_check
from portal.organizations.models import Organization, OrgStatus
from tests.e2e.helpers import login


def test_unit_registers_department_approves_applicant_joins(page, site, demo, shot, phone):
    credit_code = with_credit_check("12530102431209876")
    officer_id = with_check_digit("53010219860606301")
    applicant_id = with_check_digit("46040019950808201")  # Danzhou: rejected by python-stdnum's table

    # 1. The unit's HR officer registers the unit.
    page.goto(f"{site}/units/register/")
    expect(page.locator("h1")).to_have_text("单位注册")
    page.fill("#id_unit_name", "昆明市五华区春城实验学校")
    page.fill("#id_credit_code", credit_code[:-1] + ("0" if credit_code[-1] != "0" else "1"))
    page.select_option("#id_region", label="五华区")
    page.select_option("#id_parent", label="五华区人力资源和社会保障局")
    page.fill("#id_address", "五华区学府路1号")
    page.fill("#id_phone", "0871-65123456")
    page.fill("#id_real_name", "孙经办")
    page.fill("#id_id_number", officer_id)
    page.fill("#id_mobile", "13700000011")
    page.fill("#id_password1", "Chunhua#2026")
    page.fill("#id_password2", "Chunhua#2026")
    # The officer's mobile is proven: the code goes to it, and everything typed stays.
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator(".messages")).to_contain_text("验证码已发送到137****0011")
    expect(page.locator("#id_unit_name")).to_have_value("昆明市五华区春城实验学校")
    expect(page.locator("#field-credit_code .errorlist")).to_have_count(0)
    page.fill("#id_code", phone.code("13700000011"))
    page.get_by_role("button", name="提交注册").click()
    # A wrong check character: the message is at the field and everything typed is still there.
    expect(page.locator("#field-credit_code .errorlist")).to_contain_text("校验位")
    expect(page.locator("#id_unit_name")).to_have_value("昆明市五华区春城实验学校")
    expect(page.locator("#id_id_number")).to_have_value(officer_id)
    shot("unit-register-error")
    page.fill("#id_credit_code", credit_code)
    page.get_by_role("button", name="提交注册").click()
    expect(page.locator("h1")).to_have_text("单位注册已提交")
    shot("unit-registered")
    assert Organization.objects.get(credit_code=credit_code).status == OrgStatus.PENDING

    # 2. An applicant cannot pick the unit yet.
    page.goto(f"{site}/accounts/register/")
    page.fill("#id_unit", credit_code)
    page.fill("#id_real_name", "黄申报")
    page.fill("#id_id_number", applicant_id)
    page.fill("#id_mobile", "13700000012")
    page.fill("#id_password1", "Qiuju#2026x")
    page.fill("#id_password2", "Qiuju#2026x")
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page.locator("#field-unit .errorlist")).to_contain_text("尚未通过主管部门审核")
    shot("applicant-unit-pending")

    # 3. The department reviewer logs in and approves.
    login(page, site, demo["dept_reviewer"].mobile)
    expect(page.locator("#role-dept_reviewer")).to_contain_text("待审核单位注册 1 个")
    shot("department-dashboard")
    page.get_by_role("link", name="审核单位注册").click()
    row = page.locator("tr", has_text="昆明市五华区春城实验学校")
    expect(row).to_contain_text("孙经办")
    shot("department-review-list")
    row.get_by_role("button", name="通过", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已通过")
    page.click("text=退出")

    # 4. The applicant asks for a code for their mobile, registers under the approved unit
    #    (suggested by name) with it, and is sent to log in.
    page.goto(f"{site}/accounts/register/")
    page.fill("#id_real_name", "黄申报")
    page.fill("#id_id_number", applicant_id)
    page.fill("#id_mobile", "13700000012")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator(".messages")).to_contain_text("验证码已发送到137****0012")
    expect(page.locator("#id_id_number")).to_have_value(applicant_id)
    shot("applicant-code-sent")
    page.fill("#id_code", phone.code("13700000012"))
    page.locator("#id_unit").press_sequentially("春城实验", delay=20)
    expect(page.locator("#unit-suggestions option")).to_have_count(1)
    page.fill("#id_unit", credit_code)
    page.fill("#id_password1", "Qiuju#2026x")
    page.fill("#id_password2", "Qiuju#2026x")
    shot("applicant-register-with-code")
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator(".messages")).to_contain_text("注册已提交")
    shot("applicant-registered")

    # 5. …logs in with the ID number and lands on their home, in their unit.
    login(page, site, applicant_id, "Qiuju#2026x")
    expect(page).to_have_url(re.compile(r"/home/$"))
    expect(page.locator("h1")).to_contain_text("黄申报")
    expect(page.locator("#role-applicant")).to_contain_text("昆明市五华区春城实验学校")
    shot("applicant-home")
