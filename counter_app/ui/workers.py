"""Slow work off the GUI thread (style.md §6.5): printing, rendering previews, sync.

``run_in_background(fn, on_success=..., on_error=...)`` runs ``fn()`` on a worker thread and
calls back on the GUI thread. ``fn`` receives plain data and never touches a widget. Each lane
runs one task at a time: on the default lane, pdfium (previews, printing) is not thread-safe,
and a counter has one printer, so print jobs leave in the order they were asked for. Sync runs
on its own lane (``lane=SYNC_LANE``), so a slow or stalled server never delays a slip.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

PROGRESS_DELAY_MS = 500
DEFAULT_LANE = "default"
SYNC_LANE = "sync"

_pools: dict[str, QThreadPool] = {}
_running: set[WorkerSignals] = set()


def pool(lane: str = DEFAULT_LANE) -> QThreadPool:
    """The one-thread pool of ``lane`` (created on first use)."""
    found = _pools.get(lane)
    if found is None:
        found = _pools[lane] = QThreadPool()
        found.setMaxThreadCount(1)
    return found


class WorkerSignals(QObject):
    """Lives on the GUI thread, so its signals are delivered there (queued connections)."""

    result = Signal(object)
    error = Signal(object)


class _Worker(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: WorkerSignals) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals

    def run(self) -> None:
        try:
            value = self.fn()
        except Exception as exc:  # every failure reaches on_error, never a half result
            self.signals.error.emit(exc)
        else:
            self.signals.result.emit(value)


def run_in_background(
    fn: Callable[[], Any],
    *,
    on_success: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    parent: QWidget | None = None,
    progress_label: str | None = None,
    lane: str = DEFAULT_LANE,
) -> WorkerSignals:
    """Run ``fn`` on the worker pool; exactly one of the callbacks runs, on the GUI thread.

    With ``progress_label`` a progress dialog appears only if the work lasts longer than
    ``PROGRESS_DELAY_MS`` (Anki's delayed progress).
    """
    signals = WorkerSignals()
    _running.add(signals)
    progress: list[QProgressDialog] = []
    timer = QTimer(signals)
    timer.setSingleShot(True)

    def show_progress() -> None:
        dialog = QProgressDialog(progress_label or "", "", 0, 0, parent)
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.show()
        progress.append(dialog)

    def finish() -> None:
        timer.stop()
        for dialog in progress:
            dialog.close()
            dialog.deleteLater()
        _running.discard(signals)
        signals.deleteLater()

    def succeeded(value: Any) -> None:
        finish()
        on_success(value)

    def failed(exc: BaseException) -> None:
        finish()
        on_error(exc)

    signals.result.connect(succeeded)
    signals.error.connect(failed)
    if progress_label is not None:
        timer.timeout.connect(show_progress)
        timer.start(PROGRESS_DELAY_MS)
    pool(lane).start(_Worker(fn, signals))
    return signals


def wait_for_background(timeout_ms: int = 30_000) -> bool:
    """Block until every lane is idle (application exit, tests); True when they are."""
    results = [p.waitForDone(timeout_ms) for p in list(_pools.values())]
    return all(results)
