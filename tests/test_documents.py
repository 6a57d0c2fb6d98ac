"""The documents themselves: text extracted from each PDF (Chinese name and number), the QR code
scanned from the rendered page, fonts embedded, and a PNG of each kept in
test-artifacts/documents/ for a person to look at."""

import io
import subprocess

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from applications.models import Application, State
from certificates import services, tasks
from certificates.models import DocumentJob, DocumentKind, JobStatus
from portal.catalog.models import Committee
from portal.organizations.models import Organization
from reviews import services as review_services
from tests.test_certificates_helpers import ARTIFACTS, another_applicant, approved, issued, pdf_text, pdf_to_png
from tests.workflow_helpers import at, file_result, step, user

pytestmark = pytest.mark.django_db


def file_of(job: DocumentJob) -> bytes:
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    with default_storage.open(job.file.name, "rb") as handle:
        return handle.read()


def fonts_of(data: bytes, tmp_path) -> list[str]:
    """pdffonts' rows: every font must be embedded (a missing CJK font would print boxes)."""
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout.decode().splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), rows
    return rows


def scan_qr(png) -> str:
    """Decode the QR code as a phone would: from the rendered pixels. OpenCV's ArUco-based detector:
    the classic QRCodeDetector misses about 2 % of these codes at 150 dpi (module edges fall between
    pixels), which made this test fail at random; the ArUco one decoded 150 of 150."""
    import cv2

    image = cv2.imread(str(png))
    text, points, _ = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    assert points is not None, "no QR code found on the page"
    return text


def test_certificate_pdf(demo, settings, tmp_path):
    settings.PORTAL_BASE_URL = "https://zhicheng.km.gov.cn"
    certificate = issued(approved())
    data = file_of(DocumentJob.objects.get(key=f"certificate:{certificate.application_id}"))
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)  # A4 landscape
    text = pdf_text(data, tmp_path)
    for expected in ["专业技术资格证书", "张伟", certificate.number, "二级教师", "助理级", "认定", "中小学教师"]:
        assert expected in text, expected
    assert "昆明市人力资源和社会保障局" in text and certificate.id_number in text
    assert any("Noto-Serif-CJK-SC" in row for row in fonts_of(data, tmp_path))
    png = pdf_to_png(data, "certificate", dpi=150, also_to=tmp_path)
    assert scan_qr(png) == f"https://zhicheng.km.gov.cn/verify/c/{certificate.verify_token}/"


def test_acceptance_receipt(demo, tmp_path):
    application = approved()
    assert tasks.issue_acceptance_receipt.delay(application.pk).get() == "done"
    assert tasks.issue_acceptance_receipt.delay(application.pk).get() == "skipped"  # idempotent
    data = file_of(DocumentJob.objects.get(key=f"receipt:{application.pk}"))
    text = pdf_text(data, tmp_path)
    assert "受理凭证" in text and application.acceptance_number in text and "张伟" in text
    assert "昆明市第一中学" in text and "刘洋" in text  # the unit, and the window clerk who accepted
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    fonts_of(data, tmp_path)
    pdf_to_png(data, "acceptance-receipt")


def test_no_receipt_before_acceptance(demo):
    application = at(State.UNIT_REVIEW, "initial_recognition")
    assert tasks.issue_acceptance_receipt.delay(application.pk).get() == "refused"
    assert DocumentJob.objects.get(key=f"receipt:{application.pk}").status == JobStatus.FAILED


def test_application_form_is_a_preview_until_approved(demo, tmp_path, django_capture_on_commit_callbacks):
    application = at(State.BUREAU_APPROVAL, "initial_recognition")
    with django_capture_on_commit_callbacks(execute=True):
        preview = services.form_job_ensure(application=application, user=application.applicant)
    assert services.form_job_ensure(application=application, user=application.applicant) == preview  # same content
    data = file_of(preview)
    text = pdf_text(data, tmp_path)
    assert "仅供预览" in text and "专业技术资格申报信息一览表" in text
    for expected in ["张伟", application.applicant.id_number, "基本信息", "工作经历", "昆明市第一中学", "数学教师"]:
        assert expected in text, expected
    # Initial recognition asks for no work summary (catalog: the item's sections): the form prints
    # only what the item asked, even though the sample filled a summary.
    assert "认真履行教师职责" not in text and "申报人签名" in text
    reader = PdfReader(io.BytesIO(data))
    assert all(abs(float(p.mediabox.width) - 595) < 1 for p in reader.pages)  # A4 portrait
    fonts_of(data, tmp_path)
    pdf_to_png(data, "application-form-preview")
    pdf_to_png(data, "application-form-preview-all-pages", first_page_only=False)

    application = step(application, "bureau_approver", "bureau_approve")
    with django_capture_on_commit_callbacks(execute=True):
        final = services.form_job_ensure(application=application, user=application.applicant)
    assert final != preview
    text = pdf_text(file_of(final), tmp_path)
    assert "仅供预览" not in text and "张伟" in text
    pdf_to_png(file_of(final), "application-form-approved")


