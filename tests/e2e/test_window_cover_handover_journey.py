"""The window's desk in a real browser, continued: after accepting, print the file's cover sheet
(its QR, read from the rendered page, typed as a scanner would into the search, opens the file);
and hand over several printed certificates in one action."""

from playwright.sync_api import expect

from applications.models import Application, State
from certificates.models import Handover, HandoverMethod, PrintLog
from portal.organizations.models import Organization
from tests.e2e.helpers import login
from tests.factories import ApplicationFactory
from tests.test_certificates_helpers import pdf_text, pdf_to_png
from tests.test_documents import scan_qr
from tests.workflow_helpers import DEMO, at, user


def test_window_cover_sheet_journey(page, site, demo, shot, tmp_path):
    application = at(State.WINDOW_INTAKE, "initial_recognition")
    login(page, site, DEMO["window_staff"])
    page.goto(f"{site}/reviews/{application.pk}/")
    page.locator(f'input[name="original"][value="{application.materials.first().pk}"]').check()
    page.locator("#decision").get_by_role("button", name="核对原件无误，受理", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("已处理")
    expect(page.locator("#print-cover")).to_be_visible()
    shot("accepted-with-cover-button")

    # The button posts the form into a new tab; the same request here gives the PDF to read.
    token = page.locator("#cover-form input[name=csrfmiddlewaretoken]").get_attribute("value")
    action = page.locator("#cover-form").get_attribute("action")
    cover = page.request.post(site + action, form={"csrfmiddlewaretoken": token}, headers={"Referer": page.url})
    assert cover.status == 200 and cover.headers["content-type"] == "application/pdf"
    application.refresh_from_db()
    assert application.acceptance_number in pdf_text(cover.body(), tmp_path)
    png = pdf_to_png(cover.body(), "window-journey-cover-sheet", dpi=150, also_to=tmp_path)
    scanned = scan_qr(png)

    page.get_by_role("link", name="审核工作", exact=True).click()
    page.locator("#id_q").fill(scanned)
    page.locator("#id_q").press("Enter")  # what a USB scanner types from the cover sheet
    expect(page).to_have_url(f"{site}/reviews/{application.pk}/")
    shot("cover-sheet-qr-opens-file")


def _printed(*, express=False):
    application = ApplicationFactory(
        state=State.APPROVED, with_certificate=True, unit=Organization.objects.get(name="昆明市第一中学")
    )
    if express:
        Application.objects.filter(pk=application.pk).update(
            wants_express=True, express_address="昆明市五华区人民中路1号"
        )
    PrintLog.objects.create(certificate=application.certificate, sequence=1, printed_by=user("window_staff"))
    return application.certificate


def test_window_batch_handover_journey(page, site, demo, shot):
    pickup = [_printed(), _printed()]
    posted = _printed(express=True)
    login(page, site, DEMO["window_staff"])
    page.goto(f"{site}/certificates/print/")
    page.locator("#select-all-handover").check()
    page.fill("#id_carrier", "中国邮政EMS")
    page.fill(f'input[name="tracking-{posted.pk}"]', "1187654321098")
    shot("handover-selected")
    page.locator("#handover-selected").click()
    expect(page.locator(".messages")).to_contain_text("已登记发放 3 张证书")
    expect(page.locator("#awaiting-handover")).to_contain_text("没有待发放的证书")
    shot("handover-recorded")
    methods = dict(Handover.objects.values_list("certificate_id", "method"))
    assert methods == {
        pickup[0].pk: HandoverMethod.PICKUP,
        pickup[1].pk: HandoverMethod.PICKUP,
        posted.pk: HandoverMethod.EXPRESS,
    }
    assert Handover.objects.get(certificate=posted).tracking_number == "1187654321098"
