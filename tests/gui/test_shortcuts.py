"""Every keyboard shortcut of the main window is bound once: Qt fires neither of two actions
that share a key, so a clash silently kills a key the officer relies on (F7 = refuse)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence, QShortcut

from counter_app.printing.printer import FolderPrinter
from counter_app.ui.main_window import MainWindow


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
