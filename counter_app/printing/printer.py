"""Paper sizes, the ``Printer`` protocol, a folder printer, and the printer contract.

Guarantees every ``Printer`` gives (checked by :class:`PrinterContract`, which the folder
printer and the Qt printer both run):

- ``print_pdf`` never modifies, moves or deletes the PDF it is given (the archived slip);
- ``print_pdf`` returns only once the job printed, as far as the system can tell (CUPS: the
  job completed, see ``counter_app.printing.cups``; Windows spooler: the job was spooled; a
  folder: the file is written), so its caller may then record the slip as printed;
- a printer that cannot be reached raises ``DomainError(PRINTER_OFFLINE, printer=...)``; a
  queue that refuses jobs ``PRINTER_REFUSED``, a stopped queue ``PRINTER_STOPPED``, a job held,
  cancelled or aborted ``PRINTER_JOB_FAILED``, a job not done in time ``PRINTER_TIMEOUT`` (each
  with ``printer=...``);
- any other failure (missing or unreadable file, bad copy count, a job the system rejects)
  raises ``DomainError(PRINTER_FAILED, detail=...)``; nothing else escapes.

One slip is one job of one copy of its PDF: a receipt's PDF holds both liên already.
"""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from counter_app.domain.errors import DomainError, ErrorCode

PDF_MAGIC = b"%PDF-"


class PaperSize(StrEnum):
    A5 = "a5"
    A4 = "a4"
    A4X2 = "a4x2"  # landscape A4, two A5 copies side by side, cut along the dashed line
    THERMAL_80MM = "80mm"

    @classmethod
    def parse(cls, value: str) -> PaperSize:
        """The size named ``value`` (case and spaces ignored) or PAPER_SIZE_INVALID."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise DomainError(ErrorCode.PAPER_SIZE_INVALID, value=value) from None


class Printer(Protocol):
    """Something that puts a PDF on paper (or where paper would be)."""

    name: str

    def print_pdf(self, pdf: Path, *, size: PaperSize, copies: int, title: str) -> None:
        """Print ``copies`` copies of ``pdf`` and return once printed; raise as the module
        docstring says when the job did not print."""
        ...


def check_job(pdf: Path, *, copies: int) -> None:
    """Refuse a job that cannot be printed, before any printer is touched."""
    if copies < 1:
        raise DomainError(ErrorCode.PRINTER_FAILED, detail=f"copies={copies}")
    try:
        with pdf.open("rb") as handle:
            head = handle.read(len(PDF_MAGIC))
    except OSError:
        raise DomainError(ErrorCode.PRINTER_FAILED, detail=f"{pdf.name}: unreadable") from None
    if head != PDF_MAGIC:
        raise DomainError(ErrorCode.PRINTER_FAILED, detail=f"{pdf.name}: not a PDF")


def write_durably(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically: temp file, fsync, rename, fsync of the folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_UNSAFE = re.compile(r"[^0-9A-Za-z._-]+")


class FolderPrinter:
    """A printer that drops each job into a folder (development, tests, broken-printer fallback).

    Job ``n`` becomes ``<folder>/<n:04d>-<title>-<size>-x<copies>.pdf``, a byte copy of the
    PDF, written durably. A folder that cannot be created or written is "offline".
    """

    def __init__(self, folder: Path, *, name: str = "folder") -> None:
        self.folder = folder
        self.name = name

    def print_pdf(self, pdf: Path, *, size: PaperSize, copies: int, title: str) -> None:
        """Copy ``pdf`` into the folder as the next job; see the module guarantees."""
        check_job(pdf, copies=copies)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            number = len(self.jobs()) + 1
            safe = _UNSAFE.sub("_", title)[:60] or "job"
            target = self.folder / f"{number:04d}-{safe}-{PaperSize(size).value}-x{copies}.pdf"
            write_durably(target, pdf.read_bytes())
        except OSError as exc:
            raise DomainError(
                ErrorCode.PRINTER_OFFLINE, printer=self.name, detail=str(exc)
            ) from None

    def jobs(self) -> list[Path]:
        """The jobs printed so far, oldest first."""
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.glob("[0-9][0-9][0-9][0-9]-*.pdf"))


def copy_file(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` durably (used to hand an archived slip to the user)."""
    with source.open("rb") as handle:
        data = handle.read()
    write_durably(target, data)
    shutil.copymode(source, target)


class PrinterContract:
    """Behaviour every :class:`Printer` must show. Subclass it in a test module as
    ``class TestMyPrinter(PrinterContract)`` and provide the three hooks; pytest runs the
    ``test_*`` methods (they use pytest's ``tmp_path`` fixture, nothing else).
    """

    def make_printer(self, tmp_path: Path) -> Printer:
        """A working printer whose output :meth:`printed` can read back."""
        raise NotImplementedError

    def make_offline_printer(self, tmp_path: Path) -> Printer:
        """A printer that is unreachable (switched off, unplugged, queue gone)."""
        raise NotImplementedError

    def printed(self, printer: Printer) -> list[bytes]:
        """The PDF documents the printer produced so far, oldest first."""
        raise NotImplementedError

    def sample_pdf(self, tmp_path: Path) -> Path:
        path = tmp_path / "sample.pdf"
        path.write_bytes(sample_pdf_bytes())
        return path

    def test_prints_a_pdf_and_leaves_it_untouched(self, tmp_path: Path) -> None:
        printer = self.make_printer(tmp_path)
        pdf = self.sample_pdf(tmp_path)
        before = len(self.printed(printer))
        printer.print_pdf(pdf, size=PaperSize.A5, copies=1, title="sample")
        documents = self.printed(printer)
        assert len(documents) > before
        assert all(d.startswith(PDF_MAGIC) for d in documents)
        assert pdf.read_bytes() == sample_pdf_bytes()

    def test_missing_file_fails_clearly(self, tmp_path: Path) -> None:
        printer = self.make_printer(tmp_path)
        _expect(ErrorCode.PRINTER_FAILED, printer, tmp_path / "absent.pdf", copies=1)
        assert self.printed(printer) == []

    def test_not_a_pdf_fails_clearly(self, tmp_path: Path) -> None:
        printer = self.make_printer(tmp_path)
        bogus = tmp_path / "bogus.pdf"
        bogus.write_bytes(b"hello")
        _expect(ErrorCode.PRINTER_FAILED, printer, bogus, copies=1)
        assert bogus.read_bytes() == b"hello"

    def test_zero_copies_refused(self, tmp_path: Path) -> None:
        printer = self.make_printer(tmp_path)
        _expect(ErrorCode.PRINTER_FAILED, printer, self.sample_pdf(tmp_path), copies=0)

    def test_offline_printer_says_so_and_keeps_the_pdf(self, tmp_path: Path) -> None:
        printer = self.make_offline_printer(tmp_path)
        pdf = self.sample_pdf(tmp_path)
        error = _expect(ErrorCode.PRINTER_OFFLINE, printer, pdf, copies=1)
        assert error.params.get("printer") == printer.name
        assert pdf.read_bytes() == sample_pdf_bytes()


def _expect(code: ErrorCode, printer: Printer, pdf: Path, *, copies: int) -> DomainError:
    try:
        printer.print_pdf(pdf, size=PaperSize.A5, copies=copies, title="sample")
    except DomainError as error:
        assert error.code is code, error
        return error
    raise AssertionError(f"expected DomainError({code})")


@functools.cache
def sample_pdf_bytes() -> bytes:
    """A valid one-page A5 PDF with one line of text (the contract's test job)."""
    from reportlab.lib.pagesizes import A5
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A5, invariant=1)
    canvas.drawString(40, 500, "printer test")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
