"""The system printers against a real CUPS queue (cups-pdf, see tests/cups_pdf.py): the slip
comes back out as a PDF whose barcode reads as the dossier code, and the shared Printer
contract holds for the CUPS printer (Linux, macOS) and for the Qt printer (Windows' path,
which also prints to CUPS)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.printing.cups import CupsPrinter, media_of
from counter_app.printing.printer import PaperSize, Printer, PrinterContract
from counter_app.services import archive
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.slips import SlipForm, issue_slip
from counter_app.services.station import StationContext
from counter_app.ui.qt_printer import QtPrinter, system_printer
from tests.conftest import make_applicant
from tests.cups_pdf import PRINT_WAIT_S, PdfQueue, pdf_queue

_QUEUES: dict[str, PdfQueue] = {}


@pytest.fixture(scope="session")
def cups_queue() -> Iterator[str]:
    """The name of a cups-pdf queue of its own (the wizard's tests reuse this fixture)."""
    with pdf_queue("QMC_C") as queue:
        _QUEUES[queue.name] = queue
        yield queue.name
        del _QUEUES[queue.name]


def _pdfs() -> dict[Path, int]:
    """The PDFs the queues wrote so far, with their modification times."""
    return {p: p.stat().st_mtime_ns for q in _QUEUES.values() for p in q.out_dir.glob("*.pdf")}


def _wait_for_new_pdf(before: dict[Path, int], *, token: str = "") -> Path:
    """The complete PDF written since ``before`` whose name holds ``token`` (the job title)."""
    deadline = time.monotonic() + PRINT_WAIT_S
    while time.monotonic() < deadline:
        done = [
            p
            for q in _QUEUES.values()
            for p in q.pdfs()
            if token in p.name and before.get(p) != p.stat().st_mtime_ns
        ]
        if done:
            return max(done, key=lambda p: p.stat().st_mtime_ns)
        time.sleep(0.2)
    raise AssertionError(f"cups-pdf wrote nothing in {PRINT_WAIT_S}s")


def test_receipt_printed_on_cups_reads_back_as_the_dossier_code(
    qapp, cups_queue: str, station: StationContext, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    zxingcpp = pytest.importorskip("zxingcpp")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed: apt-get install poppler-utils")
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    dossier, _ = receive_dossier(station, request, officer="canbo")
    _record, archived, _ = issue_slip(
        station, dossier, form=SlipForm.RECEIPT, size=PaperSize.A5, officer="canbo"
    )
    before = _pdfs()
    data = archive.read_archived(station.store.data_dir, archived)
    with archive.printable(data, name="barcode") as pdf:
        CupsPrinter(cups_queue).print_pdf(pdf, size=PaperSize.A5, copies=1, title="barcode")
    printed = _wait_for_new_pdf(before, token="barcode")

    prefix = tmp_path / "page"
    rendered = subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(printed), str(prefix)],
        capture_output=True,
        check=False,
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


class _OnCups(PrinterContract):
    """The shared contract on the real queue; what the queue wrote since the printer was made."""

    @pytest.fixture(autouse=True)
    def _queue(self, qapp, cups_queue: str) -> None:  # type: ignore[no-untyped-def]
        self.queue = _QUEUES[cups_queue]
        self.expect_output = True

    def make_printer(self, tmp_path: Path) -> Printer:
        self.before = len(self.queue.pdfs())
        self.calls = 0
        return self.printer_for(self.queue.name)

    def make_offline_printer(self, tmp_path: Path) -> Printer:
        return self.printer_for("QMC_NO_SUCH_QUEUE")

    def printer_for(self, name: str) -> Printer:
        raise NotImplementedError

    def printed(self, printer: object) -> list[bytes]:
        """The jobs since the printer was made; waits for cups-pdf after a job was sent."""
        self.calls += 1
        if self.calls > 1 and self.expect_output:
            self.queue.wait_for(self.before + 1)
        return [p.read_bytes() for p in self.queue.pdfs()[self.before :]]

    def test_missing_file_fails_clearly(self, tmp_path: Path) -> None:
        self.expect_output = False
        super().test_missing_file_fails_clearly(tmp_path)


class TestCupsPrinterContract(_OnCups):
    def printer_for(self, name: str) -> Printer:
        return CupsPrinter(name, wait_s=30)


class TestQtPrinterContract(_OnCups):
    def printer_for(self, name: str) -> Printer:
        return QtPrinter(name)


def test_unknown_queue_is_offline(qapp) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as offline:
        QtPrinter("QMC_NO_SUCH_QUEUE").print_pdf(
            Path(__file__), size=PaperSize.A5, copies=1, title="x"
        )
    assert offline.value.code in (ErrorCode.PRINTER_OFFLINE, ErrorCode.PRINTER_FAILED)


def test_this_system_prints_through_cups(cups_queue: str) -> None:
    assert isinstance(system_printer(cups_queue), CupsPrinter)


def test_the_media_of_each_paper() -> None:
    assert media_of(PaperSize.A5, height_pt=595) == "A5"
    assert media_of(PaperSize.A4, height_pt=842) == "A4"
    assert media_of(PaperSize.A4X2, height_pt=595) == "A4"  # landscape pages, auto-rotated
    assert media_of(PaperSize.THERMAL_80MM, height_pt=566.93) == "Custom.80x200mm"
