"""Rendering: HTML templates → PDF with WeasyPrint (Chinese text in Noto CJK, installed by the
README's install step with libharfbuzz-subset0, without which every PDF is ~50× slower), and the
roster as xlsx with openpyxl. Each renderer takes a DocumentJob and returns the bytes to store.

One FontConfiguration and the parsed stylesheets are kept per process: loading the CJK faces
and parsing CSS for every document would cost more than laying the document out."""

import base64
import datetime
import functools
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from weasyprint import CSS
from weasyprint.text.fonts import FontConfiguration

from applications.acceptance import ascii_form
from applications.models import Action, Application, Profile, State
from applications.navigation import SECTION_ORDER
from applications.snapshot_display import MATERIAL_LABELS, display_content, filed_material_names, is_coded
from portal.catalog.models import ObtainedBy
from portal.core.spreadsheets import neutralised_row
from reviews.models import OriginalChecked
from reviews.selectors import unit_recommendation

from .models import Certificate, DocumentJob, DocumentKind
from .pdf_html import PortalHTML
from .qr import qr_png_data_uri
from .selectors import commission_applications, department_applications

CSS_DIR = Path(__file__).resolve().parent / "pdf"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Pages laid out per WeasyPrint render call in a combined batch; progress moves after each chunk.
CHUNK = 25


@dataclass(frozen=True)
class Rendered:
    content: bytes
    filename: str
    extension: str
    content_type: str


@functools.cache
def _font_config():

    return FontConfiguration()


@functools.cache
def _stylesheet(name: str):

    return CSS(filename=str(CSS_DIR / name), font_config=_font_config())


def _layout(html: str, stylesheet: str):

    return PortalHTML(string=html, base_url=str(CSS_DIR)).render(
        stylesheets=[_stylesheet(stylesheet)], font_config=_font_config()
    )


def html_to_pdf(html: str, stylesheet: str) -> bytes:
    return _layout(html, stylesheet).write_pdf()


def base_url() -> str:
    return settings.PORTAL_BASE_URL.rstrip("/")


def verification_url(certificate: Certificate) -> str:
    return base_url() + reverse("certificates:verify_token", args=[certificate.verify_token])


def chinese_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日"


def _image_data_uri(field) -> str:
    """A stored image (the holder's photo) as a data URI; empty when missing or not an image."""
    if not field:
        return ""
    try:
        with field.open("rb") as handle:
            data = handle.read(2 * 1024 * 1024)
    except (OSError, ValueError):
        return ""
    kind = "png" if data.startswith(b"\x89PNG") else "jpeg" if data.startswith(b"\xff\xd8") else ""
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}" if kind else ""


def qr_data_uri(url: str) -> str:
    """The QR code as a PNG of one pixel per module (with the standard 4-module quiet zone),
    printed crisp by `image-rendering: pixelated`. A PNG, not SVG: WeasyPrint parses a QR's SVG
    path far more slowly than it places a 300-byte image. Error correction M; segno's choice of
    mask, made faster (certificates/qr.py)."""
    return qr_png_data_uri(url)


def qr_svg(text: str) -> str:
    """The acceptance number as an inline SVG QR code, for a desk scanner that reads QR or for a
    phone (short text, so the SVG path stays small enough for WeasyPrint to place quickly)."""
    # Byte mode in UTF-8: segno would pick Shift_JIS kanji mode for 受理〔〕, which scanners type
    # as mojibake.
    return segno.make(text, error="m", micro=False, mode="byte", encoding="utf-8").svg_inline(
        scale=3, border=4, omitsize=False
    )


# --- certificates ------------------------------------------------------------------------------


def _certificate_context(certificate: Certificate, photos: dict) -> dict:
    user = certificate.holder
    url = verification_url(certificate)
    return {
        "c": certificate,
        "sex": user.sex_label,
        "birth": f"{user.birth_date.year}年{user.birth_date.month}月",
        "obtained_by": ObtainedBy(certificate.obtained_by).label,
        "approved_on": chinese_date(certificate.approved_on),
        "issued_on": chinese_date(certificate.issued_on),
        "qr": qr_data_uri(url),
        "verify_url": url,
        "verify_page": base_url() + reverse("certificates:verify"),
        "photo": photos.get(certificate.pk, ""),
    }


def _photos(certificates: list[Certificate]) -> dict[int, str]:
    """Certificate id → the photo filed with its application (or, for an application filed
    before photos were frozen with the submission, the holder's profile photo)."""
    applications = Application.objects.filter(pk__in={c.application_id for c in certificates}).only("filed_photo")
    filed = {a.pk: a.filed_photo for a in applications if a.filed_photo}
    missing = {c.holder_id for c in certificates if c.application_id not in filed}
    profiles = Profile.objects.filter(user_id__in=missing).only("user_id", "photo") if missing else []
    live = {p.user_id: p.photo for p in profiles}
    return {c.pk: _image_data_uri(filed.get(c.application_id) or live.get(c.holder_id)) for c in certificates}


