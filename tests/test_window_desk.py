"""The window's desk (issue 15 part 3): accepting without an opinion, the paper originals the
clerk ticks, the receipt that lists only those, search and the scanner, the queue's export."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from applications.acceptance import ascii_form
from applications.models import Action, Application, State
from applications.workflow.services import WorkflowRefused
from certificates import tasks
from certificates.models import DocumentJob
from portal.accounts.models import User
from portal.core.identity import mask_id_number, mask_mobile
from reviews import services as review_services
from reviews.models import OriginalChecked
from tests.factories import member
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
    # A keyboard-wedge scanner may not type Chinese: the QR holds the number's ASCII form.
    assert scan_qr(png) == ascii_form(application.acceptance_number)
    assert scan_qr(png).isascii() and not application.acceptance_number.isascii()


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


# --- search and the scanner --------------------------------------------------------------------


def _queue(client, **params):
    return client.get(reverse("reviews:queue"), {"scope": "all", **params})


def test_search_finds_by_name_id_number_mobile_acceptance_number_and_unit(client, demo):
    mine = at(State.WINDOW_INTAKE, "initial_recognition")
    other = at(State.WINDOW_INTAKE, "initial_recognition", another_applicant())
    client.force_login(user("window_staff"))
    person = mine.applicant
    for text in [person.real_name, person.id_number, person.id_number.lower(), person.mobile]:
        page = _queue(client, q=text).content.decode()
        assert f'id="application-{mine.pk}"' in page and f'id="application-{other.pk}"' not in page, text
    # ID numbers are encrypted at rest: their blind index matches the whole number only.
    page = _queue(client, q=person.id_number[-6:]).content.decode()
    assert f'id="application-{mine.pk}"' not in page
    page = _queue(client, q=mine.unit.name[:4]).content.decode()
    assert f'id="application-{mine.pk}"' in page


def test_a_scanned_acceptance_number_opens_the_file(client, demo):
    application = step(at(State.WINDOW_INTAKE, "initial_recognition"), "window_staff", "window_accept", "")
    client.force_login(user("window_staff"))
    response = client.get(reverse("reviews:queue"), {"q": f"{application.acceptance_number}\n"})
    assert response.status_code == 302 and response.url == reverse("reviews:detail", args=[application.pk])


def test_the_ascii_form_a_scanner_types_opens_the_file(client, demo):
    application = step(at(State.WINDOW_INTAKE, "initial_recognition"), "window_staff", "window_accept", "")
    typed = ascii_form(application.acceptance_number)
    assert typed.isascii() and typed == typed.strip()
    client.force_login(user("window_staff"))
    response = client.get(reverse("reviews:queue"), {"q": f"{typed}\n"})
    assert response.status_code == 302 and response.url == reverse("reviews:detail", args=[application.pk])
    # A scanner configured for lower case types the same file.
    response = client.get(reverse("reviews:queue"), {"q": typed.lower()})
    assert response.status_code == 302 and response.url == reverse("reviews:detail", args=[application.pk])


def test_the_ascii_form_is_scoped_and_not_a_pattern(client, demo):
    application = step(at(State.WINDOW_INTAKE, "initial_recognition"), "window_staff", "window_accept", "")
    typed = ascii_form(application.acceptance_number)
    client.force_login(member("window_staff"))  # a window of another region
    response = _queue(client, q=typed)
    assert response.status_code == 200 and f'id="application-{application.pk}"' not in response.content.decode()
    client.force_login(user("window_staff"))
    for text in [".*", "2026-.*", "(", "-", "--"]:
        response = _queue(client, q=text)
        assert response.status_code == 200, text


def test_search_and_scan_stay_inside_the_reviewers_scope(client, demo):
    application = step(at(State.WINDOW_INTAKE, "initial_recognition"), "window_staff", "window_accept", "")
    client.force_login(member("window_staff"))  # a window of another region
    response = client.get(reverse("reviews:queue"), {"q": application.acceptance_number, "scope": "all"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="application-{application.pk}"' not in page
    assert application.applicant.real_name not in page
    page = _queue(client, q=application.applicant.real_name).content.decode()
    assert f'id="application-{application.pk}"' not in page


def test_longest_waiting_first(client, demo):
    waited_longer = at(State.WINDOW_INTAKE, "initial_recognition")  # reached the window first
    submitted_first = at(State.WINDOW_INTAKE, "initial_recognition", another_applicant())
    earlier = waited_longer.submitted_at - datetime.timedelta(days=3)
    Application.objects.filter(pk=submitted_first.pk).update(submitted_at=earlier)
    client.force_login(user("window_staff"))
    by_submission = _queue(client).content.decode()
    assert by_submission.index(f"application-{submitted_first.pk}") < by_submission.index(
        f"application-{waited_longer.pk}"
    )
    by_waiting = _queue(client, sort="waiting").content.decode()
    assert by_waiting.index(f"application-{waited_longer.pk}") < by_waiting.index(f"application-{submitted_first.pk}")


def test_a_search_keeps_a_constant_number_of_queries(client, demo):
    unit = user("unit_hr").memberships.get().organization
    at(State.WINDOW_INTAKE, "initial_recognition", member("applicant", unit))
    client.force_login(user("window_staff"))
    params = {"q": unit.name, "sort": "waiting"}
    _queue(client, **params)
    with CaptureQueriesContext(connection) as before:
        _queue(client, **params)
    for _ in range(3):
        at(State.WINDOW_INTAKE, "mobile_confirmation", member("applicant", unit))
    with CaptureQueriesContext(connection) as after:
        page = _queue(client, **params).content.decode()
    assert page.count('id="application-') == 4
    assert len(after) == len(before), [q["sql"] for q in after.captured_queries]


def test_the_receipt_prints_straight_from_the_intake_page(client, demo, django_capture_on_commit_callbacks):
    application = at(State.WINDOW_INTAKE, "initial_recognition")
    client.force_login(user("window_staff"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reviews:decide", args=[application.pk]),
            {"step": "window_accept", "expected_state": State.WINDOW_INTAKE},
        )
    page = client.get(reverse("reviews:detail", args=[application.pk])).content.decode()
    url = f"{reverse('certificates:receipt', args=[application.pk])}?print=1"
    assert f'id="print-receipt" href="{url}"' in page
    response = client.get(url)
    job = DocumentJob.objects.get(key=f"receipt:{application.pk}")
    assert response.status_code == 302 and response.url == reverse("certificates:job_download", args=[job.pk])
    download = client.get(response.url)
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


# --- the queue's export --------------------------------------------------------------------------


def _export_rows(client, **params):
    response = client.get(reverse("reviews:queue_export"), {"scope": "all", **params})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_export_applies_the_filters_and_shows_the_window_full_identity(client, demo):
    mine = at(State.WINDOW_INTAKE, "initial_recognition")
    other = at(State.WINDOW_INTAKE, "initial_recognition", another_applicant())
    client.force_login(user("window_staff"))
    rows = _export_rows(client, q=mine.applicant.real_name)
    assert rows[0][:4] == ["序号", "申报人", "身份证号码", "手机号码"]
    assert [r[1] for r in rows[1:]] == [mine.applicant.real_name]
    assert rows[1][2:4] == [mine.applicant.id_number, mine.applicant.mobile]
    assert other.applicant.real_name not in {r[1] for r in rows[1:]}
    rows = _export_rows(client)
    assert {r[1] for r in rows[1:]} == {mine.applicant.real_name, other.applicant.real_name}


def test_the_export_masks_personal_data_for_other_roles_and_neutralises_formulas(client, demo):
    application = at(State.UNIT_REVIEW, "initial_recognition")
    person = application.applicant
    User.objects.filter(pk=person.pk).update(real_name='=HYPERLINK("http://x","y")')
    client.force_login(user("unit_hr"))
    rows = _export_rows(client)
    assert rows[1][1] == '\'=HYPERLINK("http://x","y")'
    assert rows[1][2] == mask_id_number(person.id_number) and person.id_number not in str(rows)
    assert rows[1][3] == mask_mobile(person.mobile)


def test_the_export_holds_nothing_outside_the_scope(client, demo):
    at(State.WINDOW_INTAKE, "initial_recognition")
    client.force_login(member("window_staff"))
    assert _export_rows(client)[1:] == []
