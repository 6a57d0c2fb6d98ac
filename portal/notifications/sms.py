"""Pluggable text-message backends, chosen by settings.SMS_BACKEND."""

import json
import logging
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from portal.core.identity import mask_mobile

logger = logging.getLogger("portal.sms")


class SmsError(Exception):
    pass


class BaseSmsBackend:
    """`send` hands one message to the gateway. `text` is the full message, one-time code included:
    a backend must not log or store it. `purpose` names the event (password_reset …) for logs."""

    def send(self, mobile: str, text: str, *, purpose: str = "") -> None:
        raise NotImplementedError


class LoggingSmsBackend(BaseSmsBackend):
    """The embedded default, for a portal without an SMS gateway: records in the log that a message
    would have gone out, to whom (masked) and why, never its text (it may carry a one-time code)."""

    def send(self, mobile: str, text: str, *, purpose: str = "") -> None:
        logger.info(
            "SMS to %s: %s (%d characters, not sent: no gateway)", mask_mobile(mobile), purpose or "-", len(text)
        )


class FileSmsBackend(BaseSmsBackend):
    """A stand-in phone for the embedded demo (scripts/run chooses it when no SMS_BACKEND is set):
    each message is appended to SMS_FILE_DIR/<mobile>.txt, where the person trying the demo reads
    their code. It is the delivery itself, not a log: never use it where a real gateway exists."""

    def send(self, mobile: str, text: str, *, purpose: str = "") -> None:
        folder = Path(settings.SMS_FILE_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"{mobile}.txt", "a", encoding="utf-8") as phone:
            phone.write(f"{timezone.localtime():%Y-%m-%d %H:%M:%S}\n{settings.SMS_SIGNATURE}{text}\n\n")
        logger.info(
            "SMS to %s: %s (%d characters, written to the demo phone)", mask_mobile(mobile), purpose or "-", len(text)
        )


# What MemorySmsBackend delivered, oldest first: (mobile, text, purpose). Tests read codes here.
outbox: list[tuple[str, str, str]] = []


class MemorySmsBackend(BaseSmsBackend):
    """For tests, like Django's locmem e-mail backend: the list above is the phone."""

    def send(self, mobile: str, text: str, *, purpose: str = "") -> None:
        outbox.append((mobile, text, purpose))


class HttpSmsBackend(BaseSmsBackend):
    """POSTs {"mobile", "text", "signature"} as JSON to SMS_GATEWAY_URL with a bearer token."""

    timeout = 10

    def send(self, mobile: str, text: str, *, purpose: str = "") -> None:
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
