"""The axe-core check itself (tests/plugins/accessibility.py): it finds what it should, passes
what it should, and sees htmx swaps. Snapshots are served by the check, so no live server is needed."""

from playwright.sync_api import expect

from tests.plugins.accessibility import AxeAudit, report

PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><title>检查</title></head><body>
<main><h1>检查</h1>{}</main></body></html>"""


def audit_of(browser, *bodies):
    audit = AxeAudit(browser)
    for n, body in enumerate(bodies):
        audit.keep(f"http://a11y.test/{n}/", PAGE.format(body))
    return audit


def test_serious_and_critical_violations_are_found(browser):
    found = audit_of(
        browser,
        '<form><input type="text" name="q"></form>',  # critical: no label
        '<p style="color:#bbb;background:#fff">浅灰色的字</p>',  # serious: contrast
    ).violations()
    rules = {violation["id"] for _, violation in found}
    assert rules == {"label", "color-contrast"}
    text = report(found)
    assert "[critical] label" in text and "http://a11y.test/0/" in text and '<input type="text" name="q">' in text


def test_a_clean_page_and_minor_issues_pass(browser):
    # A heading level skipped is "moderate": reported by axe, not a failure here.
    clean = '<label for="q">查询</label><input id="q" type="text"><h3>小标题</h3>'
    assert audit_of(browser, clean).violations() == []


def test_the_same_page_rendered_twice_is_checked_once(browser):
    token = '<form><input type="hidden" name="csrfmiddlewaretoken" value="{}"></form>'
    audit = AxeAudit(browser)
    audit.keep("http://a11y.test/x/", PAGE.format(token.format("aaa")))
    audit.keep("http://a11y.test/x/#top", PAGE.format(token.format("bbb")))
    assert len(audit.snapshots) == 1


def test_pages_and_htmx_swaps_are_snapshotted(page, site, demo, axe_audit):
    page.goto(f"{site}/accounts/register/")
    page.locator("#id_unit").press_sequentially("第一中学", delay=20)
    expect(page.locator("#unit-suggestions option")).to_have_count(1)

    def register():
        return [s.html for s in axe_audit.snapshots.values() if s.url == f"{site}/accounts/register/"]

    for _ in range(40):  # htmx settles a moment after the swap; the snapshot follows
        if len(register()) == 2:
            break
        page.wait_for_timeout(50)
    shots = register()
    assert len(shots) == 2  # as loaded, and with the suggestions htmx swapped in
    assert "昆明市第一中学" not in shots[0] and "昆明市第一中学" in shots[1]
