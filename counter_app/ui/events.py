"""One signal that tells every view what a use case changed (style.md §6.4)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class AppEvents(QObject):
    """``changes_applied(Changes)`` is emitted once per use case; views refresh what they show."""

    changes_applied = Signal(object)
