"""On the real stack: the broker is down while an applicant submits; the submission still
succeeds, the notification is recorded, and the beat dispatcher has it delivered by a real Celery
worker once the broker is back.

The machine's Redis is shared with other tests, so it is never stopped. The first test points the
test process's Celery app at a closed port (a real kombu connection refusal); the second runs a
Redis server and a worker of its own, stops that Redis during the submission and starts it again.
"""

import contextlib
import datetime
import socket

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.notifications.models import EmailMessage, FailureKind, Notification, SmsMessage, SmsStatus
from portal.notifications.outbox import dispatch_outbox
from tests.filing_helpers import fill_everything
from tests.plugins.realstack import broker_of_app, start_celery_worker
from tests.workflow_helpers import start, step, user

pytestmark = [pytest.mark.realstack("redis", "postgres"), pytest.mark.django_db(transaction=True)]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def broker_unreachable():
    """Point the Celery app's producer at a port nobody listens on, then restore it."""
    from portal import celery_app

    saved = (celery_app.conf.broker_url, celery_app._pool, celery_app.amqp._producer_pool)
    celery_app.conf.broker_url = f"redis://127.0.0.1:{_closed_port()}/15"
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        celery_app.conf.broker_url, celery_app._pool, celery_app.amqp._producer_pool = saved


def sms_of(notification) -> SmsMessage:
    return notification.sms_messages.get()


def test_broker_down_during_submission_is_delivered_when_it_returns(client, celery_worker_process, demo):
    applicant = user("applicant")
    application = fill_everything(start("initial_recognition"))
    client.force_login(applicant)

    with broker_unreachable():
        response = client.post(reverse("applications:submit", args=[application.pk]))
    assert response.status_code == 302  # the request did not notice the broker was down
    application.refresh_from_db()
    assert application.state == "unit_review"
    notification = Notification.objects.get(recipient=applicant, event="application_submitted")
    sms = sms_of(notification)
    assert (sms.status, sms.queued_at, sms.attempts) == (SmsStatus.PENDING, None, 0)
    # No e-mail address on the demo account: that channel's failure is recorded, not queued.
    assert notification.emails.get().failure_kind == FailureKind.ADDRESS

    # The broker is back; beat's every-minute dispatcher finds the row and the worker sends it.
    assert dispatch_outbox(now=timezone.now() + datetime.timedelta(minutes=2)) == 1
    celery_worker_process.wait_until(lambda: SmsMessage.objects.get(pk=sms.pk).status == SmsStatus.SENT)
    sms.refresh_from_db()
    assert sms.attempts == 1 and sms.sent_at is not None

    # With the broker up, the next step's message goes straight to the worker.
    step(application, "unit_hr", "return_for_changes", "请补充学历证明")
    returned = Notification.objects.get(recipient=applicant, event="application_returned")
    celery_worker_process.wait_until(lambda: SmsMessage.objects.get(pk=sms_of(returned).pk).status == SmsStatus.SENT)
    assert "请补充学历证明" in sms_of(returned).text
    assert not SmsMessage.objects.filter(status=SmsStatus.PENDING).exists()
    assert not EmailMessage.objects.filter(status=SmsStatus.PENDING).exists()


def test_redis_stopped_and_started_again_delivers_what_was_submitted(
    client, demo, private_redis, request, tmp_path_factory
):
    worker = start_celery_worker(request, tmp_path_factory, broker_url=private_redis.url)
    try:
        with broker_of_app(private_redis.url, task_always_eager=False, task_default_queue=worker.queue):
            applicant = user("applicant")
            application = fill_everything(start("initial_recognition"))
            client.force_login(applicant)

            private_redis.stop()  # the broker goes down
            response = client.post(reverse("applications:submit", args=[application.pk]))
            assert response.status_code == 302
            application.refresh_from_db()
            assert application.state == "unit_review"
            sms = sms_of(Notification.objects.get(recipient=applicant, event="application_submitted"))
            assert (sms.status, sms.queued_at) == (SmsStatus.PENDING, None)

            private_redis.start()  # it comes back, empty: the message was never in it
            # The worker reconnects on its own; beat's dispatcher finds the row and queues it.
            assert dispatch_outbox(now=timezone.now() + datetime.timedelta(minutes=2)) == 1
            worker.wait_until(lambda: SmsMessage.objects.get(pk=sms.pk).status == SmsStatus.SENT, timeout=90)
            sms.refresh_from_db()
            assert sms.attempts == 1 and sms.sent_at is not None
            assert "Connection to broker lost" in worker.log()
    finally:
        worker.stop()
