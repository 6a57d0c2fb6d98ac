"""Issue 12 item 7: ID numbers, mobiles and the filed snapshot are encrypted at rest; look-ups go
through blind indexes; a wrong key is a clear error (docs/SECURITY.md; rotation:
test_field_key_rotation.py)."""

import base64
import datetime

import pytest
from django.contrib import admin
from django.core.exceptions import FieldError, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.urls import reverse

from applications.models import Application, Blacklist
from applications.workflow.states import State
from certificates.models import Certificate
from portal.accounts.backends import find_user_by_login
from portal.accounts.models import MobileCode, User
from portal.core import crypto
from portal.notifications.models import SmsMessage
from portal.notifications.services import sms_enqueue
from tests.factories import PASSWORD, ApplicationFactory, UnitFactory, member, reviewer
from tests.factories import id_number as new_id_number

pytestmark = pytest.mark.django_db

KEY_B = "b:" + base64.b64encode(b"B" * 32).decode()


def raw_rows(table: str, where: str = "", params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} {where}", params)
        return cursor.fetchall()


def assert_nowhere_in_clear(table: str, *secrets: str) -> None:
    """No column of any row of `table` holds one of `secrets` (or its digits after the region)."""
    rows = raw_rows(table)
    assert rows, f"{table} is empty: the check would prove nothing"
    for row in rows:
        for value in row:
            text = str(value)
            for secret in secrets:
                assert secret not in text, f"{table} holds {secret} in clear"
                assert secret[-8:] not in text, f"{table} holds the digits of {secret} in clear"


@pytest.fixture
def issued(catalog):
    application = ApplicationFactory(issued=True, item_code="initial_recognition")
    return application


def test_users_certificates_and_filed_snapshots_hold_no_id_number_or_mobile_in_clear(issued):
    person = issued.applicant
    assert issued.filed_content["basic"]["id_number"] == person.id_number  # what the code reads
    for table in ["accounts_user", "certificates_certificate", "applications_application"]:
        assert_nowhere_in_clear(table, person.id_number, person.mobile)
    (raw,) = raw_rows("accounts_user", "WHERE id = %s", [person.pk])
    assert any(str(value).startswith("enc1:dev:") for value in raw)


def test_the_sms_outbox_verification_codes_and_blacklist_hold_no_number_in_clear(catalog):
    sms_enqueue(mobile="13912345678", text="您好", purpose="test")
    MobileCode.objects.create(
        purpose="register",
        mobile="13912345678",
        code_hash="x",
        expires_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
    )
    Blacklist.objects.create(
        id_number="53010219900307123X",
        real_name="某",
        reason="造假",
        decided_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2029, 1, 1),
    )
    assert_nowhere_in_clear("notifications_smsmessage", "13912345678")
    assert_nowhere_in_clear("accounts_mobilecode", "13912345678")
    assert_nowhere_in_clear("applications_blacklist", "53010219900307123X")
    assert SmsMessage.objects.get(mobile="13912345678").mobile == "13912345678"
    assert MobileCode.objects.filter(mobile="13912345678", purpose="register").count() == 1
    assert Blacklist.objects.filter(id_number__iexact="53010219900307123x").exists()


def test_look_ups_by_id_number_and_mobile_use_the_blind_index(catalog):
    person = member("applicant", UnitFactory())
    assert User.objects.get(id_number=person.id_number) == person
    assert User.objects.get(id_number=person.id_number.lower()) == person
    assert User.objects.get(mobile=person.mobile) == person
    assert list(User.objects.filter(mobile__in=[person.mobile, "13000000000"])) == [person]
    assert find_user_by_login(person.mobile) == person and find_user_by_login(person.id_number) == person
    assert User.objects.get_by_natural_key(person.id_number) == person
    assert not User.objects.filter(id_number="530102199001019999").exists()


def test_login_by_id_number_and_by_mobile(client, catalog):
    person = member("applicant", UnitFactory())
    for login in (person.id_number, person.mobile):
        response = client.post(reverse("accounts:login"), {"username": login, "password": PASSWORD})
        assert response.status_code == 302, login
        client.logout()