def certificates_pdf(
    certificates: Iterable[Certificate], progress: Callable[[int], None] | None = None, *, photos: dict | None = None
) -> bytes:
    """One PDF with one A4 landscape page per certificate. A combined batch is laid out in chunks
    (to report progress) and written once, so the fonts are subset and embedded once.
    `photos` (holder id → data URI) is read from the holders' profiles unless given."""
    certificates = list(certificates)
    documents = []
    with translation.override("zh-hans"):
        for start in range(0, len(certificates), CHUNK):
            chunk = certificates[start : start + CHUNK]
            chunk_photos = _photos(chunk) if photos is None else photos
            html = render_to_string(
                "certificates/pdf/certificate.html",
                {"pages": [_certificate_context(c, chunk_photos) for c in chunk]},
            )
            documents.append(_layout(html, "certificate.css"))
            if progress:
                progress(90 * (start + len(chunk)) // len(certificates))
    combined = documents[0].copy([page for document in documents for page in document.pages])
    return combined.write_pdf()


def _certificates_of(ids: list[int]) -> list[Certificate]:
    found = Certificate.objects.select_related("holder").in_bulk(ids)
    return [found[i] for i in ids if i in found]


def render_certificate(job: DocumentJob, progress) -> Rendered:
    # Imported here because services.py imports this module (RENDERERS) to run jobs.
    from .services import certificate_issue

    certificate = certificate_issue(application_id=job.application_id)
    if job.certificate_id != certificate.pk:
        DocumentJob.objects.filter(pk=job.pk).update(certificate=certificate)
        job.certificate = certificate
    content = certificates_pdf(_certificates_of([certificate.pk]), progress)
    return Rendered(content, f"专业技术资格证书-{certificate.number}.pdf", ".pdf", PDF)


def render_print_batch(job: DocumentJob, progress) -> Rendered:
    ids = job.params.get("certificate_ids", [])
    content = certificates_pdf(_certificates_of(ids), progress)
    stamp = timezone.localtime(job.created_at)
    return Rendered(content, f"证书打印-{stamp:%Y%m%d-%H%M}-{len(ids)}张.pdf", ".pdf", PDF)


# --- application documents ---------------------------------------------------------------------


def _application(job: DocumentJob) -> Application:
    return Application.objects.select_related(
        "applicant", "unit", "item", "series", "level", "title", "committee", "acceptance_window"
    ).get(pk=job.application_id)


def render_receipt(job: DocumentJob, progress) -> Rendered:

    application = _application(job)
    if not application.acceptance_number:
        # Imported here because services.py imports this module (RENDERERS) to run jobs.
        from .services import CertificateRefused

        raise CertificateRefused(gettext("该申报尚未受理，没有受理凭证。"))
    accepted = application.records.filter(action=Action.ACCEPT).select_related("actor").order_by("-id").first()
    filed = filed_material_names(application.filed_content)
    # Only what the clerk ticked at this intake was checked against its paper original.
    verified = list(
        OriginalChecked.objects.filter(
            application=application, acceptance_number=application.acceptance_number
        ).values_list("name", flat=True)
    )
    with translation.override("zh-hans"):
        html = render_to_string(
            "certificates/pdf/receipt.html",
            {
                "a": application,
                "accepted_at": timezone.localtime(application.accepted_at) if application.accepted_at else None,
                "accepted_by": accepted.actor.real_name if accepted and accepted.actor else "",
                "materials": [(name, True) for name in verified]
                + [(name, False) for name in filed if name not in verified],
                # What a keyboard-wedge scanner can type (applications/acceptance.py).
                "qr": qr_svg(ascii_form(application.acceptance_number)),
                "ascii_number": ascii_form(application.acceptance_number),
                "window": application.acceptance_window,
                "issued_on": chinese_date(timezone.localdate()),
                "portal_name": settings.PORTAL_NAME,
            },
        )
    return Rendered(html_to_pdf(html, "document.css"), f"受理凭证-{application.acceptance_number}.pdf", ".pdf", PDF)


def render_cover(job: DocumentJob, progress) -> Rendered:
    """档案封面: the sheet on the front of the paper file the window took in, with the acceptance
    number large and as a QR code (its ASCII form, what a desk scanner types into the queue's
    search to open the file), who and what the file is, and what it holds (the filed materials,
    each marked where the clerk checked the original)."""
    application = _application(job)
    if not application.acceptance_number:
        # Imported here because services.py imports this module (RENDERERS) to run jobs.
        from .services import CertificateRefused

        raise CertificateRefused(gettext("该申报尚未受理，没有档案封面。"))
    verified = set(
        OriginalChecked.objects.filter(
            application=application, acceptance_number=application.acceptance_number
        ).values_list("name", flat=True)
    )
    materials = [(name, name in verified) for name in filed_material_names(application.filed_content)]
    number = ascii_form(application.acceptance_number)
    with translation.override("zh-hans"):
        html = render_to_string(
            "certificates/pdf/cover.html",
            {
                "a": application,
                "accepted_at": timezone.localtime(application.accepted_at) if application.accepted_at else None,
                "materials": materials,
                "qr": qr_data_uri(number),
                "ascii_number": number,
                "window": application.acceptance_window,
                "portal_name": settings.PORTAL_NAME,
            },
        )
    return Rendered(html_to_pdf(html, "cover.css"), f"档案封面-{application.acceptance_number}.pdf", ".pdf", PDF)


def _sections(content: dict) -> list[dict]:
    """The filed content as sections for the form: a table of facts, rows, or a text."""
    coded = is_coded(content)
    content = display_content(content)
    labels = {"application": "申报事项", **{k: str(v) for k, v in SECTION_ORDER}, "materials": "申报材料"}
    order = ["application", *[k for k, _ in SECTION_ORDER], "materials"]
    keys = [k for k in order if k in content] + [k for k in content if k not in order]
    sections = []
    for key in keys:
        value = content[key]
        section = {"key": key, "label": labels.get(key, key)}
        if key == "materials" and isinstance(value, list):
            name, at = (
                (str(MATERIAL_LABELS["name"]), str(MATERIAL_LABELS["uploaded_at"])) if coded else ("材料", "上传时间")
            )
            value = [{name: m.get(name, ""), at: m.get(at, "")} for m in value]
        if isinstance(value, dict):
            section["facts"] = [(k, _plain(v)) for k, v in value.items()]
        elif isinstance(value, list):
            columns = list(dict.fromkeys(k for row in value if isinstance(row, dict) for k in row))
            section["columns"] = columns
            section["rows"] = [[_plain(row.get(c, "")) for c in columns] for row in value if isinstance(row, dict)]
        else:
            section["text"] = _plain(value)
        sections.append(section)
    return sections


ISO_MOMENT = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)")


