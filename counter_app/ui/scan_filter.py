"""Recognise a slip barcode or an ID-card QR scanned anywhere in the main window.

A USB scanner types the dossier code (or the card's QR text) and Enter, one key every few
milliseconds. The filter watches key presses on the window's widgets without consuming them,
so normal typing is never delayed or lost. Only when Enter ends a burst of fast keys does it
look at the burst:

- a dossier code (``domain.codes.looks_like_code``): it takes the Enter, removes the burst
  from the line edit it landed in and reports ``code_scanned(code)``;
- an ID-card QR (12 digits, ``|``, then at least five more fields; ``domain.idcard``) typed
  into a widget of ``card_area`` (the reception form): it takes the Enter, removes the burst
  and reports ``card_scanned(IdCardData, widget)``, or ``card_failed(DomainError, widget)``
  when the card's text is damaged (the error names the field, never its value). A burst
  mangled by a Vietnamese input method keeps its C1 characters (which a line edit would
  drop) so that the card's text can be repaired.

Keys typed by a person (gaps of more than ``MAX_GAP_MS``) reset the burst, so a code typed
by hand and Enter behave as usual. While a completer pop-up is open, its keys count for the
line edit that has the focus.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from counter_app.domain.codes import looks_like_code
from counter_app.domain.errors import DomainError
from counter_app.domain.idcard import parse_id_qr

MAX_GAP_MS = 50.0  # scanners: 2-15 ms per key; people: rarely under 60 ms
MIN_LENGTH = 10
_ENTER = {Qt.Key.Key_Return, Qt.Key.Key_Enter}
_MODIFIER_KEYS = {
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_Meta,
    Qt.Key.Key_CapsLock,
    Qt.Key.Key_NumLock,
}
_ID_QR_START = re.compile(r"(?<!\d)\d{12}\|")
ID_QR_MIN_BARS = 5


def _mangled_byte(text: str) -> bool:
    """A C1 control character (U+0080-U+009F): no key types one, but a scanner on a
    Vietnamese input method does, for the UTF-8 bytes Windows-1252 leaves undefined (``Đ`` is
    C4 90: ``Ä`` then U+0090). Kept in the burst (a line edit drops it), so the card's text
    can be repaired (``domain.idcard.repair_keyboard_mangling``)."""
    return len(text) == 1 and 0x80 <= ord(text) <= 0x9F


class ScanFilter(QObject):
    """Install on the QApplication; ``code_scanned(str)`` when a code burst ends with Enter.

    ``window`` limits the filter to widgets of that window; widgets in ``passthrough`` (a
    search field that already opens scanned codes itself) are left alone.
    """

    code_scanned = Signal(str)
    card_scanned = Signal(object, object)  # IdCardData, the widget it was typed into
    card_failed = Signal(object, object)  # DomainError, the widget

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
        self.card_area: QWidget | None = None
        self.enabled = True
        self._burst = ""
        self._last = 0.0
        self._held: int | None = None  # where the burst stopped reaching the widget
        self._held_widget: QWidget | None = None

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
        if not isinstance(event, QKeyEvent):
            return False
        # An ignored key is offered to each parent in turn: look at it once, at the widget
        # that has the focus (or at the window itself when nothing has).
        target = self._target(watched)
        if target is None or target in self.passthrough:
            return False
        return self._on_key(target, event)

    def _target(self, watched: QObject) -> QWidget | None:
        """The widget a key is meant for: the focused widget of the window, or None."""
        if not isinstance(watched, QWidget):
            return None
        focused = QApplication.focusWidget()
        if watched is QApplication.activePopupWidget() and focused is not None:
            return focused if focused.window() is self.window else None  # a completer
        if watched.window() is not self.window:
            return None
        return watched if watched is (focused or self.window) else None

    def _on_key(self, widget: QWidget, event: QKeyEvent) -> bool:
        # When the key was pressed, not when it is handled: a busy GUI thread (a search per
        # key in the procedure field) must not split a scanner's burst. Synthetic events
        # carry no time stamp: the clock then.
        if event.key() in _MODIFIER_KEYS:
            return False  # a scanner presses Shift for "|" and capitals: part of the burst
        now = float(event.timestamp()) if event.timestamp() else self.clock_ms()
        if event.key() in _ENTER:
            whole, held = self._burst, self._held
            fast = self._fast(now)
            if fast and self._take_card(widget, whole, held):
                self._reset(flush=False)
                return True
            self._reset()
            if not fast:
                return False
            words = whole.split()
            burst = words[-1] if words else ""  # what was typed just before, in the burst
            if len(burst) >= MIN_LENGTH and looks_like_code(burst):
                self._remove_from(widget, burst)
                self.code_scanned.emit(burst)
                return True
            return False
        text = event.text()
        if (
            not text
            or not (text.isprintable() or _mangled_byte(text))
            or event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            self._reset()
            return False
        if self._burst and not self._fast(now):
            self._reset()
        self._burst += text
        self._last = now
        if self._held is None and self._in_card_area(widget) and _ID_QR_START.search(self._burst):
            self._held, self._held_widget = len(self._burst) - 1, widget
        # The rest of an ID-card QR is held back: its spaces would tick papers in the
        # checklist, its letters would choose items in a list. Given back if it is no card.
        return self._held is not None

    def _reset(self, *, flush: bool = True) -> None:
        """Forget the burst; what was held back goes to its line edit when ``flush``."""
        widget, held = self._held_widget, self._held
        if flush and held is not None and isinstance(widget, QLineEdit):
            widget.insert(self._burst[held:])
        self._burst, self._held, self._held_widget = "", None, None

    def _in_card_area(self, widget: QWidget) -> bool:
        area = self.card_area
        return area is not None and (widget is area or area.isAncestorOf(widget))

    def _take_card(self, widget: QWidget, burst: str, held: int | None) -> bool:
        """An ID-card QR burst typed into the card area: report it, True when taken."""
        if not self._in_card_area(widget):
            return False
        start = _ID_QR_START.search(burst)
        if start is None or burst.count("|", start.start()) < ID_QR_MIN_BARS:
            return False
        text = burst[start.start() :]
        self._remove_from(widget, burst[start.start() : held])  # what reached the widget
        try:
            card = parse_id_qr(text)
        except DomainError as exc:
            self.card_failed.emit(exc, widget)
        else:
            self.card_scanned.emit(card, widget)
        return True

    def _fast(self, now: float) -> bool:
        return now - self._last <= MAX_GAP_MS

    @staticmethod
    def _remove_from(widget: QWidget, burst: str) -> None:
        """Take the scanned characters back out of the line edit they were typed into.

        A field with a length limit keeps only the start of a long burst: that start is
        removed when the field is full.
        """
        if not isinstance(widget, QLineEdit) or widget.isReadOnly():
            return
        text, position = widget.text(), widget.cursorPosition()
        before = text[:position]
        full = len(text) >= widget.maxLength()
        for size in range(len(burst), 0, -1):
            if before.endswith(burst[:size]) and (size == len(burst) or full):
                widget.setText(text[: position - size] + text[position:])
                widget.setCursorPosition(position - size)
                return
