"""Drive the window with key events only, sent where the focus really is.

Every function sends QTest key events (carrying their text) to
``QApplication.focusWidget()``, as a keyboard or a USB scanner does; none calls a widget.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from tests.gui.helpers import ID_QR, press, type_text

NO_MODIFIER = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard focus"
    return widget


def key(qt_key: Qt.Key, modifier: Qt.KeyboardModifier = NO_MODIFIER) -> None:
    QTest.keyClick(focused(), qt_key, modifier)


def keys(text: str) -> None:
    """Type ``text``; QTest only knows Latin-1 keys, so other letters go as text events."""
    if text.isascii():
        QTest.keyClicks(focused(), text)
    else:
        type_text(focused(), text)


def scan(text: str = ID_QR) -> None:
    """A USB 2D scanner: the QR text typed fast into the focused widget, then Enter."""
    widget = focused()
    type_text(widget, text)
    press(widget)


def back_to_window(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The offscreen platform leaves a closed completer pop-up active; a window manager
    gives the activation back to the window: do what it does."""
    window = focused().window()
    if QApplication.activeWindow() is not window or not window.isActiveWindow():
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def wait_focus_in(qtbot, window: QWidget) -> QWidget:  # type: ignore[no-untyped-def]
    """Wait until the keyboard focus is inside ``window`` (a dialog just opened)."""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None and focused().window() is window)
    return focused()


def wait_focus(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def pick_procedure(qtbot, code: str) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+K, the procedure's code, Enter (the code always finds its procedure)."""
    key(Qt.Key.Key_K, CTRL)
    search = focused()
    keys(code)
    key(Qt.Key.Key_Return)
    qtbot.wait(20)  # the focus moves on once the completer is closed
    back_to_window(qtbot)
    # as an officer does: the next key once the focus has left the procedure field (the move
    # is deferred, and the window's activation may hand the focus back to it once more)
    for _ in range(2):
        qtbot.waitUntil(lambda: QApplication.focusWidget() not in (None, search))
        qtbot.wait(20)


def tick_papers(rows: int) -> None:
    """In the checklist (focused, on its first row): Space ticks, Down moves on."""
    for _ in range(rows):
        key(Qt.Key.Key_Space)
        key(Qt.Key.Key_Down)
