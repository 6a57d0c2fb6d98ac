"""The unit HR officer removes an applicant → the person asks to join again from their profile →
nothing changes until the officer agrees on the staff page."""

from playwright.sync_api import expect

from tests.e2e.helpers import login


def test_removed_applicant_rejoins_only_with_the_officers_agreement(page, site, demo, shot):
    applicant, officer = demo["applicant"], demo["unit_hr"]
    page.on("dialog", lambda dialog: dialog.accept())  # the removal asks to confirm

    login(page, site, officer.mobile)
    page.get_by_role("link", name="人员管理").click()
    page.locator("tr", has_text=applicant.real_name).locator("button", has_text="移出本单位").click()
    expect(page.locator(".messages")).to_contain_text("已将")
    page.click("text=退出")

    login(page, site, applicant.mobile)
    page.goto(f"{site}/accounts/profile/")
    page.fill("#id_unit", "昆明市第一中学")
    page.click("#join-unit button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("待单位经办人同意后生效")
    expect(page.locator("#join-pending")).to_contain_text("昆明市第一中学")
    shot("join-pending")
    page.click("text=退出")

    login(page, site, officer.mobile)
    page.get_by_role("link", name="人员管理").click()
    requests = page.locator("#join-requests")
    expect(requests).to_contain_text(applicant.real_name)
    shot("join-requests")
    requests.locator("button", has_text="同意加入").click()
    expect(page.locator(".messages")).to_contain_text("已同意")
    expect(page.locator("#join-requests")).to_have_count(0)
    expect(page.locator("tr", has_text=applicant.real_name)).to_be_visible()
    shot("joined")
