"""A printer on a CUPS queue (Linux, macOS) that reports a slip as printed only once CUPS says
the job completed.

Why not Qt's print dialog path here: Qt hands the job to CUPS and forgets it (no job id, no
state), so a queue that holds, stops or aborts the job would still look "printed". Instead:

1. before submitting, the queue is read over IPP (Get-Printer-Attributes): a queue that does
   not exist or cannot be reached is ``PRINTER_OFFLINE``, one that does not accept jobs
   (``cupsreject``) is ``PRINTER_REFUSED``, one that is stopped (``cupsdisable``, a stopped
   printer) is ``PRINTER_STOPPED``; nothing is submitted then;
2. the archived PDF itself (vector, so the barcode and the text stay sharp) is submitted with
   ``lp -d QUEUE -t TITLE -n COPIES -o media=...``; the job id comes from lp's answer;
3. the job's ``job-state`` is polled over IPP (Get-Job-Attributes) for at most ``wait_s``
   seconds: ``completed`` is printed; ``held`` (it would wait for someone to release it),
   ``canceled`` or ``aborted`` is ``PRINTER_JOB_FAILED``; the queue stopping meanwhile is
   ``PRINTER_STOPPED``; a job still pending or processing at the deadline is
   ``PRINTER_TIMEOUT``. In every failure after submission the job is
   cancelled (``cancel JOB-ID``), so no paper comes out later unrecorded and the next attempt
   is again the original.

"Completed" is what CUPS knows: the backend handed the whole job to the device (an IPP
printer: the printer itself said it completed). That is the strongest confirmation an
officer's desk can get without a person looking at the tray.

The IPP requests are read-only operations any local user may do; submission and
cancellation go through ``lp`` / ``cancel``, which carry the user's CUPS credentials. The
CUPS server is the one ``lpstat -H`` names (client.conf, ``CUPS_SERVER``), a local socket
path or ``host:port``. Commands run with ``LC_ALL=C`` so their answers can be parsed.
"""

from __future__ import annotations

import http.client
import logging
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.printing.printer import PaperSize, check_job
from counter_app.texts import printing as t

log = logging.getLogger(__name__)

POINTS_PER_MM = 72 / 25.4
COMMAND_TIMEOUT_S = 30
POLL_S = 0.2
_REQUEST_ID = re.compile(r"request id is (?P<queue>\S+)-(?P<job>\d+)")

# IPP (RFC 8010/8011) values used here
_OP_PRINT_JOB_ATTRS = 0x0009  # Get-Job-Attributes
_OP_GET_PRINTER_ATTRS = 0x000B
_OP_CUPS_GET_DEFAULT = 0x4001
_TAG_OPERATION, _TAG_END = 0x01, 0x03
_TAG_INTEGER, _TAG_BOOLEAN, _TAG_ENUM = 0x21, 0x22, 0x23
_TAG_URI, _TAG_KEYWORD, _TAG_NAME = 0x45, 0x44, 0x42
_TAG_CHARSET, _TAG_LANGUAGE = 0x47, 0x48
_STATUS_NOT_FOUND = 0x0406
PRINTER_STOPPED_STATE = 5
JOB_PENDING, JOB_HELD, JOB_PROCESSING, JOB_STOPPED = 3, 4, 5, 6
JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED = 7, 8, 9


