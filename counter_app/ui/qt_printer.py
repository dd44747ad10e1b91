"""The Printer of a real counter: :func:`system_printer` picks how a slip reaches the queue.

- Where CUPS prints (Linux, macOS: its ``lp`` client is installed) it is the
  :class:`~counter_app.printing.cups.CupsPrinter`: the PDF goes to CUPS as one job and the
  slip counts as printed only once CUPS says the job completed (a queue that rejects jobs, is
  stopped, or holds, aborts or never finishes the job is reported as not printed). Qt cannot
  do that: it gives CUPS the job and keeps no job id, so a refused or stuck job looked
  printed.
- Elsewhere (Windows) it is :class:`QtPrinter`, through the spooler: each PDF page is rendered
  with pypdfium2 at 300 dpi and painted, full page, on a QPrinter set to the queue, the paper
  size (A5, A4, or 80 mm wide thermal paper as long as the slip) and the number of copies; a
  queue that is missing, in error or aborts the spooling is reported as not printed. Safe to
  call from a worker thread (Qt paints on QPrinter off the GUI thread).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.printing.cups import CupsPrinter, cups_available
from counter_app.printing.printer import PaperSize, Printer, check_job
from counter_app.ui.pdf_images import POINTS_PER_INCH, page_images

log = logging.getLogger(__name__)
MM_PER_POINT = 25.4 / POINTS_PER_INCH
THERMAL_WIDTH_MM = 80.0


def page_size_for(size: PaperSize, *, height_pt: float) -> QPageSize:
    """The QPageSize of a slip page: A5, A4 (A4x2 is A4 in landscape, see
    :func:`orientation_for`), or 80 mm wide and as long as the page."""
    if size in (PaperSize.A4, PaperSize.A4X2):
        return QPageSize(QPageSize.PageSizeId.A4)
    if size is PaperSize.A5:
        return QPageSize(QPageSize.PageSizeId.A5)
    return QPageSize(
        QSizeF(THERMAL_WIDTH_MM, height_pt * MM_PER_POINT),
        QPageSize.Unit.Millimeter,
        "80mm",
        QPageSize.SizeMatchPolicy.ExactMatch,
    )


def orientation_for(size: PaperSize) -> QPageLayout.Orientation:
    """Landscape for two A5 copies side by side on one A4 sheet, portrait otherwise."""
    if size is PaperSize.A4X2:
        return QPageLayout.Orientation.Landscape
    return QPageLayout.Orientation.Portrait


def system_printer(name: str | None) -> Printer:
    """The printer of the queue ``name`` (None or "": the system default) on this system."""
    if cups_available():
        return CupsPrinter(name)
    return QtPrinter(name)


class QtPrinter:
    """Prints through QtPrintSupport to ``printer_name`` (None or "": the system default)."""

    def __init__(self, printer_name: str | None, *, dpi: int = 300) -> None:
        self.printer_name = printer_name or None
        self.name = printer_name or ""
        self.dpi = dpi

    def _queue(self) -> QPrinterInfo:
        if self.printer_name is None:
            info = QPrinterInfo.defaultPrinter()
        elif self.printer_name in QPrinterInfo.availablePrinterNames():
            info = QPrinterInfo.printerInfo(self.printer_name)
        else:
            info = QPrinterInfo()
        if info.isNull() or info.state() in (
            QPrinter.PrinterState.Error,
            QPrinter.PrinterState.Aborted,
        ):
            raise DomainError(ErrorCode.PRINTER_OFFLINE, printer=self.name)
        self.name = self.name or info.printerName()
        return info

    def print_pdf(self, pdf: Path, *, size: PaperSize, copies: int, title: str) -> None:
        """Print ``copies`` copies of ``pdf`` on the queue; see the Printer contract."""
        check_job(pdf, copies=copies)
        size = PaperSize(size)
        info = self._queue()
        pages = page_images(pdf, dpi=self.dpi)
        printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
        printer.setResolution(self.dpi)
        printer.setFullPage(True)
        printer.setCopyCount(copies)
        printer.setDocName(title)
        printer.setPageOrientation(orientation_for(size))
        first_height = pages[0][2] if pages else 0.0
        printer.setPageSize(page_size_for(size, height_pt=first_height))
        printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
        painter = QPainter()
        if not painter.begin(printer):
            raise DomainError(ErrorCode.PRINTER_FAILED, detail=f"{self.name}: begin")
        try:
            for index, (image, _width, height) in enumerate(pages):
                if index:
                    printer.setPageSize(page_size_for(size, height_pt=height))
                    printer.newPage()
                target = printer.pageLayout().fullRectPixels(printer.resolution())
                painter.drawImage(QRectF(target), image)
        finally:
            painter.end()
        if printer.printerState() in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
            raise DomainError(ErrorCode.PRINTER_FAILED, detail=f"{self.name}: job")
        log.info("printed %s (%s, %d copies) on %s", pdf.name, size.value, copies, self.name)
