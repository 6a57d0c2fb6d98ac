"""pytest plugin: every upload in the tests goes through a virus scanner that speaks clamd's protocol.

``fake_clamd`` (session scope)
    A small clamd on a Unix socket of its own, in a thread: it answers PING and INSTREAM as clamd
    does (length-prefixed chunks, a NUL-terminated answer, StreamMaxLength), and finds the EICAR
    test string anywhere in a stream. It records what it scanned (``.scanned``) and can be told to
    answer something else (``.answer``) to test how the portal reads clamd's errors.

An autouse fixture points CLAMAV_SOCKET at it for every test, so the portal's own client and its
fail-closed rule run in every upload test without a daemon installed. Tests marked
``@pytest.mark.realstack("clamav")`` keep the settings from the environment instead (CLAMAV_SOCKET
or CLAMAV_HOST/PORT) and talk to a real clamd (.ci/run starts one with scripts/clamd).
"""

from __future__ import annotations

import contextlib
import socket
import struct
import tempfile
import threading
from pathlib import Path

import pytest

# Split so that no virus scanner on a developer's machine quarantines this file.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!" + b"$H+H*"


class FakeClamd:
    def __init__(self, path: Path, *, stream_max_length: int = 25 * 1024 * 1024):
        self.path = path
        self.stream_max_length = stream_max_length
        self.scanned: list[bytes] = []
        self.answer: str | None = None  # when set, answered to every INSTREAM instead of a verdict
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(str(path))
        self._server.listen(16)
        self._thread = threading.Thread(target=self._serve, name="fake-clamd", daemon=True)
        self._thread.start()

    def reset(self) -> None:
        self.scanned.clear()
        self.answer = None

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)
        self._server.close()

    def _serve(self) -> None:
        while True:
            try:
                connection, _address = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    @staticmethod
    def _read_exactly(connection: socket.socket, size: int) -> bytes:
        data = bytearray()
        while len(data) < size:
            chunk = connection.recv(size - len(data))
            if not chunk:
                raise ConnectionError("client went away")
            data += chunk
        return bytes(data)

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            try:
                command = bytearray()
                while not command.endswith(b"\0"):
                    command += self._read_exactly(connection, 1)
                if command == b"zPING\0":
                    connection.sendall(b"PONG\0")
                    return
                if command != b"zINSTREAM\0":
                    connection.sendall(b"UNKNOWN COMMAND\0")
                    return
                data = bytearray()
                while True:
                    (length,) = struct.unpack("!L", self._read_exactly(connection, 4))
                    if length == 0:
                        break
                    data += self._read_exactly(connection, length)
                    if len(data) > self.stream_max_length:
                        connection.sendall(b"INSTREAM size limit exceeded. ERROR\0")
                        return
                self.scanned.append(bytes(data))
                if self.answer is not None:
                    reply = self.answer
                elif EICAR in data:
                    reply = "stream: Eicar-Test-Signature FOUND"
                else:
                    reply = "stream: OK"
                connection.sendall(reply.encode() + b"\0")
            except (ConnectionError, OSError):
                return


@pytest.fixture(scope="session")
def fake_clamd():
    # A short directory of its own: Unix socket paths are limited to about 100 bytes.
    with tempfile.TemporaryDirectory(prefix="clamd-") as folder:
        server = FakeClamd(Path(folder) / "clamd.sock")
        try:
            yield server
        finally:
            server.close()


def _uses_real_clamd(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("realstack")
    return marker is not None and "clamav" in marker.args


@pytest.fixture(autouse=True)
def _virus_scanner(request, settings, fake_clamd):
    if _uses_real_clamd(request.node):
        return
    fake_clamd.reset()
    settings.CLAMAV_ENABLED = True
    settings.CLAMAV_HOST = ""
    settings.CLAMAV_SOCKET = str(fake_clamd.path)
