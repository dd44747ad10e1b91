"""The stop action (Mẫu 05) and the supplement reminders in the window, driven by key events
only (tests/gui/keyboard.py): the slip's barcode opens the dossier, Alt+D the stop form, Down
chooses Decree 309's reason, Tab and the text, Enter confirms; Mẫu 05 is printed."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt

from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import Dossier, Status
from counter_app.domain.models import VN_TZ
from counter_app.printing.printer import FolderPrinter
from counter_app.services.actions import Action, record_action
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.texts import forms as ft
from counter_app.ui.dialogs.dossier_dialog import DossierDialog
from counter_app.ui.dialogs.stop_dialog import StopDialog
from counter_app.ui.main_window import MainWindow
from counter_app.ui.workers import wait_for_background
from tests.conftest import make_applicant
from tests.gui.helpers import pdf_text
from tests.gui.keyboard import ALT, CTRL, back_to_window, focused, key, keys, scan, wait_focus_in

SEPT = datetime(2026, 9, 1, 9, 0, tzinfo=VN_TZ)
SHOTS = os.environ.get("FORMS_SHOTS")  # a folder: save the dialogs as PNG (to look at them)


def _received(ctx: StationContext, name: str = "Nguyễn Văn Đức") -> Dossier:
    request = ReceptionRequest(procedure_code="1.014061", applicant=make_applicant(name=name))
    return receive_dossier(ctx, request, officer="canbo")[0]


def _shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def test_stop_by_keyboard_prints_the_stop_notice(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
    clock: FixedClock,
) -> None:  # type: ignore[no-untyped-def]
    clock.at = SEPT
    dossier = _received(station)
    clock.advance(hours=2)
    window = make_window(folder_printer)
    window.followup.reminders_dialog.hide()
    window.activateWindow()
    wait_focus_in(qtbot, window)
    key(Qt.Key.Key_Q, CTRL)  # the citizen's name, as after a reception
    scan(dossier.code or "")  # the slip's barcode opens its dossier
    dialog = next(d for d in window.dialogs if isinstance(d, DossierDialog) and d.isVisible())
    wait_focus_in(qtbot, dialog)
    back_to_window(qtbot)  # what a window manager does for the new window
    key(Qt.Key.Key_D, ALT)  # "&Dừng giải quyết"
    form = dialog.action_panel.dialog
    assert isinstance(form, StopDialog)
    wait_focus_in(qtbot, form)
    assert focused() is form.reason_combo
    key(Qt.Key.Key_Down)
    assert form.reason_key() == ft.STOP_DATABASES
    key(Qt.Key.Key_Tab)
    assert focused() is form.detail_edit
    keys("Mất kết nối cơ sở dữ liệu hộ tịch")
    _shot(form, "stop-dialog")
    key(Qt.Key.Key_Return)
    wait_for_background()
    qtbot.waitUntil(lambda: not form.isVisible())
    stored = station.store.dossiers.by_uuid(dossier.uuid)
    assert stored is not None and stored.status is Status.STOPPED

    def printed() -> bool:
        wait_for_background()  # the print runs on a worker, recorded once it is confirmed
        return station.store.dossiers.events_of(dossier.uuid)[-1].kind == "slip_printed"

    qtbot.waitUntil(printed, timeout=60_000)
    stop = station.store.dossiers.events_of(dossier.uuid)[-2:]
    assert [e.kind for e in stop] == ["stopped", "slip_printed"]
    assert stop[0].payload["reason_key"] == ft.STOP_DATABASES
    assert stop[0].payload["reason"] == (
        "Không khai thác được thông tin trong các cơ sở dữ liệu: Mất kết nối cơ sở dữ liệu hộ tịch"
    )
    assert stop[1].payload["form"] == "stop"
    jobs = folder_printer.jobs()
    assert len(jobs) == 1
    text = " ".join(pdf_text(jobs[0].read_bytes()).split())
    assert ft.TITLE_STOP in text and "Mất kết nối cơ sở dữ liệu hộ tịch" in text
    assert not dialog.action_panel.buttons[Action.STOP].isEnabled()  # stopped once


def test_an_empty_other_reason_keeps_the_form_open(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    dossier = _received(station)
    window = make_window(folder_printer)
    window.followup.reminders_dialog.hide()
    dialog = window.open_dossier(dossier)
    dialog.activateWindow()
    wait_focus_in(qtbot, dialog)
    back_to_window(qtbot)
    key(Qt.Key.Key_D, ALT)
    form = dialog.action_panel.dialog
    assert isinstance(form, StopDialog)
    wait_focus_in(qtbot, form)
    key(Qt.Key.Key_End)  # "Lý do khác", nothing typed
    assert form.reason_key() == ft.STOP_OTHER
    key(Qt.Key.Key_Return)
    assert form.isVisible() and form.error_label.text()
    stored = station.store.dossiers.by_uuid(dossier.uuid)
    assert stored is not None and stored.status is Status.RECEIVED


def test_the_window_closes_expired_supplements_and_lists_those_closing_soon(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
    clock: FixedClock,
) -> None:  # type: ignore[no-untyped-def]
    clock.at = SEPT
    payload = {"items": ["Tờ khai có chữ ký"], "reason": "Thiếu chữ ký"}
    expired = _received(station, "Phạm Quá Hạn")
    expired = record_action(
        station, expired, Action.SUPPLEMENT_REQUEST, officer="canbo", payload=payload
    )[0]
    clock.advance(days=13)
    soon = _received(station, "Lê Sắp Đóng")
    soon = record_action(
        station, soon, Action.SUPPLEMENT_REQUEST, officer="canbo", payload=payload
    )[0]
    clock.at = SEPT + timedelta(days=27)  # the first expired, the second closes in 1 day
    window = make_window(folder_printer)
    reminders = window.followup.reminders_dialog
    qtbot.waitUntil(reminders.isVisible)
    closed = station.store.dossiers.by_uuid(expired.uuid)
    assert closed is not None and closed.status is Status.STOPPED
    assert closed.outcome == "supplement_expired"
    assert reminders.closed_label.text() == ft.closed_summary(1)
    lines = [reminders.closing_list.item(i).text() for i in range(reminders.closing_list.count())]
    assert len(lines) == 1 and soon.code in lines[0] and "Lê Sắp Đóng" in lines[0]
    assert reminders.waiting_list.count() == 1
    _shot(reminders, "reminders-dialog")
    window.followup.reminders.remind()  # an hour later: nothing more to close
    assert station.store.dossiers.by_uuid(soon.uuid).status is not Status.STOPPED  # type: ignore[union-attr]


def test_the_supplement_reasons_of_the_rule_set_fill_the_reason_by_keyboard(
    qtbot, station: StationContext, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    from counter_app.services.supplements import reasons_for
    from counter_app.ui.dialogs.reason_dialog import ReasonDialog

    clock.at = SEPT  # Decree 309/2026 in force: its new reason is offered
    reasons = reasons_for(station)
    assert "Không khai thác được thông tin trong các cơ sở dữ liệu" in reasons
    dialog = ReasonDialog(
        title="F6",
        reason_label="Lý do",
        confirm_text="OK",
        missing=["Giấy chứng sinh"],
        reason="Hồ sơ chưa đầy đủ thành phần theo quy định.",
        reasons=reasons,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    dialog.reason_combo.setFocus()  # type: ignore[union-attr]
    wait_focus_in(qtbot, dialog)
    key(Qt.Key.Key_End)  # the last reason: Decree 309's
    assert dialog.reason() == "Không khai thác được thông tin trong các cơ sở dữ liệu"
    key(Qt.Key.Key_Tab)
    assert focused() is dialog.reason_edit
    key(Qt.Key.Key_End, CTRL)
    keys(" (mất kết nối)")  # the officer adds to the chosen reason
    assert dialog.reason() == "Không khai thác được thông tin trong các cơ sở dữ liệu (mất kết nối)"
    dialog.reason_combo.setFocus()  # type: ignore[union-attr]
    key(Qt.Key.Key_Home)
    key(Qt.Key.Key_Down)  # another choice no longer replaces what the officer typed
    assert dialog.reason().endswith("(mất kết nối)")
    earlier = datetime(2026, 7, 1, 9, 0, tzinfo=VN_TZ)  # Decree 118/2025 only
    clock.at = earlier
    assert "Không khai thác được thông tin trong các cơ sở dữ liệu" not in reasons_for(station)
