"""The migrations that encrypt existing clear rows: back to the clear schema (which decrypts),
clear rows inserted there, forward again (which encrypts them and fills the blind indexes)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from applications.models import Application, Blacklist
from certificates.models import Certificate
from portal.accounts.models import User
from portal.notifications.models import SmsMessage
from portal.notifications.services import sms_enqueue
from tests.factories import ApplicationFactory
from tests.factories import id_number as new_id_number

BEFORE = [
    ("accounts", "0002_mobile_code"),
    ("applications", "0007_queue_and_admin_indexes"),
    ("certificates", "0002_job_heartbeat_and_queue"),
    ("notifications", "0004_outbox_purged_at"),
    ("reviews", "0009_online_review_rubrics_and_scores"),
]


def migrate(targets=None):
    """Migrate to `targets` (default: every app's latest) and return that state's models."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def column(table: str, name: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {name} FROM {table} WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


# Migrating the whole schema back and forth takes minutes on SQLite (every altered table is
# rebuilt); production data lives on PostgreSQL, so .ci/run runs this in its PostgreSQL phase.
@pytest.mark.realstack
@pytest.mark.django_db(transaction=True)
def test_the_migrations_decrypt_backwards_and_encrypt_existing_clear_rows_forwards(catalog):
    application = ApplicationFactory(issued=True, item_code="initial_recognition")
    person = application.applicant
    sms_enqueue(mobile=person.mobile, text="您好", purpose="test")
    certificate = Certificate.objects.get(application=application)
    try:
        old = migrate(BEFORE)
        # Backwards: the clear schema holds the clear values again.
        assert column("accounts_user", "id_number", person.pk) == person.id_number
        assert column("accounts_user", "mobile", person.pk) == person.mobile
        assert column("certificates_certificate", "id_number", certificate.pk) == person.id_number
        assert person.id_number in column("applications_application", "filed_content", application.pk)

        # Rows written while the columns were clear.
        clear_id, clear_mobile = new_id_number(), "13711112222"
        old_user = old.get_model("accounts", "User").objects.create(
            id_number=clear_id, mobile=clear_mobile, real_name="旧数据", password="!"
        )
        old.get_model("applications", "Blacklist").objects.create(
            id_number=clear_id, real_name="旧数据", reason="造假", decided_on="2026-01-01", ends_on="2029-01-01"
        )
        old_sms = old.get_model("notifications", "SmsMessage").objects.create(
            mobile=clear_mobile, text="旧短信", purpose="test"
        )
    finally:
        migrate()

    for table, name, pk, clear in [
        ("accounts_user", "id_number", old_user.pk, clear_id),
        ("accounts_user", "mobile", old_user.pk, clear_mobile),
        ("accounts_user", "id_number", person.pk, person.id_number),
        ("certificates_certificate", "id_number", certificate.pk, person.id_number),
        ("notifications_smsmessage", "mobile", old_sms.pk, clear_mobile),
    ]:
        stored = column(table, name, pk)
        assert stored.startswith("enc1:") and clear not in stored, (table, name)
    assert person.id_number not in column("applications_application", "filed_content", application.pk)

    # Look-ups work on the migrated rows, through the indexes the migration filled.
    assert User.objects.get(id_number=clear_id).mobile == clear_mobile
    assert User.objects.get(mobile=clear_mobile).pk == old_user.pk
    assert User.objects.get(id_number=person.id_number).pk == person.pk
    assert Blacklist.objects.get(id_number=clear_id).real_name == "旧数据"
    assert SmsMessage.objects.get(pk=old_sms.pk, mobile=clear_mobile).text == "旧短信"
    assert Certificate.objects.get(id_number=person.id_number).pk == certificate.pk
    assert Application.objects.get(pk=application.pk).filed_content == application.filed_content
