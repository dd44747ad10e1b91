"""The status-bar sync indicator: last sync, changes waiting, failures, refusals, clock skew.

A pure view: :meth:`SyncIndicator.show_health` receives the health, whether an attempt is
running and the time left before the next one, and writes the texts. A click on the indicator
asks for the details (``details_requested``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from counter_app import texts
from counter_app.domain.errors import DomainError
from counter_app.sync.scheduler import SyncHealth
from counter_app.texts import sync_status as s

OK_STYLE = "QToolButton { border: none; padding: 0 6px; }"
FAILED_STYLE = "QToolButton { border: none; padding: 0 6px; color: #8a1c00; }"
REJECTED_STYLE = "QToolButton { border: none; padding: 0 6px; color: #b00020; font-weight: bold; }"
CLOCK_STYLE = "background: #ffe08a; color: #3d2b00; padding: 1px 8px; border-radius: 3px;"


def status_text(
    health: SyncHealth, *, now: datetime, running: bool, retry_in: timedelta | None
) -> str:
    """The one line of the status bar (see texts.sync_status)."""
    if not health.enrolled:
        return s.NOT_ENROLLED
    age = health.oldest_waiting_age
    if running:
        line = s.syncing(health.waiting, age)
    elif health.last_attempt is None:
        line = s.never_synced(health.waiting, age)
    elif health.last_ok and health.last_success is not None:
        line = s.synced(health.last_success, now, health.waiting, age)
    else:
        line = s.failed(health.last_error, retry_in, health.waiting, age)
    return line + s.rejected_badge(len(health.rejected))


def tooltip_text(health: SyncHealth) -> str:
    if not health.enrolled:
        return s.NOT_ENROLLED_TIP
    lines = [
        s.last_success_line(health.last_success),
        s.waiting_line(health.waiting, health.oldest_waiting_age),
    ]
    if health.last_attempt is not None and not health.last_ok:
        code = health.last_error
        lines.append(texts.error_message(DomainError(code)) if code else s.SHORT_UNEXPECTED)
    lines.append(s.CLICK_HINT)
    return "\n".join(lines)


class SyncIndicator(QWidget):
    details_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.clock_label = QLabel()
        self.clock_label.setObjectName("clock_warning_label")
        self.clock_label.setStyleSheet(CLOCK_STYLE)
        self.clock_label.setToolTip(s.CLOCK_WARNING_TIP)
        self.clock_label.hide()
        self.status_button = QToolButton()
        self.status_button.setObjectName("sync_label")
        self.status_button.setAutoRaise(True)
        self.status_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.status_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.status_button.clicked.connect(self.details_requested)
        layout.addWidget(self.clock_label)
        layout.addWidget(self.status_button)

    def text(self) -> str:
        return self.status_button.text()

    def show_health(
        self, health: SyncHealth, *, now: datetime, running: bool, retry_in: timedelta | None
    ) -> None:
        self.status_button.setText(status_text(health, now=now, running=running, retry_in=retry_in))
        self.status_button.setToolTip(tooltip_text(health))
        failing = (
            health.enrolled
            and not running
            and health.last_attempt is not None
            and not health.last_ok
        )
        style = REJECTED_STYLE if health.rejected else FAILED_STYLE if failing else OK_STYLE
        self.status_button.setStyleSheet(style)
        if health.clock_off and health.clock_skew is not None:
            self.clock_label.setText(s.clock_warning(health.clock_skew))
            self.clock_label.show()
        else:
            self.clock_label.hide()
