"""Login protection in the browser: an attacker's guesses lock only the attacker's address out, an
address spraying accounts is asked to wait, and staff pass a second factor (enrolment, the code,
a recovery code)."""

import re
from base64 import b32decode

from playwright.sync_api import expect

from home.demo import DEMO_PASSWORD
from tests.e2e.helpers import CODE_SUBMIT, HOME, login
from tests.factories import PASSWORD, member
from tests.second_factor_helpers import current_code

ATTACKER = {"X-Forwarded-For": "203.0.113.7"}
OWNER = {"X-Forwarded-For": "198.51.100.20"}


def test_attacker_locks_only_their_address_and_spraying_is_slowed(page, site, demo, settings, shot):
    settings.REVERSE_PROXY_COUNT = 1  # the live server stands for the proxy: read X-Forwarded-For
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    officer = demo["unit_hr"]
    page.set_extra_http_headers(ATTACKER)
    for attempt in range(3):
        login(page, site, officer.mobile, f"Guess#{attempt}", succeeds=False)
    expect(page.locator("#locked-message")).to_contain_text("仅对本网络地址")
    shot("attacker-locked")
    # The same address goes on to other accounts: past the limit it is asked to wait.
    login(page, site, demo["window_staff"].mobile, "Guess#3", succeeds=False)
    login(page, site, demo["bureau_approver"].mobile, "Guess#4", succeeds=False)
    login(page, site, demo["dept_reviewer"].mobile, "Guess#5", succeeds=False)
    expect(page.locator("main")).to_contain_text(re.compile(r"尝试过于频繁，请 \d+ 秒后再试"))
    shot("address-slowed")

    # The officer at their own desk logs in as usual, password and second factor.
    page.set_extra_http_headers(OWNER)
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", officer.mobile)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/\?next="))
    shot("second-factor-asked")
    login(page, site, officer.mobile)
    expect(page.locator("#role-unit_hr")).to_be_visible()
    shot("officer-home")


def test_new_staff_enrol_then_use_a_code_and_a_recovery_code(page, site, shot):
    reviewer = member("dept_reviewer", real_name="王审核")
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", reviewer.mobile)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/setup/"))
    expect(page.locator("#totp-qr svg")).to_be_visible()
    shot("enrol")
    # Somewhere else than a staff page: still the enrolment.
    page.goto(f"{site}/reviews/")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/setup/"))

    page.fill("#id_code", "000000")
    page.click(CODE_SUBMIT)
    expect(page.locator(".errorlist")).to_contain_text("验证码不正确")
    secret_text = page.locator("#totp-secret").inner_text().replace(" ", "")
    secret = b32decode(secret_text).hex()
    page.fill("#id_code", current_code(secret))
    page.click(CODE_SUBMIT)
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    shot("recovery-codes")
    page.click("text=我已保存，继续")
    expect(page).to_have_url(re.compile(r"/reviews/$"))  # where they were going

    # Next time: password, then a recovery code (no phone at hand); the code works once.
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", reviewer.mobile)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/\?"))
    shot("verify")
    page.fill("#id_code", codes[0])
    page.click(CODE_SUBMIT)
    expect(page).to_have_url(HOME)
    shot("home-after-recovery-code")
