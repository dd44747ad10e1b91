"""Print a slip truthfully: render and archive it (GUI thread), print it in background, and
record it as printed only once the printer confirmed the job.

- One job per slip, one copy of its PDF: the receipt's PDF already holds both liên (DESIGN
  §1: the office keeps one, the citizen takes one), so the printer is never asked for copies
  (that printed every receipt four times).
- :meth:`SlipDesk.print_slip` renders the slip again for every attempt: the slip says
  "BẢN IN LẠI" only when an earlier print of the same form really printed, so after a
  refused or lost job the next sheet is still the original.
- A printer failure shows the printer's Vietnamese message (it names the printer and what to
  do), emits :attr:`SlipDesk.print_failed`, and records nothing: the dossier is already stored
  and the slip can be printed again (Ctrl+P, or from the dossier's history).
- While a slip's job is out, another print of the same dossier and form waits for it (it
  would be marked as the original too) and starts once the first one is over, rendered then
  (a reprint if the first printed); the running job's path is returned meanwhile.
- The printer gets the slip's PDF bytes (``PreparedSlip.pdf``) as a temporary file; the
  signals carry the archived file's path, and the preview reads it back through
  ``services.archive`` (the archive keeps a compact file, not a plain PDF).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.printing.printer import PaperSize
from counter_app.services import archive, slips
from counter_app.services.slips import PreparedSlip, SlipForm
from counter_app.texts import window as t
from counter_app.ui.errors import show_error
from counter_app.ui.pdf_images import page_images
from counter_app.ui.session import Session
from counter_app.ui.workers import run_in_background

PREVIEW_DPI = 110


def page_count(pdf: Path | bytes) -> int:
    """The pages of a PDF (what one copy of the slip takes on paper)."""
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


class SlipDesk(QObject):
    """Slips of the logged-in officer. Signals carry the archived PDF's path."""

    print_succeeded = Signal(object, int)  # path, pages printed (one job, one copy)
    print_failed = Signal(object, object)  # path, exception (nothing recorded as printed)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._in_flight: dict[tuple[str, SlipForm], Path] = {}
        self._queued: dict[tuple[str, SlipForm], tuple[Dossier, QWidget | None]] = {}

    def paper_size(self) -> PaperSize:
        return PaperSize.parse(str(self.session.ctx.setting("paper_size", PaperSize.A5.value)))

    def first_form(self, dossier: Dossier) -> SlipForm:
        """The slip the dossier has now (receipt, supplement request or refusal)."""
        forms = slips.allowed_forms(dossier)
        if not forms:
            raise DomainError(ErrorCode.SLIP_NOT_AVAILABLE, code=dossier.code or dossier.uuid)
        return forms[0]

    def print_slip(self, dossier: Dossier, form: SlipForm, *, parent: QWidget | None) -> Path:
        """Render and archive ``form`` of ``dossier`` (DomainError here, on the GUI thread, if
        it cannot be rendered), print it off the GUI thread, and record it once printed.
        Returns the archived PDF's path, which the signals carry. The job's title is the
        archived file's name (dossier code or uuid, form, print number), never personal data."""
        key = (dossier.uuid, form)
        if key in self._in_flight:
            self._queued[key] = (dossier, parent)
            return self._in_flight[key]
        prepared = slips.prepare_slip(
            self.session.ctx,
            dossier,
            form=form,
            size=self.paper_size(),
            officer=self.session.username,
        )
        self._send(prepared, key=key, title=prepared.path.stem, parent=parent)
        return prepared.path

    def _send(
        self,
        prepared: PreparedSlip,
        *,
        key: tuple[str, SlipForm],
        title: str,
        parent: QWidget | None,
    ) -> None:
        printer = self.session.printer()
        path, size = prepared.path, PaperSize(prepared.record.size)
        self._in_flight[key] = path

        def job() -> int:
            with archive.printable(prepared.pdf, name=title) as pdf:
                printer.print_pdf(pdf, size=size, copies=1, title=title)
            return page_count(prepared.pdf)

        def printed(pages: int) -> None:
            try:
                _record, changes = slips.record_print(self.session.ctx, prepared)
            except DomainError as exc:
                failed(exc)
                return
            self.session.events.changes_applied.emit(changes)
            self.print_succeeded.emit(path, pages)
            self._next(key)

        def failed(exc: BaseException) -> None:
            show_error(parent, exc)
            self.print_failed.emit(path, exc)
            self._next(key)

        run_in_background(
            job, on_success=printed, on_error=failed, parent=parent, progress_label=t.PRINTING
        )

    def _next(self, key: tuple[str, SlipForm]) -> None:
        """The job of ``key`` is over: start the print asked for meanwhile, if any."""
        self._in_flight.pop(key, None)
        queued = self._queued.pop(key, None)
        if queued is None:
            return
        dossier, parent = queued
        try:
            self.print_slip(dossier, key[1], parent=parent)
        except DomainError as exc:
            show_error(parent, exc)

    def issue_and_print(self, dossier: Dossier, *, parent: QWidget | None) -> Path:
        """Print the dossier's first slip form (receipt, supplement request or refusal)."""
        return self.print_slip(dossier, self.first_form(dossier), parent=parent)

    def preview(
        self,
        source: Path | bytes,
        *,
        parent: QWidget | None,
        on_ready: Callable[[list[QImage]], None],
    ) -> None:
        """Render ``source`` (PDF bytes, or an archived slip's path) to page images in
        background, then call ``on_ready(images)``."""
        data_dir = self.session.ctx.store.data_dir

        def failed(exc: BaseException) -> None:
            show_error(parent, exc)

        def images() -> list[QImage]:
            pdf = archive.read_archived(data_dir, source) if isinstance(source, Path) else source
            return [image for image, _w, _h in page_images(pdf, dpi=PREVIEW_DPI)]

        run_in_background(
            images,
            on_success=on_ready,
            on_error=failed,
            parent=parent,
            progress_label=t.WORKING,
        )

    def render(self, dossier: Dossier, form: SlipForm) -> bytes:
        return slips.render(
            self.session.ctx, dossier, form=form, size=self.paper_size(), reprint=False
        )
