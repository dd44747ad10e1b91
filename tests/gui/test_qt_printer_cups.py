"""QtPrinter against a real CUPS queue (cups-pdf): the slip comes back out as a PDF whose
barcode reads as the dossier code. Also runs the shared Printer contract on that queue."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.printing.printer import PaperSize, PrinterContract
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.slips import SlipForm, issue_slip
from counter_app.services.station import StationContext
from counter_app.ui.qt_printer import QtPrinter
from tests.conftest import make_applicant

QUEUE = "QMC_PDF"
CUPS_PDF_CONF = Path("/etc/cups/cups-pdf.conf")
WAIT_S = 60


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False, timeout=30)


def _cups_pdf_ppd() -> str | None:
    listing = _run("lpinfo", "-m").stdout.splitlines()
    ppds = [line.split()[0] for line in listing if "cups-pdf" in line.lower()]
    return min(ppds, key=lambda p: ("noopt" not in p, p)) if ppds else None


def _output_dirs() -> list[Path]:
    """Where cups-pdf writes (its Out / AnonDirName settings, then the Debian defaults)."""
    dirs: list[Path] = []
    if CUPS_PDF_CONF.exists():
        for line in CUPS_PDF_CONF.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.strip().partition(" ")
            if key in ("Out", "AnonDirName") and value:
                home = os.path.expanduser("~")
                dirs.append(Path(value.strip().replace("${HOME}", home)))
    dirs += [Path("/var/spool/cups-pdf/ANONYMOUS"), Path.home() / "PDF", Path("/root/PDF")]
    return list(dict.fromkeys(dirs))


def _pdfs() -> dict[Path, int]:
    """The PDFs cups-pdf has written, with their modification times (it reuses job titles)."""
    return {p: p.stat().st_mtime_ns for d in _output_dirs() if d.is_dir() for p in d.glob("*.pdf")}


def _changed(before: dict[Path, int]) -> set[Path]:
    return {p for p, mtime in _pdfs().items() if before.get(p) != mtime}


@pytest.fixture(scope="session")
def cups_queue() -> Iterator[str]:
    """A cups-pdf queue named QMC_PDF on a running cupsd (started here when needed)."""
    if not (shutil.which("cupsd") and shutil.which("lpadmin") and shutil.which("lpinfo")):
        pytest.skip("CUPS is not installed: apt-get install cups printer-driver-cups-pdf")
    if _run("lpstat", "-r").stdout.strip() != "scheduler is running":
        _run("cupsd")
        for _ in range(50):
            if _run("lpstat", "-r").stdout.strip() == "scheduler is running":
                break
            time.sleep(0.1)
    ppd = _cups_pdf_ppd()
    if ppd is None:
        pytest.skip("the cups-pdf driver is not installed: apt-get install printer-driver-cups-pdf")
    added = _run("lpadmin", "-p", QUEUE, "-E", "-v", "cups-pdf:/", "-m", ppd)
    assert added.returncode == 0, added.stderr
    _run("cupsenable", QUEUE)
    _run("cupsaccept", QUEUE)
    yield QUEUE


def _wait_for_new_pdf(before: dict[Path, int], *, token: str = "") -> Path:
    """The PDF cups-pdf wrote for our job: new since ``before``, complete, and named after the
    job title (it holds ``token``), so a late job of another test is never taken for ours."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        new = {p for p in _changed(before) if token in p.name}
        done = [
            p for p in new if p.stat().st_size > 0 and p.read_bytes().rstrip().endswith(b"%%EOF")
        ]
        if done:
            return max(done, key=lambda p: p.stat().st_mtime)
        time.sleep(0.3)
    raise AssertionError(f"cups-pdf wrote nothing in {WAIT_S}s to {_output_dirs()}")


def test_receipt_printed_on_cups_reads_back_as_the_dossier_code(
    qapp, cups_queue: str, station: StationContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    zxingcpp = pytest.importorskip("zxingcpp")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed: apt-get install poppler-utils")
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    dossier, _ = receive_dossier(station, request, officer="canbo")
    _record, pdf, _ = issue_slip(
        station, dossier, form=SlipForm.RECEIPT, size=PaperSize.A5, officer="canbo"
    )
    before = _pdfs()
    token = str(time.time_ns())
    QtPrinter(cups_queue).print_pdf(
        pdf, size=PaperSize.A5, copies=1, title=f"{dossier.code}-{token}"
    )
    printed = _wait_for_new_pdf(before, token=token)

    prefix = tmp_path / "page"
    rendered = _run(
        "pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(printed), str(prefix)
    )
    assert rendered.returncode == 0, rendered.stderr
    (png,) = tmp_path.glob("page*.png")
    from PySide6.QtGui import QImage

    image = QImage(str(png)).convertToFormat(QImage.Format.Format_Grayscale8)
    width, height = image.width(), image.height()
    stride = image.bytesPerLine()
    raw = bytes(image.constBits())[: stride * height]
    rows = b"".join(raw[y * stride : y * stride + width] for y in range(height))
    pixels = memoryview(rows).cast("B", shape=[height, width])
    results = zxingcpp.read_barcodes(pixels, formats=zxingcpp.BarcodeFormat.Code128)
    assert [r.text for r in results] == [dossier.code]


class TestQtPrinterContract(PrinterContract):
    """The shared Printer contract, on the real CUPS queue."""

    @pytest.fixture(autouse=True)
    def _queue(self, qapp, cups_queue: str) -> None:  # type: ignore[no-untyped-def]
        self.queue = cups_queue

    def make_printer(self, tmp_path: Path) -> QtPrinter:
        self.before = _pdfs()
        return QtPrinter(self.queue)

    def make_offline_printer(self, tmp_path: Path) -> QtPrinter:
        return QtPrinter("QMC_NO_SUCH_QUEUE")

    def printed(self, printer: object) -> list[bytes]:
        """The jobs since the printer was made; waits for cups-pdf after a job was sent."""
        new = _changed(self.before)
        self.calls = getattr(self, "calls", 0) + 1
        if not new and self.calls > 1 and getattr(self, "expect_output", True):
            new = {_wait_for_new_pdf(self.before)}
        return [p.read_bytes() for p in sorted(new)]

    def test_missing_file_fails_clearly(self, tmp_path: Path) -> None:
        self.expect_output = False
        super().test_missing_file_fails_clearly(tmp_path)


def test_unknown_queue_is_offline(qapp) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as offline:
        QtPrinter("QMC_NO_SUCH_QUEUE").print_pdf(
            Path(__file__), size=PaperSize.A5, copies=1, title="x"
        )
    assert offline.value.code in (ErrorCode.PRINTER_OFFLINE, ErrorCode.PRINTER_FAILED)
