"""Issue 13: a database blip while a text is sent is retried within seconds by the task, not
dropped for the dispatcher's requeue rule (30 minutes)."""

import pytest
from celery.exceptions import Retry
from django.db import OperationalError

from portal.notifications import tasks
from portal.notifications.models import SmsMessage, SmsStatus

pytestmark = pytest.mark.django_db


def test_a_database_blip_is_retried_soon(monkeypatch):
    message = SmsMessage.objects.create(mobile="13800000001", text="您好", purpose="t")
    real_manager = SmsMessage.objects

    class Blinking:
        def select_for_update(self, *args, **kwargs):
            raise OperationalError("server closed the connection unexpectedly")

    retried = {}

    def retry(exc=None, countdown=None, **kwargs):
        retried.update(exc=exc, countdown=countdown)
        return Retry(exc=exc, when=countdown)

    monkeypatch.setattr(SmsMessage, "objects", Blinking())
    monkeypatch.setattr(tasks.send_sms, "retry", retry)
    tasks.send_sms.push_request(is_eager=False, retries=0)  # as a worker delivers it
    try:
        with pytest.raises(Retry):
            tasks.send_sms.run(message.pk)
    finally:
        tasks.send_sms.pop_request()
    assert isinstance(retried["exc"], OperationalError)
    assert retried["countdown"] <= 10
    monkeypatch.setattr(SmsMessage, "objects", real_manager)
    assert SmsMessage.objects.get(pk=message.pk).status == SmsStatus.PENDING
