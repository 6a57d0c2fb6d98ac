"""The window's desk (issue 15 part 3): accepting without an opinion, the paper originals the
clerk ticks, the receipt that lists only those, search and the scanner, the queue's export."""

import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from applications.models import Action, State
from applications.workflow.services import WorkflowRefused
from certificates import tasks
from certificates.models import DocumentJob
from reviews import services as review_services
from reviews.models import OriginalChecked
from tests.test_certificates_helpers import another_applicant, pdf_text, pdf_to_png
from tests.test_documents import scan_qr
from tests.workflow_helpers import at, step, user

pytestmark = pytest.mark.django_db


def test_accepting_needs_no_opinion(demo):
    application = at(State.WINDOW_INTAKE, "initial_recognition")
    application = step(application, "window_staff", "window_accept", "")
    assert application.state == State.BUREAU_APPROVAL and application.acceptance_number
    assert application.records.filter(action=Action.ACCEPT).count() == 1


def _receipt_text(application, tmp_path) -> str:
    assert tasks.issue_acceptance_receipt.delay(application.pk).get() in ("done", "skipped")
    job = DocumentJob.objects.get(key=f"receipt:{application.pk}")
    with default_storage.open(job.file.name, "rb") as handle:
        data = handle.read()
    return pdf_text(data, tmp_path), data


def test_the_receipt_lists_as_verified_only_the_originals_ticked(demo, tmp_path, django_capture_on_commit_callbacks):
    """Before: the receipt listed every upload under 已核验的申报材料, whatever the clerk had seen."""
    application = at(State.WINDOW_INTAKE, "initial_recognition")
    materials = list(application.materials.all())
    assert len(materials) >= 2
    ticked, unticked = materials[0], materials[1]
    with django_capture_on_commit_callbacks(execute=True):
        application = review_services.window_intake_accept(
            application_id=application.pk, user=user("window_staff"), material_ids=[ticked.pk]
        )
    checked = OriginalChecked.objects.get(application=application)
    assert (checked.name, checked.acceptance_number, checked.material) == (
        ticked.display_name,
        application.acceptance_number,
        ticked,
    )
    text, data = _receipt_text(application, tmp_path)
    rows = {
        line.split()[1]: line.split()[-1]
        for line in text.splitlines()
        if line.split()[:1] and line.split()[0].isdigit()
    }
    assert rows[ticked.display_name] == "已核验"
    assert rows[unticked.display_name] == "未核验"
    assert list(rows.values()).count("已核验") == 1
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    png = pdf_to_png(data, "receipt-originals-ticked", dpi=150, also_to=tmp_path)
    assert scan_qr(png) == application.acceptance_number


def test_with_nothing_ticked_the_receipt_claims_nothing_verified(demo, tmp_path):
    application = at(State.WINDOW_INTAKE, "initial_recognition")
    application = step(application, "window_staff", "window_accept", "")
    text, _ = _receipt_text(application, tmp_path)
    assert "已核验" not in text.replace("未核验", "") and "未核验" in text


def test_materials_of_another_application_are_not_ticked(demo):
    other = at(State.WINDOW_INTAKE, "initial_recognition", another_applicant())
    application = at(State.WINDOW_INTAKE, "initial_recognition")
    foreign = other.materials.first()
    review_services.window_intake_accept(
        application_id=application.pk, user=user("window_staff"), material_ids=[foreign.pk]
    )
    assert not OriginalChecked.objects.exists()


def test_a_refused_acceptance_records_no_originals(demo):
    application = at(State.UNIT_REVIEW, "initial_recognition")
    with pytest.raises(WorkflowRefused):
        review_services.window_intake_accept(
            application_id=application.pk,
            user=user("window_staff"),
            material_ids=[m.pk for m in application.materials.all()],
        )
    assert not OriginalChecked.objects.exists()


def test_the_review_page_posts_the_ticked_originals(client, demo):
    application = at(State.WINDOW_INTAKE, "initial_recognition")
    material = application.materials.first()
    client.force_login(user("window_staff"))
    page = client.get(reverse("reviews:detail", args=[application.pk])).content.decode()
    assert f'name="original" value="{material.pk}"' in page
    response = client.post(
        reverse("reviews:decide", args=[application.pk]),
        {"step": "window_accept", "opinion": "", "original": [material.pk], "expected_state": State.WINDOW_INTAKE},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.BUREAU_APPROVAL
    assert list(OriginalChecked.objects.values_list("material", flat=True)) == [material.pk]
