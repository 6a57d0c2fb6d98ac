"""In the browser: approved applications' certificates are printed as one batch at the window (the
job page updates itself until the file is ready), verified publicly, and a reissue voids the old one."""

from unittest import mock

from playwright.sync_api import expect

from certificates import services, tasks
from certificates.models import DocumentJob, DocumentKind
from tests.e2e.helpers import login
from tests.test_certificates_helpers import another_applicant, approved, issued, reissue_of


def test_print_verify_and_reissue(page, browser, site, demo, shot, request):
    applications = [approved(), approved(applicant=another_applicant("李秀英"))]
    certificates = [issued(a) for a in applications]

    # The window prints both as one PDF. The job is left queued (as with a busy worker) so that
    # the page is seen waiting, then finishing by itself once the worker has run it.
    login(page, site, demo["window_staff"].mobile)
    page.goto(f"{site}/certificates/print/")
    for certificate in certificates:
        expect(page.locator("#awaiting-print")).to_contain_text(certificate.number)
    page.check("#select-all")
    shot("print-queue")
    with mock.patch.object(tasks.render_document, "apply_async") as queued:
        page.get_by_role("button", name="合并打印所选证书").click()
        expect(page.locator("#job-status")).to_have_attribute("data-status", "pending")
    job = DocumentJob.objects.get(kind=DocumentKind.PRINT_BATCH)
    queued.assert_called_once()
    assert queued.call_args.kwargs["args"] == [job.pk]
    expect(page.locator("#job-progress")).to_have_attribute("value", "0")
    shot("print-waiting")
    assert services.document_job_run(job_id=job.pk) == "done"  # the worker
    expect(page.locator("#job-status")).to_have_attribute("data-status", "done", timeout=10_000)
    expect(page.locator("#job-progress")).to_have_attribute("value", "100")
    shot("print-done")
    download = page.locator("#job-download")
    pdf = page.request.get(f"{site}{download.get_attribute('href')}")
    assert pdf.ok and pdf.body().startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    page.goto(f"{site}/certificates/print/")
    expect(page.locator("#awaiting-print")).to_contain_text("没有待打印的证书")
    expect(page.locator("#awaiting-handover")).to_contain_text(certificates[0].number)

    # Anyone checks the certificate on the public page, by number and name.
    visitor = browser.new_page(locale="zh-CN")
    visitor.goto(f"{site}/verify/")
    visitor.fill("#id_number", certificates[0].number)
    visitor.fill("#id_name", "张伟")
    visitor.get_by_role("button", name="查验").click()
    expect(visitor.locator("#verify-status")).to_contain_text("证书有效")
    expect(visitor.locator("#verify-result")).to_contain_text("二级教师")
    expect(visitor.locator("#verify-result")).not_to_contain_text(certificates[0].id_number)
    shot_page(visitor, request, "verify-valid")
    visitor.fill("#id_number", certificates[0].number)
    visitor.fill("#id_name", "张三")
    visitor.get_by_role("button", name="查验").click()
    expect(visitor.locator("#verify-not-found")).to_be_visible()

    # A reissue makes a new certificate; the old one now says it is void and points to the new one.
    new = issued(reissue_of(certificates[0]))
    visitor.goto(f"{site}/verify/c/{certificates[0].verify_token}/")  # as the old paper's QR code
    expect(visitor.locator("#verify-status")).to_contain_text("此证书已作废")
    visitor.locator("#verify-replacement a").click()
    expect(visitor.locator("#verify-status")).to_contain_text("证书有效")
    expect(visitor.locator("#verify-number")).to_have_text(new.number)
    shot_page(visitor, request, "verify-replacement")

    # Staff see the chain.
    page.goto(f"{site}/certificates/{new.pk}/")
    expect(page.locator("#certificate-chain")).to_contain_text(certificates[0].number)
    expect(page.locator("#certificate-chain")).to_contain_text("已作废")
    shot("chain")


def shot_page(page, request, name):
    """The visitor's page, saved beside the `shot` screenshots of the same test."""
    from tests.e2e.conftest import SCREENSHOTS

    folder = SCREENSHOTS / request.node.name.replace("/", "_")
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"visitor-{name}.png"), full_page=True)
