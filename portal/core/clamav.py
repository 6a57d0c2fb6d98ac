"""A small client for ClamAV's daemon (clamd): PING and INSTREAM, over a Unix socket or TCP.

Written here rather than taken from PyPI: the `clamd` package has had no release since 2014 and
`pyclamd` none since 2017; the protocol needed is two commands (clamd(8), "COMMANDS"), and owning
the client keeps the timeouts and the fail-closed rule in one readable place.

The caller decides what a result means; this module only says one of three things: the stream is
clean, clamd found `signature` in it, or the scanner could not give an answer (`ScannerUnavailable`:
not running, timed out, refused the stream as too long, answered something unexpected). A file
that could not be scanned must be treated as refused, never as clean.

Settings: CLAMAV_SOCKET (path of clamd's LocalSocket) or CLAMAV_HOST + CLAMAV_PORT (TCPSocket;
the host wins when set), CLAMAV_TIMEOUT (seconds for connecting and each read/write).
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

from django.conf import settings

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd could not be reached or gave no usable answer: the upload was not scanned."""


@dataclass(frozen=True)
class ScanResult:
    signature: str | None = None  # what clamd found; None when the stream is clean

    @property
    def clean(self) -> bool:
        return self.signature is None


def _address() -> tuple[int, object]:
    host = getattr(settings, "CLAMAV_HOST", "")
    if host:
        return socket.AF_INET if ":" not in host else socket.AF_INET6, (host, int(settings.CLAMAV_PORT))
    return socket.AF_UNIX, str(settings.CLAMAV_SOCKET)


def describe() -> str:
    """Where the scanner is expected, for logs and error messages to staff."""
    family, address = _address()
    return f"unix:{address}" if family == socket.AF_UNIX else f"tcp:{address[0]}:{address[1]}"


def _connect() -> socket.socket:
    family, address = _address()
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(float(getattr(settings, "CLAMAV_TIMEOUT", 30)))
    try:
        sock.connect(address)
    except OSError as error:
        sock.close()
        raise ScannerUnavailable(f"cannot connect to clamd at {describe()}: {error}") from error
    return sock


def _reply(sock: socket.socket) -> str:
    """clamd's answer to a z-command, up to its terminating NUL."""
    data = bytearray()
    while b"\0" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
        if len(data) > 64 * 1024:
            raise ScannerUnavailable("clamd's answer is unreasonably long")
    return data.split(b"\0", 1)[0].decode("utf-8", errors="replace").strip()


def ping() -> bool:
    """Whether clamd answers PING with PONG."""
    try:
        with _connect() as sock:
            sock.sendall(b"zPING\0")
            return _reply(sock) == "PONG"
    except (OSError, ScannerUnavailable):
        return False


def scan_stream(stream) -> ScanResult:
    """Send the file-like `stream` (from its current position) to clamd with INSTREAM.

    Raises ScannerUnavailable when there is no verdict.
    """
    try:
        with _connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            try:
                while chunk := stream.read(CHUNK):
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
            except (BrokenPipeError, ConnectionResetError):
                # clamd closes the stream early when it exceeds StreamMaxLength; its reason may
                # still be waiting to be read.
                pass
            answer = _reply(sock)
    except TimeoutError as error:
        raise ScannerUnavailable(f"clamd at {describe()} did not answer in time") from error
    except OSError as error:
        raise ScannerUnavailable(f"clamd at {describe()} failed: {error}") from error
    return parse_answer(answer)


def parse_answer(answer: str) -> ScanResult:
    """'stream: OK' → clean; 'stream: <name> FOUND' → infected; anything else → no verdict."""
    if answer == "stream: OK":
        return ScanResult()
    if answer.startswith("stream: ") and answer.endswith(" FOUND"):
        signature = answer.removeprefix("stream: ").removesuffix(" FOUND").strip()
        return ScanResult(signature=signature or "unknown")
    raise ScannerUnavailable(f"clamd at {describe()} answered {answer[:200]!r}")
