"""manage.py rotate_field_keys: everything re-encrypted under the new first key, idempotent,
the old key removable after; --reindex follows a new BLIND_INDEX_KEY (docs/SECURITY.md)."""

import base64
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from applications.models import Application
from certificates.models import Certificate
from portal.accounts.models import User
from portal.core import crypto
from portal.core.key_rotation import rotate
from portal.notifications.models import SmsMessage
from portal.notifications.services import sms_enqueue
from tests.factories import ApplicationFactory, UnitFactory, member

pytestmark = pytest.mark.django_db

KEY_A = "a:" + base64.b64encode(b"A" * 32).decode()
KEY_B = "b:" + base64.b64encode(b"B" * 32).decode()


def _raw_values():
    """Every encrypted value in the tables that hold them, as stored."""
    values = []
    for table, columns in {
        "accounts_user": ["id_number", "mobile"],
        "certificates_certificate": ["id_number"],
        "applications_application": ["filed_content"],
        "notifications_smsmessage": ["mobile"],
    }.items():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(columns)} FROM {table}")
            rows = cursor.fetchall()
        values += [value for row in rows for value in row if value]
    return values


def test_rotation_re_encrypts_everything_under_the_new_key_and_the_old_one_can_go(catalog):
    earlier = member("applicant", UnitFactory())
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_A]):
        application = ApplicationFactory(issued=True, item_code="initial_recognition")
        sms_enqueue(mobile=application.applicant.mobile, text="您好", purpose="test")
        person = application.applicant
        # Rows made before (under the development key) are there too.
        assert {value.split(":")[1] for value in _raw_values()} >= {"a", "dev"}
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B, KEY_A, crypto.DEV_FIELD_ENCRYPTION_KEY]):
        call_command("rotate_field_keys", "--batch-size", "2", stdout=io.StringIO())
        assert {value.split(":")[1] for value in _raw_values()} == {"b"}
        assert rotate() and sum(rotate().values()) == 0  # idempotent: nothing left to do
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
        again = Application.objects.get(pk=application.pk)
        assert again.filed_content["basic"]["id_number"] == person.id_number
        assert User.objects.get(id_number=person.id_number).mobile == person.mobile
        assert Certificate.objects.get(application=application).id_number == person.id_number
        assert SmsMessage.objects.filter(mobile=person.mobile).exists()
        assert User.objects.get(mobile=earlier.mobile).id_number == earlier.id_number


def test_rotation_stops_with_a_clear_message_when_an_old_key_is_missing(catalog):
    member("applicant", UnitFactory())
    with override_settings(FIELD_ENCRYPTION_KEYS=[KEY_B]):
        with pytest.raises(Exception, match="does not list"):
            call_command("rotate_field_keys", stdout=io.StringIO())


def test_reindex_follows_a_new_blind_index_key(catalog):
    person = member("applicant", UnitFactory())
    with override_settings(BLIND_INDEX_KEY=base64.b64encode(b"N" * 32).decode()):
        assert not User.objects.filter(id_number=person.id_number).exists()
        rotate(reindex=True)
        assert User.objects.get(id_number=person.id_number) == person
    rotate(reindex=True)
    assert User.objects.get(mobile=person.mobile) == person
