"""The file's cover sheet (档案封面): printed by the window from the intake page, one document job
per acceptance number, carrying the number as a QR code of its ASCII form (what a desk scanner
types into the queue's search, which opens the file), and only for the window in scope."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from applications.acceptance import ascii_form
from applications.models import State
from certificates.models import DocumentJob, DocumentKind, JobStatus
from reviews import services as review_services
from tests.factories import member
from tests.test_certificates_helpers import another_applicant, pdf_text, pdf_to_png
from tests.test_documents import file_of, scan_qr
from tests.workflow_helpers import at, user

pytestmark = pytest.mark.django_db


def _accepted(django_capture_on_commit_callbacks, *, ticked=1):
    application = at(State.WINDOW_INTAKE, "initial_recognition")
    ids = list(application.materials.values_list("pk", flat=True)[:ticked])
    with django_capture_on_commit_callbacks(execute=True):
        return review_services.window_intake_accept(
            application_id=application.pk, user=user("window_staff"), material_ids=ids
        )


def test_the_cover_sheet_carries_the_number_and_its_qr(client, demo, tmp_path, django_capture_on_commit_callbacks):
    application = _accepted(django_capture_on_commit_callbacks)
    client.force_login(user("window_staff"))
    page = client.get(reverse("reviews:detail", args=[application.pk])).content.decode()
    assert 'id="print-cover"' in page and reverse("certificates:cover", args=[application.pk]) in page
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(reverse("certificates:cover", args=[application.pk]))
    job = DocumentJob.objects.get(kind=DocumentKind.COVER, application=application)
    # Queued after commit (here: the test's transaction), so the first answer is the job's page.
    assert asked.status_code == 302 and asked.url == reverse("certificates:job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    response = client.get(reverse("certificates:cover", args=[application.pk]))
    assert response.status_code == 302 and response.url == reverse("certificates:job_download", args=[job.pk])
    data = file_of(job)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    text = pdf_text(data, tmp_path)
    assert "职称申报档案" in text and application.acceptance_number in text
    assert application.applicant.real_name in text and application.unit.name in text
    assert application.applicant.id_number not in text  # masked on a sheet anyone handling the file sees
    assert text.count("已核验") == 1
    png = pdf_to_png(data, "cover-sheet", dpi=150, also_to=tmp_path)
    assert scan_qr(png) == ascii_form(application.acceptance_number)
    # Asked again: the same job, no second document.
    again = client.post(reverse("certificates:cover", args=[application.pk]))
    assert again.url == response.url
    assert DocumentJob.objects.filter(kind=DocumentKind.COVER).count() == 1
    # What the scanner types opens the file.
    scanned = client.get(reverse("reviews:queue"), {"q": scan_qr(png)})
    assert scanned.status_code == 302 and scanned.url == reverse("reviews:detail", args=[application.pk])


def test_no_cover_sheet_before_acceptance_or_outside_the_window(client, demo):
    waiting = at(State.WINDOW_INTAKE, "initial_recognition")
    client.force_login(user("window_staff"))
    assert client.post(reverse("certificates:cover", args=[waiting.pk])).status_code == 404
    page = client.get(reverse("reviews:detail", args=[waiting.pk])).content.decode()
    assert 'id="print-cover"' not in page
    accepted = at(State.BUREAU_APPROVAL, "initial_recognition", another_applicant())
    for person in (user("bureau_approver"), user("unit_hr"), member("window_staff"), accepted.applicant):
        client.force_login(person)
        assert client.post(reverse("certificates:cover", args=[accepted.pk])).status_code == 404
        assert client.get(reverse("certificates:cover", args=[accepted.pk])).status_code == 404
    assert not DocumentJob.objects.filter(kind=DocumentKind.COVER).exists()


def test_a_get_before_anyone_asked_offers_the_button(client, demo):
    accepted = at(State.BUREAU_APPROVAL, "initial_recognition")
    client.force_login(user("window_staff"))
    response = client.get(reverse("certificates:cover", args=[accepted.pk]))
    assert response.status_code == 200 and 'id="document-request"' in response.content.decode()
    assert not DocumentJob.objects.filter(kind=DocumentKind.COVER).exists()