def test_a_duplicate_id_number_or_mobile_is_refused_by_the_model_and_the_database(catalog):
    person = member("applicant", UnitFactory())
    twin = User(id_number=person.id_number.lower(), mobile="13700000000", real_name="冒名")
    with pytest.raises(ValidationError) as refused:
        twin.validate_unique()
    assert "id_number" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(person.id_number, PASSWORD, real_name="冒名", mobile="13700000000")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(new_id_number(), PASSWORD, real_name="冒名", mobile=person.mobile)


def test_a_partial_or_pattern_search_on_an_encrypted_field_is_refused(catalog):
    with pytest.raises(FieldError, match="Unsupported lookup 'contains'"):
        list(User.objects.filter(id_number__contains="1990"))
    with pytest.raises(FieldError, match="Unsupported lookup 'endswith'"):
        list(User.objects.filter(mobile__endswith="0001"))


def test_saving_only_the_mobile_refreshes_its_index(catalog):
    person = member("applicant", UnitFactory())
    person.mobile = "13655556666"
    person.save(update_fields=["mobile"])
    assert User.objects.get(mobile="13655556666") == person
    assert person.mobile_index == crypto.blind_index("mobile", "13655556666")


def test_the_window_finds_a_filed_application_by_the_whole_id_number(client, catalog):
    application = ApplicationFactory(window_intake=True, item_code="initial_recognition")
    client.force_login(reviewer(application))
    page = client.get(reverse("reviews:queue"), {"scope": "all", "q": application.applicant.id_number})
    assert f'id="application-{application.pk}"' in page.content.decode()


def test_certificate_verification_still_shows_the_masked_holder(client, issued):
    certificate = Certificate.objects.get(application=issued)
    page = client.get(reverse("certificates:verify_token", args=[certificate.verify_token])).content.decode()
    assert certificate.masked_id_number in page and certificate.id_number not in page


def test_a_wrong_key_is_a_clear_error_not_garbage(catalog):
    person = member("applicant", UnitFactory())
    impostor = "dev:" + base64.b64encode(b"Z" * 32).decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[impostor]):
        with pytest.raises(crypto.FieldDecryptionError, match="does not decrypt with key 'dev'"):
            User.objects.get(pk=person.pk)
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
        with pytest.raises(crypto.FieldDecryptionError, match="does not list"):
            User.objects.get(pk=person.pk)


def test_the_filed_snapshot_reads_back_whole(catalog):
    application = ApplicationFactory(window_intake=True, item_code="initial_recognition")
    assert application.state == State.WINDOW_INTAKE
    fresh = Application.objects.get(pk=application.pk)
    assert fresh.filed_content == application.filed_content and fresh.filed_content["format"] == 2


def _searches_encrypted(model_admin) -> bool:
    fields = {name.lstrip("=^@").split("__")[-1] for name in model_admin.search_fields}
    return bool(fields & {"id_number", "mobile", "collector_id_number"})


def test_every_admin_search_over_an_id_number_or_mobile_finds_the_whole_number(as_role):
    application = ApplicationFactory(issued=True, item_code="initial_recognition")
    person = application.applicant
    sms_enqueue(mobile=person.mobile, text="您好", purpose="test")
    client = as_role("admin")
    searched = []
    for model, model_admin in admin.site._registry.items():
        if not _searches_encrypted(model_admin):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for text in (person.id_number, person.mobile, person.real_name, "1990"):
            response = client.get(url, {"q": text})
            assert response.status_code == 200, (url, text)
        searched.append(model._meta.label)
    assert {"accounts.User", "certificates.Certificate", "notifications.SmsMessage"} <= set(searched)
    page = client.get(reverse("admin:accounts_user_changelist"), {"q": person.id_number}).content.decode()
    assert f"/admin/accounts/user/{person.pk}/change/" in page
    page = client.get(reverse("admin:certificates_certificate_changelist"), {"q": person.id_number}).content.decode()
    assert application.certificate.number in page