def _plain(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    text = str(value)
    # Moments are stored as ISO 8601; people read "2026-03-05 14:20".
    return ISO_MOMENT.sub(r"\1 \2", text)[:16] if ISO_MOMENT.match(text) else text


def render_form(job: DocumentJob, progress) -> Rendered:
    application = _application(job)
    final = application.state == State.APPROVED
    with translation.override("zh-hans"):
        html = render_to_string(
            "certificates/pdf/form.html",
            {
                "a": application,
                "preview": not final,
                "sections": _sections(application.filed_content or {}),
                # Written by the unit's HR officer at its review (基层单位意见), not a scanned form.
                "recommendation": unit_recommendation(application),
                "generated_at": timezone.localtime(),
                "portal_name": settings.PORTAL_NAME,
            },
        )
    suffix = "" if final else "-仅供预览"
    name = f"申报信息一览表-{application.applicant.real_name}-{application.pk}{suffix}.pdf"
    return Rendered(html_to_pdf(html, "document.css"), name, ".pdf", PDF)


# --- department documents ----------------------------------------------------------------------


def render_roster(job: DocumentJob, progress) -> Rendered:

    year = int(job.params.get("year") or timezone.localdate().year)
    applications = list(department_applications(job.organization, year=year))
    headers = [
        "序号",
        "姓名",
        "性别",
        "身份证号码",
        "工作单位",
        "申报事项",
        "系列",
        "层级",
        "申报职称",
        "评审委员会",
        "受理号",
        "提交时间",
        "当前状态",
    ]
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}年度花名册"
    sheet.append(neutralised_row([f"{job.organization.name} {year}年度职称申报人员花名册"]))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet["A1"].font = Font(size=14, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for number, a in enumerate(applications, start=1):
        sheet.append(
            neutralised_row(
                [
                    number,
                    a.applicant.real_name,
                    str(a.applicant.sex_label),
                    a.applicant.id_number,
                    a.unit.name,
                    a.item.short_name,
                    a.series.name,
                    a.level.name,
                    a.title.name,
                    a.committee.name if a.committee else "",
                    a.acceptance_number,
                    timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M") if a.submitted_at else "",
                    str(a.get_state_display()),
                ]
            )
        )
    widths = [6, 10, 6, 21, 28, 12, 16, 8, 16, 30, 20, 17, 16]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return Rendered(buffer.getvalue(), f"花名册-{job.organization.name}-{year}.xlsx", ".xlsx", XLSX)


def render_commission(job: DocumentJob, progress) -> Rendered:

    year = int(job.params.get("year") or timezone.localdate().year)
    applications = list(commission_applications(job.organization, committee=job.committee, year=year))
    with translation.override("zh-hans"):
        html = render_to_string(
            "certificates/pdf/commission.html",
            {
                "department": job.organization,
                "committee": job.committee,
                "year": year,
                "applications": applications,
                "issued_on": chinese_date(timezone.localdate()),
            },
        )
    name = f"评审委托函-{job.committee.name}-{year}.pdf"
    return Rendered(html_to_pdf(html, "document.css"), name, ".pdf", PDF)


RENDERERS = {
    DocumentKind.CERTIFICATE: render_certificate,
    DocumentKind.PRINT_BATCH: render_print_batch,
    DocumentKind.RECEIPT: render_receipt,
    DocumentKind.FORM: render_form,
    DocumentKind.ROSTER: render_roster,
    DocumentKind.COMMISSION: render_commission,
    DocumentKind.COVER: render_cover,
}
