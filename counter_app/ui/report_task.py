"""The period report counted off the GUI thread, with progress and a cancel (issue 16).

``ReportTask(job)`` runs ``job(progress, cancelled)`` on its own one-thread lane (a report
never waits behind a print job, nor a print job behind a year's report); the job reports
``progress(done, total)`` and asks ``cancelled()`` between steps (``storage.report_sql``
also asks inside a step). Exactly one of ``finished(result)``, ``failed(exc)`` or
``cancelled_out()`` is emitted, on the GUI thread; after ``cancel()`` a result that arrives
anyway is dropped, so a cancelled report never appears.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from counter_app.domain.statistics import ReportCancelled
from counter_app.ui.workers import pool

REPORT_LANE = "report"
Job = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]


class ReportTask(QObject):
    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)
    cancelled_out = Signal()
    _done = Signal(object, object)  # (result, error) from the worker thread

    def __init__(self, job: Job, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._job = job
        self._cancel = threading.Event()
        self.running = False
        self._done.connect(self._on_done)

    def start(self) -> None:
        self.running = True
        pool(REPORT_LANE).start(_Runnable(self))

    def cancel(self) -> None:
        """Ask the count to stop; ``cancelled_out`` follows once the worker has stopped."""
        self._cancel.set()

    def _run(self) -> None:
        try:
            result = self._job(self.progressed.emit, self._cancel.is_set)
        except Exception as exc:  # every failure reaches failed, never a half result
            self._done.emit(None, exc)
        else:
            self._done.emit(result, None)

    def _on_done(self, result: object, error: object) -> None:
        self.running = False
        if self._cancel.is_set() or isinstance(error, ReportCancelled):
            self.cancelled_out.emit()
        elif error is not None:
            self.failed.emit(error)
        else:
            self.finished.emit(result)


class _Runnable(QRunnable):
    def __init__(self, task: ReportTask) -> None:
        super().__init__()
        self.task = task

    def run(self) -> None:
        self.task._run()
