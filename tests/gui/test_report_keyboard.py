"""The period report in the window, by keyboard only: F9 opens it and counts in background
with a progress bar; Esc cancels a count under way (nothing half counted is shown); Enter in
the period counts again and the figures appear."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_app.domain.statistics import ReportCancelled
from counter_app.services import reports
from counter_app.services.station import StationContext
from counter_app.texts import followup as f
from counter_app.ui.main_window import MainWindow
from counter_app.ui.views import report_view
from tests.gui.keyboard import focused, key
from tests.gui.test_followup_window import receive


def test_a_report_is_cancelled_with_esc_and_counted_again_with_enter(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer,
    monkeypatch,
) -> None:  # type: ignore[no-untyped-def]
    receive(station)
    receive(station, "1.001193")
    counting = threading.Event()

    def slow(ctx: Any, *, progress: Any, cancelled: Any, **period: Any) -> Any:
        """A count that only ends when cancelled (a year on a very big station)."""
        progress(1, 9)
        counting.set()
        deadline = time.monotonic() + 20
        while not cancelled() and time.monotonic() < deadline:
            time.sleep(0.01)
        raise ReportCancelled

    monkeypatch.setattr(report_view, "period_report", slow)
    window = make_window(folder_printer)
    window.activateWindow()
    reminders = window.followup.reminders_dialog

    def at_the_form() -> bool:
        """The officer closes the day's reminders (Esc) when they come up."""
        widget = QApplication.focusWidget()
        if widget is not None and widget.window() is reminders:
            key(Qt.Key.Key_Escape)
        elif not reminders.isVisible() and QApplication.activeWindow() is not window:
            window.activateWindow()  # what a window manager does when a dialog closes
        return widget is not None and widget.window() is window

    qtbot.waitUntil(at_the_form, timeout=10_000)
    view = window.followup.report_view
    key(Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: view.isVisible() and view.isAncestorOf(focused()))
    qtbot.waitUntil(lambda: counting.is_set() and view.progress_bar.value() == 1)
    assert view.progress_bar.isVisible()
    assert view.progress_label.text() == f"{f.REPORT_COMPUTING} ({f.REPORT_CANCEL_HINT})"
    key(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.period_label.text() == f.REPORT_CANCELLED)
    assert not view.progress_bar.isVisible()
    assert view.stats is None and view.model.rowCount() == 0  # nothing half counted shown

    monkeypatch.setattr(report_view, "period_report", reports.period_report)
    with qtbot.waitSignal(view.report_ready, timeout=15_000):
        key(Qt.Key.Key_Return)
    assert not view.progress_bar.isVisible()
    total = view.model.rowCount() - 1
    assert view.model.index(total, 0).data() == f.REPORT_TOTAL
    assert view.model.index(total, view.model.column_index("received_total")).data() == "2"
