"""The "Xung đột" tab, driven with key events only where the focus really is: a leader
opens it with Ctrl+Shift+X, reads both actions, settles one; an officer is told it is a
leader's right. The reminders count the open conflicts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import Status
from counter_app.domain.errors import ErrorCode
from counter_app.services.station import StationContext
from counter_app.texts import conflicts as c
from counter_app.ui.conflicts_dialog import SettleDialog
from counter_app.ui.main_window import MainWindow
from tests.gui.helpers import message_boxes
from tests.gui.keyboard import CTRL, SHIFT, focused, key, keys, wait_focus_in
from tests.services.test_conflicts import _conflicted

OPEN_KEYS = (Qt.Key.Key_X, CTRL | SHIFT)


def _ready(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.followup.reminders_dialog.isVisible())
    window.followup.reminders_dialog.hide()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)


def test_a_leader_opens_the_list_and_settles_a_conflict_with_the_keyboard(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    clock: FixedClock,
    folder_printer,
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    dossier, result, withdrawal = _conflicted(station, clock)
    window = make_window(folder_printer, username="lanhdao")
    reminders = window.followup.reminders_dialog
    qtbot.waitUntil(reminders.isVisible)  # shown at start: there is a conflict to settle
    assert reminders.conflicts_label.text() == c.reminders_conflicts(1)
    _ready(qtbot, window)
    view = window.conflicts.view
    assert window.tabs.tabText(window.tabs.indexOf(view)) == c.tab_title(1)
    key(*OPEN_KEYS)
    assert window.tabs.currentWidget() is view and focused() is view.table
    assert view.model.rowCount() == 1 and not view.leader_label.isVisible()
    set_aside, clashed = view.set_aside_text.text(), view.clashed_text.text()
    assert "Việc: nhận kết quả giải quyết\nCán bộ: Nguyễn Thị Hoà\nTại: quầy này" in set_aside
    assert "Việc: rút hồ sơ\nCán bộ: Trần Văn Đức\nTại: quầy khác\nLúc: 10:10" in clashed
    assert view.summary_label.text() == c.list_summary(1, 1)
    view.window().grab().save(str(tmp_path / "conflicts.png"))

    key(Qt.Key.Key_Return)  # settle the selected conflict
    dialog = window.conflicts.dialog
    assert isinstance(dialog, SettleDialog)
    wait_focus_in(qtbot, dialog)
    assert focused() is dialog.void_set_aside and dialog.void_set_aside.isChecked()
    key(Qt.Key.Key_Down)  # void the withdrawal instead: the result applies again
    assert dialog.void_clashed.isChecked()
    dialog.grab().save(str(tmp_path / "settle.png"))
    key(Qt.Key.Key_Return)  # no note yet: refused, the focus goes to the note
    assert dialog.isVisible() and focused() is dialog.note_edit
    assert "Thiếu ghi chú" in dialog.error_label.text()
    keys("Công dân không rút, ghi nhầm ở quầy 2")
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    [box] = message_boxes()
    assert box.text() == c.settled_message(dossier.code or "", 0)
    box.close()
    qtbot.waitUntil(lambda: view.model.rowCount() == 0)
    assert window.tabs.tabText(window.tabs.indexOf(view)) == c.TAB_CONFLICTS
    assert view.summary_label.text() == c.LIST_EMPTY
    settled = station.store.dossiers.by_uuid(dossier.uuid)
    assert settled is not None and settled.status is Status.RESOLVED
    event = station.store.dossiers.events_of(dossier.uuid)[-1]
    assert event.kind == "conflict_settled" and event.payload["voided"] == [withdrawal.uuid]
    assert event.officer == "lanhdao" and result.uuid != withdrawal.uuid
    details = window.open_dossier(settled)  # the settlement is in the dossier's history
    history = [details.history_list.item(i).text() for i in range(details.history_list.count())]
    assert any(
        "giải quyết xung đột giữa các quầy" in line and "ghi nhầm" in line for line in history
    )


def test_an_officer_sees_the_list_but_is_told_only_a_leader_settles(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    clock: FixedClock,
    folder_printer,
) -> None:  # type: ignore[no-untyped-def]
    _conflicted(station, clock)
    window = make_window(folder_printer, username="canbo")
    _ready(qtbot, window)
    view = window.conflicts.view
    key(*OPEN_KEYS)
    assert focused() is view.table and view.leader_label.isVisible()
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(message_boxes()))
    [box] = message_boxes()
    assert box.text() == c.CONFLICT_ERRORS[ErrorCode.CONFLICT_SETTLE_NOT_ALLOWED].format(
        username="canbo"
    )
    assert window.conflicts.dialog is None and view.model.rowCount() == 1
