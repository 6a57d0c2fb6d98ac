"""What the browser journeys share: logging in through the login page."""

import re

from playwright.sync_api import expect

from home.demo import DEMO_PASSWORD

HOME = re.compile(r"/home/$")


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
        expect(page).to_have_url(HOME)
