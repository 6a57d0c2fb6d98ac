"""One-time codes reach the phone and nowhere else: not the log, not the outbox, not the admin,
not the broker."""

import logging
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.views.debug import SafeExceptionReporterFilter

from portal.accounts.models import User
from portal.notifications.models import SmsMessage, SmsStatus
from portal.notifications.outbox import enqueue
from portal.notifications.tasks import send_sms
from tests.factories import UnitFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant():
    return member("applicant", UnitFactory(), mobile="13812345678")


def ask_for_code(client, applicant, phone, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:forgot_password"), {"id_number": applicant.id_number, "mobile": applicant.mobile})
    [(mobile, _text, purpose)] = phone.messages
    assert (mobile, purpose) == (applicant.mobile, "password_reset")
    return phone.code()


def test_the_phone_gets_the_code_and_the_log_only_a_masked_number_and_the_event(
    client, applicant, phone, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    code = ask_for_code(client, applicant, phone, django_capture_on_commit_callbacks)
    assert code not in caplog.text
    assert applicant.mobile not in caplog.text


def test_the_logging_backend_logs_a_masked_number_and_the_purpose_not_the_text(
    client, applicant, settings, caplog, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "portal.notifications.sms.LoggingSmsBackend"
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:forgot_password"), {"id_number": applicant.id_number, "mobile": applicant.mobile})
    assert SmsMessage.objects.get().status == SmsStatus.SENT
    sms_lines = [r.getMessage() for r in caplog.records if r.name == "portal.sms"]
    assert sms_lines and all("138****5678" in line and "password_reset" in line for line in sms_lines)
    assert "验证码" not in caplog.text and applicant.mobile not in caplog.text


def test_the_outbox_row_holds_a_template_reference_and_masked_text(
    client, applicant, phone, django_capture_on_commit_callbacks
):
    code = ask_for_code(client, applicant, phone, django_capture_on_commit_callbacks)
    row = SmsMessage.objects.get()
    assert row.status == SmsStatus.SENT
    assert row.template == "password_reset" and row.params == {"minutes": 10}
    assert "验证码 ******" in row.text
    stored = " ".join(str(getattr(row, f.attname)) for f in SmsMessage._meta.concrete_fields)
    assert code not in stored


def test_while_pending_the_code_is_stored_only_sealed(client, applicant, phone):
    # Not executing the on-commit callbacks: the row waits for its task, as with a broker.
    client.post(reverse("accounts:forgot_password"), {"id_number": applicant.id_number, "mobile": applicant.mobile})
    row = SmsMessage.objects.get()
    assert row.status == SmsStatus.PENDING and row.sealed_secret
    assert phone.messages == []
    assert send_sms.apply(args=[row.pk]).get() == "sent"
    code = phone.code()
    row.refresh_from_db()
    assert code not in row.text and code not in row.sealed_secret
    assert row.sealed_secret == ""  # nothing left to decrypt once delivered


def test_the_task_published_to_the_broker_carries_only_the_row_id(client, applicant, monkeypatch):
    published = []
    monkeypatch.setattr(send_sms, "apply_async", lambda *args, **kwargs: published.append(kwargs["args"]))
    client.post(reverse("accounts:forgot_password"), {"id_number": applicant.id_number, "mobile": applicant.mobile})
    row = SmsMessage.objects.get()
    enqueue(SmsMessage, row.pk)
    assert published == [[row.pk]]


def test_the_admin_pages_do_not_show_the_code(client, applicant, phone, demo, django_capture_on_commit_callbacks):
    code = ask_for_code(client, applicant, phone, django_capture_on_commit_callbacks)
    row = SmsMessage.objects.get()
    client.force_login(User.objects.get(id_number=demo["admin"].id_number))
    change = client.get(reverse("admin:notifications_smsmessage_change", args=[row.pk])).content.decode()
    listing = client.get(reverse("admin:notifications_smsmessage_changelist")).content.decode()
    assert "******" in change
    assert code not in change and code not in listing
    assert applicant.mobile not in listing and "138****5678" in listing


def test_a_code_that_expired_before_delivery_is_not_sent(client, applicant, phone, settings):
    client.post(reverse("accounts:forgot_password"), {"id_number": applicant.id_number, "mobile": applicant.mobile})
    row = SmsMessage.objects.get()
    SmsMessage.objects.filter(pk=row.pk).update(secret_expires_at=row.created_at - timedelta(seconds=1))
    assert send_sms.apply(args=[row.pk]).get() == "failed"
    row.refresh_from_db()
    assert row.status == SmsStatus.FAILED and row.sealed_secret == "" and phone.messages == []
    assert "过期" in row.last_error


def test_the_demo_stand_in_phone_writes_what_a_phone_would_show(client, applicant, settings, tmp_path, caplog):
    """scripts/run has no SMS gateway: its messages land in var/sms/<mobile>.txt, one file per
    phone, so a demo user can read their code; the log still shows neither code nor number."""
    settings.SMS_BACKEND = "portal.notifications.sms.FileSmsBackend"
    settings.SMS_FILE_DIR = str(tmp_path / "sms")
    caplog.set_level(logging.DEBUG)
    client.post(reverse("accounts:forgot_password"), {"id_number": applicant.id_number, "mobile": applicant.mobile})
    assert send_sms.apply(args=[SmsMessage.objects.get().pk]).get() == "sent"
    text = (tmp_path / "sms" / f"{applicant.mobile}.txt").read_text(encoding="utf-8")
    code = re.search(r"验证码 (\d{6})", text).group(1)
    assert code not in caplog.text and applicant.mobile not in caplog.text
    assert "138****5678" in caplog.text


@pytest.mark.parametrize(
    "url_name,fields",
    [
        ("people:register", ["code", "password1", "password2"]),
        ("organizations:unit_register", ["code", "password1", "password2"]),
        ("accounts:reset_password", ["code", "password1", "password2"]),
        ("accounts:change_mobile", ["code", "password"]),
        ("accounts:change_password", ["old_password", "password1", "password2"]),
    ],
)
def test_error_reports_do_not_carry_typed_codes_or_passwords(client, applicant, url_name, fields):
    """Django's error report (the e-mail to ADMINS, the debug page) lists POST data unless the
    view marks it sensitive."""
    client.force_login(applicant)
    data = {name: "Secret#654321" for name in fields}
    request = client.post(reverse(url_name), data).wsgi_request
    shown = SafeExceptionReporterFilter().get_post_parameters(request)
    assert set(shown) == set(fields) and "Secret#654321" not in str(dict(shown))
