import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from portal.notifications.models import SmsMessage, SmsStatus
from portal.notifications.services import sms_enqueue
from portal.notifications.tasks import send_sms

pytestmark = pytest.mark.django_db


class FakeGateway:
    """A local SMS gateway that records what it receives and can be told to fail."""

    def __init__(self):
        self.received = []
        self.fail = False
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.received.append({"body": body, "auth": self.headers.get("Authorization")})
                self.send_response(503 if gateway.fail else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def gateway(settings):
    fake = FakeGateway()
    settings.SMS_BACKEND = "portal.notifications.sms.HttpSmsBackend"
    settings.SMS_GATEWAY_URL = fake.url
    settings.SMS_GATEWAY_TOKEN = "secret-token"
    yield fake
    fake.close()


def test_http_gateway_receives_the_message_once(gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_enqueue(mobile="13800000001", text="您的验证码 123456", purpose="test")
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT and message.attempts == 1
    assert gateway.received == [
        {
            "body": {"mobile": "13800000001", "text": "您的验证码 123456", "signature": "【职称申报】"},
            "auth": "Bearer secret-token",
        }
    ]
    # A duplicated or retried task does not send again.
    assert send_sms.apply(args=[message.pk]).get() == "skipped"
    assert len(gateway.received) == 1


def test_gateway_failure_is_recorded_not_raised_and_can_be_retried(gateway, django_capture_on_commit_callbacks):
    gateway.fail = True
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_enqueue(mobile="13800000001", text="x", purpose="test")
    message.refresh_from_db()
    assert message.status == SmsStatus.FAILED and "503" in message.last_error
    gateway.fail = False
    send_sms.apply(args=[message.pk])
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT


def test_nothing_is_sent_when_the_transaction_rolls_back(gateway, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                sms_enqueue(mobile="13800000001", text="x", purpose="test")
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert callbacks == [] and gateway.received == [] and not SmsMessage.objects.exists()
