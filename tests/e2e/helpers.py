"""What the browser journeys share: logging in through the login page."""

import re
from base64 import b32decode

from playwright.sync_api import expect

from home.demo import DEMO_PASSWORD
from portal.accounts.backends import find_user_by_login
from tests.second_factor_helpers import current_code, fresh_code

HOME = re.compile(r"/home/$")
AFTER_PASSWORD = re.compile(r"/home/$|/accounts/second-factor/")
# The code form's button, not the header's logout button (also a submit button).
CODE_SUBMIT = "form:has(#id_code) button[type=submit]"


def login(page, site, username, password=DEMO_PASSWORD, *, succeeds=True):
    """Log in as `username` (mobile or ID number; the demo accounts' password unless given) from a
    fresh session. With `succeeds`, wait until the home page shows; otherwise leave the login page
    with its message for the test to check."""
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    if succeeds:
        page.wait_for_url(AFTER_PASSWORD)
        pass_second_factor(page, username)
        expect(page).to_have_url(HOME)


def pass_second_factor(page, username):
    """Staff are asked for a code after the password: type the authenticator's current one, or
    enrol first when the account has none (reading the secret off the page, as a person's app
    would from the QR code)."""
    if "/accounts/second-factor/setup/" in page.url:
        secret = b32decode(page.locator("#totp-secret").inner_text().replace(" ", "")).hex()
        page.fill("#id_code", current_code(secret))
        page.click(CODE_SUBMIT)
        page.click("text=我已保存，继续")
    elif "/accounts/second-factor/" in page.url:
        page.fill("#id_code", fresh_code(find_user_by_login(username)))
        page.click(CODE_SUBMIT)