def cups_available() -> bool:
    """True on a system that prints through CUPS (its ``lp`` client is installed)."""
    return sys.platform != "win32" and shutil.which("lp") is not None


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    try:
        return subprocess.run(
            args, capture_output=True, text=True, env=env, timeout=COMMAND_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return subprocess.CompletedProcess(args, 127, "", str(exc))


# --- a minimal IPP client (read-only requests) ---------------------------------------------------


def _attribute(tag: int, name: str, value: bytes) -> bytes:
    raw = name.encode()
    return struct.pack(">BH", tag, len(raw)) + raw + struct.pack(">H", len(value)) + value


def _request(operation: int, attributes: list[tuple[int, str, bytes]]) -> bytes:
    body = struct.pack(">BBHI", 2, 0, operation, 1) + bytes([_TAG_OPERATION])
    body += _attribute(_TAG_CHARSET, "attributes-charset", b"utf-8")
    body += _attribute(_TAG_LANGUAGE, "attributes-natural-language", b"en")
    for tag, name, value in attributes:
        body += _attribute(tag, name, value)
    return body + bytes([_TAG_END])


def _parse(data: bytes) -> tuple[int, dict[str, bytes]]:
    """(status code, first value of each attribute) of an IPP response."""
    if len(data) < 8:
        raise ValueError("short IPP response")
    status = struct.unpack(">H", data[2:4])[0]
    values: dict[str, bytes] = {}
    pos, name = 8, ""
    while pos < len(data):
        tag = data[pos]
        pos += 1
        if tag == _TAG_END:
            break
        if tag < 0x10:  # a new attribute group
            continue
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        name = data[pos + 2 : pos + 2 + length].decode() or name  # empty: another value
        pos += 2 + length
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        values.setdefault(name, data[pos + 2 : pos + 2 + length])
        pos += 2 + length
    return status, values


class _SocketConnection(http.client.HTTPConnection):
    """HTTP over the CUPS domain socket (``/run/cups/cups.sock``)."""

    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


@dataclass(frozen=True, slots=True)
class CupsServer:
    """Where cupsd listens: a domain socket path or ``host[:port]``."""

    address: str

    @classmethod
    def configured(cls) -> CupsServer:
        answer = _run("lpstat", "-H").stdout.strip()
        return cls(answer or os.environ.get("CUPS_SERVER", "") or "localhost:631")

    def ipp(
        self, path: str, operation: int, attributes: list[tuple[int, str, bytes]]
    ) -> tuple[int, dict[str, bytes]]:
        """Send one IPP request to ``path`` ("/", "/printers/Q", "/jobs/N"); OSError when
        the server cannot be reached."""
        connection: http.client.HTTPConnection
        if self.address.startswith("/"):
            connection = _SocketConnection(self.address, timeout=5)
        else:
            host, _, port = self.address.partition(":")
            connection = http.client.HTTPConnection(host, int(port or 631), timeout=5)
        try:
            connection.request(
                "POST",
                path,
                body=_request(operation, attributes),
                headers={"Content-Type": "application/ipp"},
            )
            response = connection.getresponse()
            data = response.read()
        except (http.client.HTTPException, ValueError) as exc:
            raise OSError(str(exc)) from exc
        finally:
            connection.close()
        if response.status != 200:
            raise OSError(f"HTTP {response.status}")
        try:
            return _parse(data)
        except (ValueError, struct.error, UnicodeDecodeError) as exc:
            raise OSError(f"bad IPP response: {exc}") from exc


def _int(value: bytes | None) -> int | None:
    return struct.unpack(">i", value)[0] if value is not None and len(value) == 4 else None


@dataclass(frozen=True, slots=True)
class QueueState:
    accepting: bool
    stopped: bool


# --- the printer ----------------------------------------------------------------------------------


def media_of(size: PaperSize, *, height_pt: float) -> str:
    """The ``media`` option of a slip: A5, A4, or 80 mm wide roll paper cut at the page length."""
    if size is PaperSize.A5:
        return "A5"
    if size is PaperSize.THERMAL_80MM:
        return f"Custom.80x{max(1, round(height_pt / POINTS_PER_MM))}mm"
    return "A4"


def _first_page_height(pdf: Path) -> float:
    """Height in points of the first page (the 80 mm slip's length)."""
    import pypdfium2 as pdfium  # only for the 80 mm roll

    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError:
        raise DomainError(ErrorCode.PRINTER_FAILED, detail=f"{pdf.name}: unreadable") from None
    try:
        return float(document[0].get_size()[1]) if len(document) else 0.0
    finally:
        document.close()


class CupsPrinter:
    """Prints through CUPS to ``queue`` (None or "": the CUPS default destination)."""

    def __init__(
        self, queue: str | None, *, wait_s: float = 45.0, server: CupsServer | None = None
    ) -> None:
        self.queue = queue or None
        self.name = queue or ""
        self.wait_s = wait_s
        self._server = server

    @property
    def server(self) -> CupsServer:
        if self._server is None:
            self._server = CupsServer.configured()
        return self._server

    def print_pdf(self, pdf: Path, *, size: PaperSize, copies: int, title: str) -> None:
        """Print and wait for CUPS to confirm; see the module docstring for each outcome."""
        check_job(pdf, copies=copies)
        size = PaperSize(size)
        queue = self.queue or self._default_queue()
        self.name = queue
        state = self.queue_state(queue)
        if not state.accepting:
            raise DomainError(ErrorCode.PRINTER_REFUSED, printer=queue)
        if state.stopped:
            raise DomainError(ErrorCode.PRINTER_STOPPED, printer=queue)
        job = self._submit(pdf, queue=queue, size=size, copies=copies, title=title)
        try:
            self._wait(queue, job)
        except DomainError:
            _run("cancel", f"{queue}-{job}")
            raise
        log.info(
            "printed %s (%s, %d copies) on %s, job %d", pdf.name, size.value, copies, queue, job
        )

    def _default_queue(self) -> str:
        try:
            _status, values = self.server.ipp("/", _OP_CUPS_GET_DEFAULT, [])
        except OSError:
            values = {}
        name = values.get("printer-name", b"").decode()
        if not name:
            raise DomainError(ErrorCode.PRINTER_OFFLINE, printer=t.NO_DEFAULT_PRINTER)
        return name

    def queue_state(self, queue: str) -> QueueState:
        """Whether ``queue`` accepts jobs and whether it is stopped (PRINTER_OFFLINE if gone)."""
        uri = f"ipp://localhost/printers/{queue}".encode()
        wanted = [
            (_TAG_URI, "printer-uri", uri),
            (_TAG_KEYWORD, "requested-attributes", b"printer-state"),
            (_TAG_KEYWORD, "", b"printer-is-accepting-jobs"),
        ]
        try:
            status, values = self.server.ipp(f"/printers/{queue}", _OP_GET_PRINTER_ATTRS, wanted)
        except OSError as exc:
            raise DomainError(ErrorCode.PRINTER_OFFLINE, printer=queue, detail=str(exc)) from None
        if status >= 0x0400 or "printer-state" not in values:
            raise DomainError(ErrorCode.PRINTER_OFFLINE, printer=queue)
        accepting = values.get("printer-is-accepting-jobs", b"\x01") != b"\x00"
        return QueueState(
            accepting=accepting, stopped=_int(values["printer-state"]) == PRINTER_STOPPED_STATE
        )

    def job_state(self, job: int) -> int | None:
        """The IPP ``job-state`` of ``job`` (None when CUPS no longer knows it)."""
        wanted = [
            (_TAG_URI, "job-uri", f"ipp://localhost/jobs/{job}".encode()),
            (_TAG_KEYWORD, "requested-attributes", b"job-state"),
        ]
        try:
            status, values = self.server.ipp(f"/jobs/{job}", _OP_PRINT_JOB_ATTRS, wanted)
        except OSError as exc:
            raise DomainError(
                ErrorCode.PRINTER_OFFLINE, printer=self.name, detail=str(exc)
            ) from None
        if status == _STATUS_NOT_FOUND:
            return None
        return _int(values.get("job-state"))

    def _submit(self, pdf: Path, *, queue: str, size: PaperSize, copies: int, title: str) -> int:
        height = _first_page_height(pdf) if size is PaperSize.THERMAL_80MM else 0.0
        media = media_of(size, height_pt=height)
        done = _run(
            "lp", "-d", queue, "-t", title, "-n", str(copies), "-o", f"media={media}", str(pdf)
        )
        found = _REQUEST_ID.search(done.stdout)
        if done.returncode != 0 or found is None:
            answer = (done.stderr or done.stdout).strip()
            log.warning("lp refused the job on %s: %s", queue, answer)
            if "not accepting" in answer:
                raise DomainError(ErrorCode.PRINTER_REFUSED, printer=queue)
            if "does not exist" in answer or "not found" in answer.lower():
                raise DomainError(ErrorCode.PRINTER_OFFLINE, printer=queue)
            raise DomainError(ErrorCode.PRINTER_JOB_FAILED, printer=queue)
        return int(found.group("job"))

    def _wait(self, queue: str, job: int) -> None:
        deadline = time.monotonic() + self.wait_s
        while True:
            state = self.job_state(job)
            if state == JOB_COMPLETED:
                return
            if state in (JOB_HELD, JOB_CANCELED, JOB_ABORTED, None):
                raise DomainError(ErrorCode.PRINTER_JOB_FAILED, printer=queue)
            if self.queue_state(queue).stopped:
                raise DomainError(ErrorCode.PRINTER_STOPPED, printer=queue)
            if time.monotonic() >= deadline:
                raise DomainError(
                    ErrorCode.PRINTER_TIMEOUT, printer=queue, seconds=round(self.wait_s)
                )
            time.sleep(POLL_S)
