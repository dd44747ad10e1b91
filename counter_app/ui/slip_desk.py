"""Issue a slip (archive + event, on the GUI thread), then print or preview it in background.

The dossier is already stored when a slip is issued; a printing failure only shows a message
and leaves the archived PDF, so the same slip can be sent again or reprinted later.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.printing.printer import PaperSize
from counter_app.services import slips
from counter_app.services.slips import SlipForm
from counter_app.texts import window as t
from counter_app.ui.errors import show_error
from counter_app.ui.pdf_images import page_images
from counter_app.ui.session import Session
from counter_app.ui.workers import run_in_background

PREVIEW_DPI = 110
COPIES = {SlipForm.RECEIPT: 2}  # DESIGN §1: the office keeps one, the citizen takes one


def copies_of(form: SlipForm) -> int:
    return COPIES.get(form, 1)


class SlipDesk(QObject):
    """Slips of the logged-in officer. Signals carry the archived PDF's path."""

    print_succeeded = Signal(object, int)  # path, copies
    print_failed = Signal(object, object)  # path, exception

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session

    def paper_size(self) -> PaperSize:
        return PaperSize.parse(str(self.session.ctx.setting("paper_size", PaperSize.A5.value)))

    def first_form(self, dossier: Dossier) -> SlipForm:
        """The slip the dossier has now (receipt, supplement request or refusal)."""
        forms = slips.allowed_forms(dossier)
        if not forms:
            raise DomainError(ErrorCode.SLIP_NOT_AVAILABLE, code=dossier.code or dossier.uuid)
        return forms[0]

    def issue(self, dossier: Dossier, form: SlipForm) -> Path:
        """Archive the slip and record its event (one transaction in the service)."""
        _record, path, changes = slips.issue_slip(
            self.session.ctx,
            dossier,
            form=form,
            size=self.paper_size(),
            officer=self.session.username,
        )
        self.session.events.changes_applied.emit(changes)
        return path

    def send(self, path: Path, *, form: SlipForm, title: str, parent: QWidget | None) -> None:
        """Print the archived ``path`` on the configured printer, off the GUI thread."""
        printer = self.session.printer()
        size, copies = self.paper_size(), copies_of(form)

        def job() -> None:
            printer.print_pdf(path, size=size, copies=copies, title=title)

        def failed(exc: BaseException) -> None:
            show_error(parent, exc)
            self.print_failed.emit(path, exc)

        run_in_background(
            job,
            on_success=lambda _r: self.print_succeeded.emit(path, copies),
            on_error=failed,
            parent=parent,
            progress_label=t.PRINTING,
        )

    def issue_and_print(self, dossier: Dossier, *, parent: QWidget | None) -> Path:
        """Issue the dossier's first slip form (reprint marking is the service's) and print."""
        form = self.first_form(dossier)
        path = self.issue(dossier, form)
        self.send(path, form=form, title=dossier.code or dossier.uuid[:8], parent=parent)
        return path

    def preview(
        self,
        source: Path | bytes,
        *,
        parent: QWidget | None,
        on_ready: Callable[[list[QImage]], None],
    ) -> None:
        """Render ``source`` to page images in background, then call ``on_ready(images)``."""

        def failed(exc: BaseException) -> None:
            show_error(parent, exc)

        run_in_background(
            lambda: [image for image, _w, _h in page_images(source, dpi=PREVIEW_DPI)],
            on_success=on_ready,
            on_error=failed,
            parent=parent,
            progress_label=t.WORKING,
        )

    def render(self, dossier: Dossier, form: SlipForm) -> bytes:
        return slips.render(
            self.session.ctx, dossier, form=form, size=self.paper_size(), reprint=False
        )
