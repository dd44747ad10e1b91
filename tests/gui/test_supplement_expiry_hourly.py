"""Issue 13 item 4: the window closes an unanswered supplement request not only at start but
also at its hourly reminder, once the clock has run past the limit (FixedClock moved)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import EventKind, Status
from counter_app.printing.printer import FolderPrinter
from counter_app.services.actions import Action, record_action
from counter_app.services.station import StationContext
from counter_app.texts import forms as ft
from counter_app.ui.main_window import MainWindow
from counter_app.ui.views.reminders_dialog import HOUR_MS
from tests.gui.test_stop_keyboard import SEPT, _received


def test_the_hourly_reminder_closes_a_request_that_expired_since_the_start(
    qtbot: object,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
    clock: FixedClock,
) -> None:
    clock.at = SEPT
    payload = {"items": ["Tờ khai có chữ ký"], "reason": "Thiếu chữ ký"}
    dossier = _received(station, "Lê Sắp Đóng")
    dossier = record_action(
        station, dossier, Action.SUPPLEMENT_REQUEST, officer="canbo", payload=payload
    )[0]
    assert dossier.paused_at is not None
    limit = dossier.paused_at + timedelta(days=15)
    clock.at = limit - timedelta(hours=1)  # the window starts an hour before the limit
    window = make_window(folder_printer)
    reminders = window.followup.reminders
    assert reminders.timer.isActive() and reminders.timer.interval() == HOUR_MS
    waiting = station.store.dossiers.by_uuid(dossier.uuid)
    assert waiting is not None and waiting.status is Status.SUPPLEMENT_REQUESTED

    clock.at = limit + timedelta(minutes=1)  # the next hourly tick runs past the limit
    reminders.timer.timeout.emit()
    closed = station.store.dossiers.by_uuid(dossier.uuid)
    assert closed is not None and closed.status is Status.STOPPED
    assert closed.outcome == "supplement_expired" and closed.finished_at == limit
    kinds = [e.kind for e in station.store.dossiers.events_of(dossier.uuid)]
    assert kinds.count(EventKind.SUPPLEMENT_EXPIRED.value) == 1
    assert window.followup.reminders_dialog.closed_label.text() == ft.closed_summary(1)

    reminders.timer.timeout.emit()  # an hour later again: nothing more, no second closure
    kinds = [e.kind for e in station.store.dossiers.events_of(dossier.uuid)]
    assert kinds.count(EventKind.SUPPLEMENT_EXPIRED.value) == 1
