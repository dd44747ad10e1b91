"""Helpers of the GUI tests: typing like a scanner, finding message boxes, fake printers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Officer
from counter_app.printing.printer import PaperSize
from counter_app.services.station import StationContext

ID_QR = (
    "001090123456|123456789|Nguyễn Văn Đức|01011990|Nam|"
    "Thôn Đông, xã Minh Hòa, tỉnh Phú Thọ|15062021"
)


class OfflinePrinter:
    """A printer that is switched off: every job raises PRINTER_OFFLINE."""

    name = "QUAY-1"

    def __init__(self) -> None:
        self.attempts = 0

    def print_pdf(self, pdf: Path, *, size: PaperSize, copies: int, title: str) -> None:
        self.attempts += 1
        raise DomainError(ErrorCode.PRINTER_OFFLINE, printer=self.name)


def officer(ctx: StationContext, username: str = "canbo") -> Officer:
    found = ctx.store.officers.get(username)
    assert found is not None
    return found[0]


def type_text(widget: QWidget, text: str) -> None:
    """Type like a USB scanner: one key event per character, carrying its text (any script)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            QApplication.sendEvent(widget, event)


def press(widget: QWidget, key: Qt.Key = Qt.Key.Key_Return) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier))


def message_boxes() -> list[QMessageBox]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    ]


class SwitchablePrinter:
    """Offline until ``online`` is set; then prints into a folder printer."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.online = False
        self.name = "QUAY-1"

    def print_pdf(self, pdf: Path, *, size: PaperSize, copies: int, title: str) -> None:
        if not self.online:
            raise DomainError(ErrorCode.PRINTER_OFFLINE, printer=self.name)
        self.inner.print_pdf(pdf, size=size, copies=copies, title=title)  # type: ignore[attr-defined]


def pdf_text(data: bytes) -> str:
    """All text of a PDF (pypdfium2), for checking what a slip says."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
