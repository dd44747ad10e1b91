"""Every keyboard shortcut of the main window is bound once: Qt fires neither of two actions
that share a key, so a clash silently kills a key the officer relies on (F7 = refuse)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

from counter_app.printing.printer import FolderPrinter
from counter_app.texts import window as t
from counter_app.ui.main_window import MainWindow
from tests.gui.keyboard import CTRL, focused, key
from tests.gui.test_intake_view import ready


def test_no_two_shortcuts_share_a_key(
    make_window: Callable[..., MainWindow], folder_printer: FolderPrinter
) -> None:
    window = make_window(folder_printer)
    keys: list[str] = []
    for action in window.findChildren(QAction):
        keys += [s.toString() for s in action.shortcuts() if not s.isEmpty()]
    for shortcut in window.findChildren(QShortcut):
        if not shortcut.key().isEmpty():
            keys.append(shortcut.key().toString())
    clashes = {k: n for k, n in Counter(keys).items() if n > 1}
    assert clashes == {}
    assert QKeySequence("F7").toString() in keys  # refuse, in the reception form


def test_reception_keys_work_wherever_the_focus_is_on_the_tab(
    qtbot, make_window: Callable[..., MainWindow], folder_printer: FolderPrinter
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    window = view.window()
    assert isinstance(window, MainWindow)
    window.tabs.tabBar().setFocus()  # the focus outside the reception view: on the tab bar
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.tabs.tabBar())
    key(Qt.Key.Key_Q, CTRL)
    assert focused() is view.applicant_form.scan_edit
    key(Qt.Key.Key_K, CTRL)
    assert focused() is view.picker.search_edit
    key(Qt.Key.Key_F5)
    assert view.message_label.text() == t.PROCEDURE_REQUIRED
    key(Qt.Key.Key_F3)  # another tab: the reception keys rest
    view.message_label.clear()
    key(Qt.Key.Key_F5)
    assert view.message_label.text() == ""
    key(Qt.Key.Key_F2)  # back, with an empty form and the focus in the procedure field
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.picker.search_edit)
