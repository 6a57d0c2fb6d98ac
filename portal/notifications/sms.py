"""Pluggable text-message backends, chosen by settings.SMS_BACKEND."""

import json
import logging
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("portal.sms")


class SmsError(Exception):
    pass


class BaseSmsBackend:
    def send(self, mobile: str, text: str) -> None:
        raise NotImplementedError


class LoggingSmsBackend(BaseSmsBackend):
    """The embedded default: the message is written to the log (and the console)."""

    def send(self, mobile: str, text: str) -> None:
        logger.info("SMS to %s: %s", mobile, text)


class HttpSmsBackend(BaseSmsBackend):
    """POSTs {"mobile", "text", "signature"} as JSON to SMS_GATEWAY_URL with a bearer token."""

    timeout = 10

    def send(self, mobile: str, text: str) -> None:
        if not settings.SMS_GATEWAY_URL:
            raise SmsError("SMS_GATEWAY_URL is not set")
        body = json.dumps({"mobile": mobile, "text": text, "signature": settings.SMS_SIGNATURE}).encode()
        request = urllib.request.Request(
            settings.SMS_GATEWAY_URL,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                if response.status >= 300:
                    raise SmsError(f"gateway answered {response.status}")
        except OSError as exc:
            raise SmsError(str(exc)) from exc


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