def evaluation_at_window(applicant=None) -> Application:
    return at(State.BUREAU_APPROVAL, "evaluation", applicant)


def test_roster_xlsx(demo, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    first = approved()
    second = evaluation_at_window(another_applicant("李秀英"))
    department = Organization.objects.get(name="五华区人力资源和社会保障局")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.department_job_create(
            user=user("dept_reviewer"), kind=DocumentKind.ROSTER, department=department, year=first.year
        )
    data = file_of(job)
    assert job.filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "五华区人力资源和社会保障局" in rows[0][0] and "花名册" in rows[0][0]
    assert rows[1][:4] == ("序号", "姓名", "性别", "身份证号码")
    people = {row[1]: row for row in rows[2:]}
    assert set(people) == {"张伟", "李秀英"}
    assert people["张伟"][10] == first.acceptance_number and people["李秀英"][9] == second.committee.name
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "roster.xlsx").write_bytes(data)


def test_commission_letter(demo, tmp_path, django_capture_on_commit_callbacks):
    application = evaluation_at_window()
    department = application.unit.parent
    with django_capture_on_commit_callbacks(execute=True):
        job = services.department_job_create(
            user=user("dept_reviewer"),
            kind=DocumentKind.COMMISSION,
            department=department,
            committee=application.committee,
            year=application.year,
        )
    data = file_of(job)
    text = pdf_text(data, tmp_path)
    assert "评审委托函" in text and application.committee.name in text
    assert "张伟" in text and application.acceptance_number in text and department.name in text
    fonts_of(data, tmp_path)
    pdf_to_png(data, "commission-letter")
    other = Committee.objects.exclude(pk=application.committee_id).first()
    with django_capture_on_commit_callbacks(execute=True):
        empty = services.department_job_create(
            user=user("dept_reviewer"),
            kind=DocumentKind.COMMISSION,
            department=department,
            committee=other,
            year=application.year,
        )
    assert "张伟" not in pdf_text(file_of(empty), tmp_path)


def test_department_documents_only_for_the_department(demo):
    from django.core.exceptions import PermissionDenied

    department = Organization.objects.get(name="五华区人力资源和社会保障局")
    for role in ("unit_hr", "window_staff", "applicant"):
        with pytest.raises(PermissionDenied):
            services.department_job_create(user=user(role), kind=DocumentKind.ROSTER, department=department, year=2026)


def test_print_batch_pdf(demo, tmp_path, django_capture_on_commit_callbacks):
    names = ["王芳", "李秀英", "欧阳建国"]
    applications = [approved(applicant=another_applicant(n)) for n in names]
    certificates = [issued(a) for a in applications]
    with django_capture_on_commit_callbacks(execute=True):
        job = services.print_batch_request(user=user("window_staff"), application_ids=[a.pk for a in applications])
    data = file_of(job)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 3
    for page, name, certificate in zip(reader.pages, names, certificates, strict=True):
        text = page.extract_text()
        assert name in text and certificate.number in text
    pdf_to_png(data, "print-batch-page1")


def test_committee_evaluation_certificate_names_the_committee(demo, tmp_path):
    application = evaluation_at_window()
    application = step(application, "bureau_approver", "bureau_approve")
    application = review_services.committee_record(
        application_id=application.pk,
        user=user("bureau_approver"),
        members=13,
        present=13,
        votes_for=12,
        votes_against=1,
        abstentions=0,
        opinion="",
    )
    application = file_result(application)
    certificate = issued(application)
    assert certificate.get_obtained_by_display() == "评审" and certificate.committee_name
    text = pdf_text(file_of(DocumentJob.objects.get(certificate=certificate)), tmp_path)
    assert "评审" in text and certificate.committee_name in text.replace("\n", "").replace(" ", "")
    pdf_to_png(file_of(DocumentJob.objects.get(certificate=certificate)), "certificate-evaluation")


def test_the_form_asked_for_again_after_acceptance_shows_the_acceptance_number(
    demo, tmp_path, django_capture_on_commit_callbacks
):
    """Printed for signing before the window accepted it, then again after: the header's 受理号 is
    the new one, not the earlier file's (the filed content itself did not change)."""
    application = at(State.WINDOW_INTAKE, "initial_recognition")
    with django_capture_on_commit_callbacks(execute=True):
        before = services.form_job_ensure(application=application, user=application.applicant)
    assert "受理号" not in pdf_text(file_of(before), tmp_path)
    application = step(application, "window_staff", "window_accept")
    with django_capture_on_commit_callbacks(execute=True):
        after = services.form_job_ensure(application=application, user=application.applicant)
    assert after != before
    text = pdf_text(file_of(after), tmp_path)
    assert application.acceptance_number in text and "仅供预览" in text and "张伟" in text
