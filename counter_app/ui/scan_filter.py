"""Recognise a slip barcode scanned anywhere in the main window.

A USB scanner types the dossier code and Enter, one key every few milliseconds. The filter
watches key presses on the window's widgets without consuming them, so normal typing is
never delayed or lost. Only when Enter ends a burst of fast keys that forms a dossier code
(``domain.codes.looks_like_code``) does it take the Enter, remove the burst from the line
edit it landed in, and report the code. Keys typed by a person (gaps of more than
``MAX_GAP_MS``) reset the burst, so a code typed by hand and Enter behave as usual.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from counter_app.domain.codes import looks_like_code

MAX_GAP_MS = 50.0  # scanners: 2-15 ms per key; people: rarely under 60 ms
MIN_LENGTH = 10
_ENTER = {Qt.Key.Key_Return, Qt.Key.Key_Enter}


class ScanFilter(QObject):
    """Install on the QApplication; ``code_scanned(str)`` when a code burst ends with Enter.

    ``window`` limits the filter to widgets of that window; widgets in ``passthrough`` (a
    search field that already opens scanned codes itself) are left alone.
    """

    code_scanned = Signal(str)

    def __init__(
        self,
        window: QWidget,
        *,
        clock_ms: Callable[[], float] = lambda: time.monotonic() * 1000,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.clock_ms = clock_ms
        self.passthrough: set[QWidget] = set()
        self.enabled = True
        self._burst = ""
        self._last = 0.0

    def install(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def remove(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not self.enabled:
            return False
        if not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        if watched in self.passthrough or not isinstance(event, QKeyEvent):
            return False
        # An ignored key is offered to each parent in turn: look at it once, at the widget
        # that has the focus (or at the window itself when nothing has).
        if watched is not (QApplication.focusWidget() or self.window):
            return False
        return self._on_key(watched, event)

    def _on_key(self, widget: QWidget, event: QKeyEvent) -> bool:
        now = self.clock_ms()
        if event.key() in _ENTER:
            words, self._burst = self._burst.split(), ""
            burst = words[-1] if words else ""  # what was typed just before, in the burst
            if len(burst) >= MIN_LENGTH and looks_like_code(burst) and self._fast(now):
                self._remove_from(widget, burst)
                self.code_scanned.emit(burst)
                return True
            return False
        text = event.text()
        if (
            not text
            or not text.isprintable()
            or event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            self._burst = ""
            return False
        if self._burst and not self._fast(now):
            self._burst = ""
        self._burst += text
        self._last = now
        return False

    def _fast(self, now: float) -> bool:
        return now - self._last <= MAX_GAP_MS

    @staticmethod
    def _remove_from(widget: QWidget, burst: str) -> None:
        """Take the scanned characters back out of the line edit they were typed into."""
        if not isinstance(widget, QLineEdit) or widget.isReadOnly():
            return
        text, position = widget.text(), widget.cursorPosition()
        if text[:position].endswith(burst):
            widget.setText(text[: position - len(burst)] + text[position:])
            widget.setCursorPosition(position - len(burst))
