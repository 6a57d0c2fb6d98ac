"""Every list a reviewer sees exports to xlsx with the page's filters: the sheet, opened with
openpyxl, holds the rows the page shows, identity masked unless the role checks it, streamed."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Application, State
from certificates.models import PrintLog
from portal.core.identity import mask_id_number
from portal.organizations.models import Organization
from tests.factories import ApplicationFactory, UnitFactory, member
from tests.test_certificates_helpers import another_applicant
from tests.workflow_helpers import at, user

pytestmark = pytest.mark.django_db


def _sheet(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.streaming  # written to a temporary file and streamed, not held as bytes
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def _demo_unit():
    return Organization.objects.get(name="昆明市第一中学")


def _sibling_unit(name):
    demo = _demo_unit()
    return UnitFactory(name=name, region=demo.region, parent=demo.parent)


def test_the_queue_export_holds_the_pages_rows_under_a_unit_filter(client, demo):
    wanted = _sibling_unit("昆明市第三中学")
    ours = [
        ApplicationFactory(state=State.WINDOW_INTAKE, item_code="initial_recognition", unit=wanted) for _ in range(3)
    ]
    ApplicationFactory(state=State.WINDOW_INTAKE, item_code="initial_recognition", unit=_sibling_unit("昆明市第八中学"))
    at(State.WINDOW_INTAKE, "initial_recognition")
    client.force_login(user("window_staff"))
    params = {"unit": "第三中学", "sort": "waiting"}
    page = client.get(reverse("reviews:queue"), params)
    shown = [(a.applicant.real_name, a.unit.name) for a in page.context["page"]]
    assert len(shown) == 3 and {name for _, name in shown} == {wanted.name}
    rows = _sheet(client.get(reverse("reviews:queue_export"), params))
    assert [(r[1], r[4]) for r in rows[1:]] == shown
    assert {r[2] for r in rows[1:]} == {a.applicant.id_number for a in ours}  # the window sees the ID in full
    by_code = _sheet(client.get(reverse("reviews:queue_export"), {"unit": wanted.credit_code.lower()}))
    assert len(by_code) == 4


def test_the_queue_export_masks_identity_for_a_bureau(client, demo):
    application = at(State.BUREAU_APPROVAL, "initial_recognition")
    client.force_login(user("bureau_approver"))
    rows = _sheet(client.get(reverse("reviews:queue_export"), {"q": application.applicant.real_name}))
    assert [r[1] for r in rows[1:]] == [application.applicant.real_name]
    assert rows[1][2] == mask_id_number(application.applicant.id_number)


def _printed(application):
    PrintLog.objects.create(certificate=application.certificate, sequence=1, printed_by=user("window_staff"))


def test_the_print_pages_lists_export_as_shown(client, demo):
    waiting = [ApplicationFactory(state=State.APPROVED, with_certificate=True, unit=_demo_unit()) for _ in range(2)]
    printed = ApplicationFactory(state=State.APPROVED, with_certificate=True, applicant=another_applicant())
    Application.objects.filter(pk=printed.pk).update(wants_express=True, express_address="=cmd|' /C calc'!A0")
    _printed(printed)
    elsewhere = member("window_staff")  # a window of another region
    client.force_login(user("window_staff"))
    page = client.get(reverse("certificates:print_queue"))
    shown_waiting = [(a.applicant.real_name, a.certificate.number) for a in page.context["waiting"]]
    shown_handover = [(a.applicant.real_name, a.certificate.number) for a in page.context["handover"]]
    assert shown_handover == [(printed.applicant.real_name, printed.certificate.number)]
    assert {number for _, number in shown_waiting} >= {a.certificate.number for a in waiting}
    rows = _sheet(client.get(reverse("certificates:print_queue_export", args=["print"])))
    assert rows[0][:3] == ["序号", "持证人", "身份证号码"]
    assert [(r[1], r[7]) for r in rows[1:]] == shown_waiting
    rows = _sheet(client.get(reverse("certificates:print_queue_export", args=["handover"])))
    assert [(r[1], r[7]) for r in rows[1:]] == shown_handover
    assert rows[1][2] == printed.applicant.id_number
    assert rows[1][8] == "快递" and rows[1][9] == "'=cmd|' /C calc'!A0"
    assert timezone.localdate().isoformat() >= rows[1][10]
    client.force_login(elsewhere)
    assert _sheet(client.get(reverse("certificates:print_queue_export", args=["handover"])))[1:] == []
