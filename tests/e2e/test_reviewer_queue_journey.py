"""The reviewer's queue in a real browser: select all on the page, return them in one batch with
one opinion; on the review page, the next file, expand all, and a PDF and an image previewed in
the page through the permission-checking view (the page's CSP lets it frame its own origin)."""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from applications.models import Application, Material, State
from tests.e2e.helpers import login
from tests.test_certificates_helpers import another_applicant
from tests.workflow_helpers import DEMO, at


def _png() -> bytes:
    """A 240×160 picture standing for a phone photo of a document: a red border on white."""
    buffer = io.BytesIO()
    picture = Image.new("RGB", (240, 160), "white")
    ImageDraw.Draw(picture).rectangle((4, 4, 235, 155), outline="red", width=6)
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def test_queue_batch_return_journey(page, site, demo, shot):
    files = [
        at(State.UNIT_REVIEW, "initial_recognition"),
        at(State.UNIT_REVIEW, "initial_recognition", another_applicant()),
    ]
    login(page, site, DEMO["unit_hr"])
    page.get_by_role("link", name="审核工作", exact=True).click()
    page.locator("#select-all").check()
    for application in files:
        expect(page.locator(f"#application-{application.pk} input[name=application]")).to_be_checked()
    page.fill("#batch-opinion", "请补充近五年年度考核表。")
    shot("queue-all-selected")
    page.locator("#batch-return").click()
    expect(page.locator(".messages")).to_contain_text("已退回修改 2 份申报")
    shot("queue-after-batch-return")
    for application in files:
        application.refresh_from_db()
        assert application.state == State.RETURNED
        assert application.records.filter(opinion="请补充近五年年度考核表。").count() == 1


def test_review_page_next_file_expand_all_and_preview_journey(page, site, demo, shot):
    first = at(State.UNIT_REVIEW, "initial_recognition")
    second = at(State.UNIT_REVIEW, "initial_recognition", another_applicant())
    pdf = first.materials.first()
    png = _png()
    image = Material.objects.create(
        application=first,
        name="证件照",
        file=ContentFile(png, name="photo.png"),
        extension=".png",
        content_type="image/png",
        size=len(png),
        sha256="0" * 64,
        original_name="photo.png",
    )
    login(page, site, DEMO["unit_hr"])
    page.goto(f"{site}/reviews/{first.pk}/")
    closed = page.locator("#filed-content details:not([open])")
    assert closed.count() > 0
    page.locator("#expand-all").click()
    expect(page.locator("#filed-content details:not([open])")).to_have_count(0)
    shot("expanded-all")

    with page.expect_response(lambda r: f"/materials/{pdf.pk}/preview/" in r.url) as pdf_response:
        page.locator(f"#material-{pdf.pk} summary").click()
    assert pdf_response.value.status == 200
    assert pdf_response.value.headers["content-type"] == "application/pdf"
    assert pdf_response.value.headers["content-disposition"].startswith("inline")
    expect(page.locator(f"#material-{pdf.pk} iframe")).to_be_visible()
    page.locator(f"#material-{image.pk} summary").click()
    picture = page.locator(f"#material-{image.pk} img")
    expect(picture).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth === 240", arg=picture.element_handle())
    page.locator(f"#material-{pdf.pk}").scroll_into_view_if_needed()
    shot("materials-previewed")

    page.locator("#next-file").click()
    expect(page).to_have_url(f"{site}/reviews/{second.pk}/")
    shot("next-file")
    assert Application.objects.get(pk=first.pk).state == State.UNIT_REVIEW
