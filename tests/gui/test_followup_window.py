"""The window parts after reception: slip scan, reminders, dossier list tab, report view."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import Dossier
from counter_app.domain.models import VN_TZ
from counter_app.services.actions import Action
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.texts import followup as f
from counter_app.ui.dialogs.action_dialogs import ApologyDialog
from counter_app.ui.dialogs.dossier_dialog import DossierDialog
from counter_app.ui.main_window import MainWindow
from counter_app.ui.views.dossier_list_view import QUICK_OVERDUE
from counter_app.ui.workers import wait_for_background
from tests.conftest import make_applicant
from tests.gui.helpers import message_boxes, press, type_text
from tests.gui.keyboard import CTRL, key, keys


def receive(ctx: StationContext, procedure: str = "1.014061", **over: object) -> Dossier:
    request = ReceptionRequest(procedure_code=procedure, applicant=make_applicant(**over))
    return receive_dossier(ctx, request, officer="canbo")[0]


def focus(qtbot, window: MainWindow, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def dossier_dialogs(window: MainWindow) -> list[DossierDialog]:
    return [d for d in window.dialogs if isinstance(d, DossierDialog) and d.isVisible()]


def test_scanning_a_slip_anywhere_opens_the_dossier_with_its_history(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    dossier = receive(station)
    window = make_window(folder_printer)
    window.followup.reminders_dialog.hide()
    name_edit = window.intake_view.applicant_form.name_edit
    focus(qtbot, window, name_edit)
    type_text(name_edit, "Lê Văn ")
    type_text(name_edit, dossier.code or "")
    press(name_edit)
    dialogs = dossier_dialogs(window)
    assert [d.dossier.uuid for d in dialogs] == [dossier.uuid]
    assert dialogs[0].history_list.count() == 1  # its full history: the reception
    assert name_edit.text() == "Lê Văn "  # the scanned code did not stay in the field


def test_typing_by_hand_is_not_taken_for_a_scan(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    dossier = receive(station)
    window = make_window(folder_printer)
    window.followup.reminders_dialog.hide()
    ticks = iter(range(0, 10_000_000, 150))  # a person: 150 ms between keys
    window.followup.scan.clock_ms = lambda: float(next(ticks))
    edit = window.intake_view.applicant_form.name_edit
    focus(qtbot, window, edit)
    type_text(edit, dossier.code or "")
    press(edit)
    assert dossier_dialogs(window) == []
    assert edit.text() == dossier.code


def test_scanning_an_unknown_code_says_so(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    dossier = receive(station)
    window = make_window(folder_printer)
    window.followup.reminders_dialog.hide()
    window.show_today()
    focus(qtbot, window, window.today_view.table)
    unknown = (dossier.code or "")[:-4] + "9999"
    type_text(window.today_view.table, unknown)
    press(window.today_view.table)
    assert dossier_dialogs(window) == []
    assert [b.text() for b in message_boxes()] == [f.scan_not_found(unknown)]


def test_reminders_list_overdue_today_and_next_working_day(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer,
    clock: FixedClock,
) -> None:  # type: ignore[no-untyped-def]
    now = clock.at
    clock.at = datetime(2026, 1, 5, 9, 0, tzinfo=VN_TZ)
    overdue = receive(station, "1.012537", name="Phạm Quá Hạn")
    clock.at = datetime(2026, 2, 12, 15, 0, tzinfo=VN_TZ)
    today = receive(station, "2.000908", name="Lê Hôm Nay")
    clock.at = now.replace(hour=8)
    upcoming = receive(station, "2.000908", name="Vũ Ngày Mai")
    clock.at = now
    receive(station, "1.014061", name="Đỗ Còn Lâu")
    window = make_window(folder_printer)
    dialog = window.followup.reminders_dialog
    qtbot.waitUntil(dialog.isVisible)  # shown at start since there is work
    sections = [[w.item(i).text() for i in range(w.count())] for w in dialog.lists()]
    assert [len(s) for s in sections] == [1, 1, 1]
    for lines, dossier in zip(sections, (overdue, today, upcoming), strict=True):
        assert lines[0].startswith(dossier.code or "-")
        assert dossier.applicant.name in lines[0]
    assert dialog.summary_label.text() == f.reminders_summary(1, 1, 1)
    assert window.followup.reminders.timer.interval() == 3_600_000
    qtbot.mouseClick(dialog.apology_button, Qt.MouseButton.LeftButton)
    opened = dossier_dialogs(window)
    assert [d.dossier.uuid for d in opened] == [upcoming.uuid]
    assert isinstance(opened[0].action_panel.dialog, ApologyDialog)
    assert opened[0].action_panel.dialog.isVisible()


def test_list_tab_opens_a_dossier_and_refreshes_after_an_action(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer,
    clock: FixedClock,
) -> None:  # type: ignore[no-untyped-def]
    now = clock.at
    clock.at = datetime(2026, 1, 5, 9, 0, tzinfo=VN_TZ)
    late = receive(station, "1.012537")
    clock.at = now
    receive(station)
    window = make_window(folder_printer)
    window.followup.reminders_dialog.hide()
    window.followup.show_list()
    view = window.followup.list_view
    assert view.model.rowCount() == 2
    assert view.count_label.text() == f.list_count(2, False)
    qtbot.mouseClick(view.quick_group.button(QUICK_OVERDUE), Qt.MouseButton.LeftButton)
    assert view.model.rowCount() == 1
    index = view.model.index(0, view.model.column_index("deadline"))
    assert index.data().startswith(f.DEADLINE_OVERDUE)
    view.table.activated.emit(index)
    dialog = dossier_dialogs(window)[0]
    assert dialog.dossier.uuid == late.uuid
    dialog.action_panel.record(Action.RESULT, {"outcome": "approved"})
    wait_for_background()
    assert view.model.rowCount() == 0  # resolved: no longer overdue


def test_report_view_shows_the_figures(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    first = receive(station)
    receive(station, "1.001193")
    window = make_window(folder_printer)
    window.followup.reminders_dialog.hide()
    view = window.followup.report_view
    with qtbot.waitSignal(view.report_ready, timeout=10_000):
        window.followup.show_report()
    assert view.period() == (datetime(2026, 2, 1).date(), datetime(2026, 2, 13).date())
    model = view.model
    total = model.rowCount() - 1
    assert model.index(total, 0).data() == f.REPORT_TOTAL
    received_column = model.column_index("received_total")
    assert model.index(total, received_column).data() == "2"
    assert model.index(total, model.column_index("in_time")).data() == "2"  # due today or later
    assert model.rowCount() == 3  # two fields and the total
    assert [b[1] for b in view.chart.bars] == [0, 0, 0, 2, 0]
    window.followup.open_uuid(first.uuid).action_panel.record(  # type: ignore[union-attr]
        Action.RESULT, {"outcome": "approved"}
    )
    wait_for_background()
    with qtbot.waitSignal(view.report_ready, timeout=10_000):
        view.compute()
    assert model.index(total, model.column_index("early")).data() == "1"
    assert model.columnCount() == 12  # the field and the 11 figures of Biểu 06
    closed = "Trong đó: rút hồ sơ 0; dừng giải quyết 0; đóng do quá hạn bổ sung 0"
    assert view.closed_label.text() == closed


def test_report_exports_and_register_print_from_the_window(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer,
    tmp_path,
    monkeypatch,
) -> None:  # type: ignore[no-untyped-def]
    import openpyxl
    from PySide6.QtWidgets import QFileDialog

    receive(station)
    window = make_window(folder_printer)
    window.followup.reminders_dialog.hide()
    view = window.followup.report_view
    with qtbot.waitSignal(view.report_ready, timeout=10_000):
        window.followup.show_report()
    for kind, button in (("xlsx", view.xlsx_button), ("pdf", view.pdf_button)):
        target = tmp_path / f"bieu06.{kind}"
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", staticmethod(lambda *a, _t=target, **k: (str(_t), ""))
        )
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        wait_for_background()
        qtbot.waitUntil(target.exists, timeout=10_000)
    sheet = openpyxl.load_workbook(tmp_path / "bieu06.xlsx").active
    assert sheet["C8"].value == "Tổng số"
    assert (tmp_path / "bieu06.pdf").read_bytes().startswith(b"%PDF")
    jobs_before = len(folder_printer.jobs())
    qtbot.mouseClick(view.register_button, Qt.MouseButton.LeftButton)
    wait_for_background()
    qtbot.waitUntil(lambda: len(folder_printer.jobs()) > jobs_before, timeout=10_000)


def test_the_reminders_take_the_keyboard_and_wait_while_the_officer_types(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer,
    clock: FixedClock,
) -> None:  # type: ignore[no-untyped-def]
    now = clock.at
    clock.at = datetime(2026, 2, 12, 15, 0, tzinfo=VN_TZ)
    receive(station, "2.000908", name="Lê Hôm Nay")  # due today: reminders at start
    clock.at = now
    window = make_window(folder_printer)
    window.activateWindow()  # what the login does; the reminders then come up above it
    dialog = window.followup.reminders_dialog
    reminders = window.followup.reminders
    qtbot.waitUntil(lambda: dialog.isVisible() and QApplication.activeWindow() is dialog)
    key(Qt.Key.Key_Escape)  # the officer closes them: the keyboard is back in the form
    qtbot.waitUntil(lambda: not dialog.isVisible())
    window.activateWindow()  # (the window manager gives the window its focus back)
    search = window.intake_view.picker.search_edit
    qtbot.waitUntil(lambda: QApplication.focusWidget() is search)
    keys("khai sinh")  # a citizen at the counter: the hourly reminders wait
    reminders.timer.timeout.emit()
    assert not dialog.isVisible() and reminders.retry.isActive()
    assert QApplication.focusWidget() is search
    key(Qt.Key.Key_A, CTRL)  # the officer clears the field
    key(Qt.Key.Key_Delete)
    assert search.text() == ""
    reminders.retry.timeout.emit()  # a few minutes later, the form empty: they come up
    qtbot.waitUntil(lambda: dialog.isVisible() and QApplication.activeWindow() is dialog)
    assert not reminders.retry.isActive()
