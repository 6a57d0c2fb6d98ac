"""Three wrong passwords lock an account → the unit HR officer unlocks it → the person logs in."""

import re

from playwright.sync_api import expect

from tests.e2e.helpers import login


def test_lockout_and_unlock_by_unit_officer(page, site, demo, shot):
    applicant = demo["applicant"]
    for attempt in range(2):
        login(page, site, applicant.mobile, f"wrong-{attempt}", succeeds=False)
        expect(page.locator(".alert.error")).to_contain_text("账号或密码不正确")
    shot("wrong-password")
    login(page, site, applicant.id_number, "wrong-3", succeeds=False)
    expect(page.locator("#locked-message")).to_contain_text("已被锁定")
    shot("locked")
    login(page, site, applicant.mobile, succeeds=False)  # the right password, but locked
    expect(page.locator("#locked-message")).to_be_visible()

    login(page, site, demo["unit_hr"].mobile)
    expect(page.locator("#role-unit_hr")).to_contain_text("被锁定账号")
    page.get_by_role("link", name="人员管理").click()
    row = page.locator("tr", has_text=applicant.real_name)
    expect(row.locator(".badge")).to_have_text("已锁定")
    shot("staff-locked")
    row.locator("button", has_text="解锁").click()
    expect(page.locator(".messages")).to_contain_text("已解锁")
    expect(page.locator("tr", has_text=applicant.real_name).locator(".badge")).to_have_text("正常")
    shot("staff-unlocked")
    page.click("text=退出")

    login(page, site, applicant.mobile)
    expect(page).to_have_url(re.compile(r"/home/$"))
    shot("applicant-home")


def test_phone_width_home_and_login(page, site, shot):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{site}/")
    expect(page.locator("h1")).to_have_text("职称申报办事指南")
    shot("home-phone")
    page.goto(f"{site}/committees/")
    expect(page.locator("#committee-count")).to_contain_text("共 58 个评审委员会")
    shot("committees-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
