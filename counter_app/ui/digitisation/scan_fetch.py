"""The progress window of a scan fetched from the province (made at another counter).

The download itself is ``services.scan_fetch.fetch_component``, run on a worker thread with
its own database connection; this window only shows where it is (PDF n of m, megabytes, a bar)
and lets the officer stop it: "Dừng tải" (Alt+D), Escape or closing the window. A stopped or
failed download stores nothing; a finished one is verified and kept, so ``fetched`` fires and
the caller opens the scan as if it had been made here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QProgressDialog, QPushButton, QWidget

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import scan_fetch
from counter_app.services.reading import in_worker
from counter_app.services.station import StationContext
from counter_app.texts import scan_fetch as tf
from counter_app.ui.workers import pool

FETCH_LANE = "attachments"
BAR_STEPS = 1000  # the bar's range: permille of the current PDF
DIALOG_WIDTH = 560


class _FetchSignals(QObject):
    progress = Signal(object)  # FetchProgress
    done = Signal(int)  # PDFs fetched
    failed = Signal(object)  # the exception


class _FetchJob(QRunnable):
    def __init__(self, job: Callable[[], int], signals: _FetchSignals) -> None:
        super().__init__()
        self.job = job
        self.signals = signals

    def run(self) -> None:
        try:
            count = self.job()
        except Exception as exc:  # every failure reaches the window, never a half result
            self.signals.failed.emit(exc)
        else:
            self.signals.done.emit(count)


class ScanFetchDialog(QProgressDialog):
    """Window-modal. ``fetched(int)`` on success, ``failed(exception)`` on an error,
    ``stopped()`` when the officer stopped it; exactly one of them, then the window closes."""

    fetched = Signal(int)
    failed = Signal(object)
    stopped = Signal()

    def __init__(
        self,
        ctx: StationContext,
        *,
        dossier_uuid: str,
        component: int,
        name: str,
        which: str = scan_fetch.BOTH,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dossier_uuid = dossier_uuid
        self.component = component
        self.component_name = name
        self.which = which
        self.last: scan_fetch.FetchProgress | None = None
        self._stop = threading.Event()
        self._over = False
        self.setObjectName("scan_fetch_dialog")
        self.setWindowTitle(tf.FETCH_TITLE)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumDuration(0)  # asked for by the officer: shown at once
        label = QLabel()
        label.setObjectName("fetch_label")
        label.setWordWrap(True)  # a checklist item's name can run to two lines
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setLabel(label)
        self.setFixedWidth(DIALOG_WIDTH)
        # The dialog's own button, relabelled: a button set with setCancelButton() leaves two
        # Escape shortcuts, ambiguous, so Escape would do nothing.
        self.setCancelButtonText(tf.FETCH_CANCEL)
        button = self.findChild(QPushButton)
        assert button is not None
        self.cancel_button: QPushButton = button
        self.cancel_button.setObjectName("fetch_cancel_button")
        self.canceled.connect(self.stop)
        self.setRange(0, 0)  # busy until the server says the size
        self.setLabelText(tf.fetch_label(name, 1, 1, 0, None))
        self.signals = _FetchSignals(self)
        self.signals.progress.connect(self._on_progress)
        self.signals.done.connect(self._on_done)
        self.signals.failed.connect(self._on_failed)

    def start(self) -> None:
        """Show the window and start the download on the attachments lane."""
        uuid, component, which = self.dossier_uuid, self.component, self.which
        signals, stop = self.signals, self._stop

        def fetch(worker_ctx: StationContext) -> int:
            return scan_fetch.fetch_component(
                worker_ctx,
                uuid,
                component,
                which=which,
                progress=signals.progress.emit,
                cancelled=stop.is_set,
            )

        self.show()
        self.cancel_button.setFocus()
        pool(FETCH_LANE).start(_FetchJob(in_worker(self.ctx, fetch), signals))

    # --- progress -------------------------------------------------------------------------

    def _on_progress(self, step: Any) -> None:
        if self._over or self._stop.is_set():
            return
        self.last = step
        self.setLabelText(
            tf.fetch_label(self.component_name, step.part, step.parts, step.received, step.total)
        )
        if step.total:
            self.setRange(0, BAR_STEPS)
            self.setValue(min(BAR_STEPS, step.received * BAR_STEPS // step.total))
        else:
            self.setRange(0, 0)

    def stop(self) -> None:
        """Ask the download to stop (it stops at the next piece, storing nothing)."""
        if self._over:
            return
        self._stop.set()
        self.cancel_button.setEnabled(False)
        self.setLabelText(tf.FETCH_STOPPING)
        self.show()  # QProgressDialog hides itself when cancelled: stay until it stopped

    def reject(self) -> None:  # Escape
        self.stop()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._over:
            event.ignore()
            self.stop()
            return
        super().closeEvent(event)

    def _finish(self) -> None:
        self._over = True
        self.hide()
        self.deleteLater()

    def _on_done(self, count: int) -> None:
        self._finish()
        if self._stop.is_set() and count == 0:
            self.stopped.emit()
            return
        self.fetched.emit(count)

    def _on_failed(self, exc: BaseException) -> None:
        self._finish()
        if isinstance(exc, DomainError) and exc.code is ErrorCode.ATTACHMENT_FETCH_CANCELLED:
            self.stopped.emit()
            return
        self.failed.emit(exc)


def wait_for_fetches(timeout_ms: int = 30_000) -> bool:
    """Block until no fetch runs (application exit, tests)."""
    return bool(pool(FETCH_LANE).waitForDone(timeout_ms))
