"""The security audit log: staff account actions and every view or download of another person's
data are recorded with who, what, when and from where; the log is append-only and kept ≥ 180 days."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.audit.models import AuditAction, AuditEvent
from portal.audit.services import purge_expired, record
from portal.organizations.models import Organization
from tests.factories import reviewer
from tests.workflow_helpers import at, user


@pytest.fixture
def filed(demo):
    return at("unit_review", "initial_recognition")


def test_a_reviewer_opening_an_application_is_recorded_the_applicant_is_not(client, filed):
    officer = reviewer(filed)
    client.force_login(officer)
    client.get(reverse("reviews:detail", args=[filed.pk]), REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(action=AuditAction.VIEW_APPLICATION)
    assert (event.actor, event.subject, event.object_id, event.address) == (
        officer,
        filed.applicant,
        str(filed.pk),
        "10.1.2.3",
    )
    assert event.request_id
    client.force_login(filed.applicant)
    client.get(reverse("applications:filed_copy", args=[filed.pk]))
    assert not AuditEvent.objects.filter(actor=filed.applicant).exists()


def test_the_id_number_is_masked_until_revealed_and_the_reveal_is_recorded(client, filed):
    client.force_login(reviewer(filed))
    full = filed.applicant.id_number
    page = client.get(reverse("reviews:detail", args=[filed.pk])).content.decode()
    assert full not in page and filed.applicant.mobile not in page
    revealed = client.post(reverse("reviews:reveal", args=[filed.pk])).content.decode()
    assert full in revealed and 'id="identity-revealed"' in revealed
    assert AuditEvent.objects.filter(action=AuditAction.REVEAL_IDENTITY, subject=filed.applicant).count() == 1


def test_staff_account_actions_are_recorded(client, demo):
    unit = Organization.objects.get(name="昆明市第一中学")
    officer, applicant = user("unit_hr"), user("applicant")
    client.force_login(officer)
    client.post(reverse("organizations:staff_unlock", args=[unit.pk, applicant.pk]))
    client.post(reverse("organizations:staff_reset_password", args=[unit.pk, applicant.pk]))
    client.post(reverse("organizations:staff_remove", args=[unit.pk, applicant.pk]))
    actions = list(AuditEvent.objects.filter(actor=officer, subject=applicant).values_list("action", flat=True))
    assert sorted(actions) == sorted(
        [AuditAction.STAFF_UNLOCK, AuditAction.STAFF_RESET_PASSWORD, AuditAction.STAFF_REMOVE]
    )


def test_the_log_is_append_only(demo):
    event = record(actor=user("admin"), action=AuditAction.STAFF_UNLOCK, subject=user("applicant"))
    event.address = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(address="x")
    assert AuditEvent.objects.get(pk=event.pk).address == ""


def test_the_purge_never_removes_less_than_six_months(demo, settings):
    settings.AUDIT_RETENTION_DAYS = 30  # too short for the law: raised to 180
    now = timezone.now()
    for days in (181, 100):
        AuditEvent.objects.create(
            actor=user("admin"), action=AuditAction.STAFF_UNLOCK, at=now - datetime.timedelta(days=days)
        )
    assert purge_expired(now=now) == 1
    assert AuditEvent.objects.get().at == now - datetime.timedelta(days=100)


def test_the_admin_exports_the_log_with_cells_neutralised(client, demo):
    record(actor=user("admin"), action=AuditAction.STAFF_UNLOCK, subject=user("applicant"))
    AuditEvent.objects.create(actor=user("admin"), action=AuditAction.STAFF_UNLOCK, object_id="=HYPERLINK(1)")
    client.force_login(user("admin"))
    response = client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "export_xlsx", "_selected_action": list(AuditEvent.objects.values_list("pk", flat=True))},
    )
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "'=HYPERLINK(1)" in values and "=HYPERLINK(1)" not in values
