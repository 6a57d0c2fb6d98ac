"""The window clerk's desk in a real browser: search the queue (by the whole ID number), tick the paper originals and
accept without an opinion, print the receipt from the page, scan (type) the acceptance number to
open the file again, and export the queue."""

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from applications.acceptance import ascii_form
from applications.models import State
from tests.e2e.helpers import login
from tests.test_certificates_helpers import pdf_text, pdf_to_png
from tests.workflow_helpers import DEMO, at


def test_window_desk_journey(page, site, demo, shot, tmp_path):
    application = at(State.WINDOW_INTAKE, "initial_recognition")
    ticked = application.materials.first()
    login(page, site, DEMO["window_staff"])
    page.get_by_role("link", name="审核工作", exact=True).click()

    search = page.locator("#id_q")
    # ID numbers are encrypted at rest: the whole number is found, through its blind index.
    search.fill(application.applicant.id_number)
    search.press("Enter")
    expect(page.locator(f"#application-{application.pk}")).to_be_visible()
    shot("search-by-id-number")

    page.locator(f"#application-{application.pk} a").first.click()
    page.locator(f'input[name="original"][value="{ticked.pk}"]').check()
    shot("originals-ticked")
    page.locator("#decision").get_by_role("button", name="核对原件无误，受理", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已处理")
    application.refresh_from_db()
    expect(page.locator("#acceptance-number")).to_have_text(application.acceptance_number)
    expect(page.locator("#print-receipt")).to_be_visible()
    shot("accepted-with-print-button")

    receipt = page.request.get(site + page.locator("#print-receipt").get_attribute("href"))
    assert receipt.headers["content-type"] == "application/pdf"
    text = pdf_text(receipt.body(), tmp_path)
    rows = {
        line.split()[1]: line.split()[-1]
        for line in text.splitlines()
        if line.split()[:1] and line.split()[0].isdigit()
    }
    assert rows[ticked.display_name] == "已核验"
    assert list(rows.values()).count("已核验") == 1
    pdf_to_png(receipt.body(), "window-journey-receipt")

    page.get_by_role("link", name="审核工作", exact=True).click()
    page.locator("#id_q").fill(application.acceptance_number)
    page.locator("#id_q").press("Enter")  # what a USB scanner types
    expect(page).to_have_url(f"{site}/reviews/{application.pk}/")
    shot("scanned-acceptance-number-opens-file")

    # A keyboard-wedge scanner that types only ASCII reads the QR's form of the number.
    page.get_by_role("link", name="审核工作", exact=True).click()
    page.locator("#id_q").fill(ascii_form(application.acceptance_number))
    page.locator("#id_q").press("Enter")
    expect(page).to_have_url(f"{site}/reviews/{application.pk}/")
    shot("typed-ascii-form-opens-file")

    page.get_by_role("link", name="返回审核列表").click()
    page.select_option("#id_scope", "all")
    page.select_option("#id_sort", "waiting")
    page.get_by_role("button", name="筛选").click()
    with page.expect_download() as download:
        page.locator("#queue-export").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "申报人"
    assert application.acceptance_number in [r[9] for r in rows[1:]]
    shot("queue-sorted-by-waiting")
