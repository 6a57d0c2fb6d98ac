"""On the production-shaped stack: a real Celery worker through Redis, and S3 through moto."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from portal.notifications.models import SmsMessage, SmsStatus

pytestmark = pytest.mark.realstack


@pytest.mark.django_db(transaction=True)
def test_password_reset_code_is_delivered_by_the_worker(client, celery_worker_process, catalog):
    from django.urls import reverse

    from tests.factories import UnitFactory, member

    applicant = member("applicant", UnitFactory())
    client.post(reverse("accounts:forgot_password"), {"id_number": applicant.id_number, "mobile": applicant.mobile})
    message = SmsMessage.objects.get(mobile=applicant.mobile)
    celery_worker_process.wait_until(lambda: SmsMessage.objects.get(pk=message.pk).status == SmsStatus.SENT)
    sent = SmsMessage.objects.get(pk=message.pk)
    # The worker opened the sealed code from the row (never from the broker) and erased it.
    assert sent.attempts == 1 and sent.sealed_secret == "" and "验证码 ******" in sent.text


def test_files_go_to_s3(s3_bucket, settings):
    from django.core.files.storage import storages
    from storages.backends.s3 import S3Storage

    assert isinstance(storages["default"], S3Storage)
    name = default_storage.save("materials/probe.txt", ContentFile("职称".encode()))
    try:
        assert default_storage.open(name).read().decode() == "职称"
        url = default_storage.url(name)
        assert "X-Amz-Signature" in url or "Signature" in url  # private: only signed, short-lived URLs
    finally:
        default_storage.delete(name)
    assert not default_storage.exists(name)
