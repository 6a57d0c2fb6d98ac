"""Shared helpers for the certificate and document tests (no tests here)."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from applications.models import Application, State
from portal.organizations.models import Organization
from tests.factories import member
from tests.workflow_helpers import at, step

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "documents"

NEXT_STEP = {
    State.UNIT_REVIEW: ("unit_hr", "unit_recommend"),
    State.DEPARTMENT_REVIEW: ("dept_reviewer", "department_pass"),
    State.WINDOW_INTAKE: ("window_staff", "window_accept"),
    State.BUREAU_APPROVAL: ("bureau_approver", "bureau_approve"),
}


def drive(application: Application, until: str = State.APPROVED) -> Application:
    """Take the demo reviewers' steps until the application reaches `until`."""
    while application.state != until:
        role, name = NEXT_STEP[application.state]
        application = step(application, role, name)
    return application


def approved(item_code: str = "initial_recognition", applicant=None, **fields) -> Application:
    """Approved, with what filing and every review step would have left (its certificate not made yet)."""
    return at(State.APPROVED, item_code, applicant, **fields)


def another_applicant(real_name: str = "李秀英"):
    """An applicant of the demo unit (so within the demo window's and bureau's region)."""
    unit = Organization.objects.get(name="昆明市第一中学")
    return member("applicant", unit, real_name=real_name)


def pdf_text(data: bytes, tmp_path) -> str:
    path = Path(tmp_path) / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout.decode()


def pdf_to_png(
    data: bytes, name: str, *, dpi: int = 110, first_page_only: bool = True, also_to: Path | None = None
) -> Path:
    """Render the PDF's first page into test-artifacts/documents/<name>.png for a person to look at.
    Rendered in a folder of its own and moved into place whole: other test processes (xdist workers,
    people running the same test) write the same names, and must never read a half-written PNG."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ARTIFACTS) as folder:
        source = Path(folder) / f"{name}.pdf"
        source.write_bytes(data)
        args = ["pdftoppm", "-png", "-r", str(dpi), "-singlefile"] if first_page_only else ["pdftoppm", "-png"]
        subprocess.run([*args, str(source), str(Path(folder) / name)], check=True, capture_output=True)
        if also_to is not None:  # a private copy, to read back what this test rendered
            shutil.copy(Path(folder) / f"{name}.png", Path(also_to) / f"{name}.png")
        for made in Path(folder).iterdir():
            os.replace(made, ARTIFACTS / made.name)
    return Path(also_to) / f"{name}.png" if also_to is not None else ARTIFACTS / f"{name}.png"


def have_poppler() -> bool:
    return bool(shutil.which("pdftotext") and shutil.which("pdftoppm"))


def reissue_of(certificate) -> Application:
    """A reissue (补换发) application of the certificate's holder, naming its number, approved."""
    from applications import services as filing
    from applications.models import CurrentTitle
    from tests.filing_helpers import fill_everything
    from tests.workflow_helpers import start

    application = fill_everything(start("reissue", certificate.holder))
    CurrentTitle.objects.filter(application=application).update(certificate_number=certificate.number)
    application, _ = filing.application_submit(application=application, user=application.applicant)
    return drive(application)


def issued(application):
    """Run the certificate job (as reviews.services does after the approval commits); the certificate."""
    from certificates.models import Certificate
    from certificates.tasks import issue_certificate

    issue_certificate.delay(application.pk)
    return Certificate.objects.get(application=application)
