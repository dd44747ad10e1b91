"""Live due date of the reception (services.intake.due_for) and the override control."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QGridLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from counter_app import texts
from counter_app.domain.due import DueDate
from counter_app.domain.errors import DomainError
from counter_app.domain.models import VN_TZ, Procedure
from counter_app.domain.processing_time import TimeUnit
from counter_app.services.intake import due_for
from counter_app.services.station import StationContext
from counter_app.texts import window as t

REFRESH_MS = 30_000


class DuePanel(QWidget):
    """Recomputed when the procedure changes and every 30 s (the clock moves on)."""

    def __init__(self, ctx: StationContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._procedure: Procedure | None = None
        self.due: DueDate | None = None
        self._build_ui()
        self.override_check.toggled.connect(self._on_override_check_toggled)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.recompute)
        self.timer.start(REFRESH_MS)
        self._on_override_check_toggled(False)

    def _build_ui(self) -> None:
        self.due_label = QLabel(t.DUE_NEED_PROCEDURE)
        self.due_label.setObjectName("due_label")
        font = self.due_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.due_label.setFont(font)
        self.estimated_label = QLabel(t.DUE_ESTIMATED)
        self.estimated_label.setObjectName("estimated_label")
        self.estimated_label.setWordWrap(True)
        self.estimated_label.setStyleSheet("color: #9a5b00;")
        self.estimated_label.hide()
        self.override_check = QCheckBox(t.DUE_OVERRIDE)
        self.override_edit = QDateTimeEdit()
        self.override_edit.setDisplayFormat(t.DATE_FORMAT)
        self.override_edit.setCalendarPopup(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(t.DUE_OVERRIDE_REASON)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel(t.DUE_LABEL), 0, 0)
        grid.addWidget(self.due_label, 0, 1, 1, 2)
        grid.addWidget(self.estimated_label, 1, 0, 1, 3)
        grid.addWidget(self.override_check, 2, 0)
        grid.addWidget(self.override_edit, 2, 1)
        grid.addWidget(self.reason_edit, 2, 2)
        grid.setColumnStretch(2, 1)

    def set_procedure(self, procedure: Procedure | None) -> None:
        self._procedure = procedure
        self.recompute()

    def recompute(self) -> None:
        procedure = self._procedure
        self.due = None
        self.estimated_label.hide()
        if procedure is None:
            self.due_label.setText(t.DUE_NEED_PROCEDURE)
            return
        if procedure.processing_time.unit is TimeUnit.UNKNOWN:
            self.due_label.setText(texts.describe_time(procedure.processing_time))
            return
        try:
            self.due = due_for(
                self.ctx, received_at=self.ctx.clock.now(), time=procedure.processing_time
            )
        except DomainError as exc:
            self.due_label.setText(texts.error_message(exc))
            return
        self.due_label.setText(t.format_due(self.due.due))
        self.estimated_label.setVisible(self.due.estimated)
        if self.due.due and not self.override_check.isChecked():
            self.override_edit.setDateTime(QDateTime(self.due.due.replace(tzinfo=None)))

    def override(self) -> tuple[datetime | None, str]:
        """The officer's due date (Vietnam time) and reason, or (None, "")."""
        if not self.override_check.isChecked():
            return None, ""
        value = self.override_edit.dateTime().toPython()
        assert isinstance(value, datetime)
        return value.replace(tzinfo=VN_TZ), self.reason_edit.text()

    def clear(self) -> None:
        self.override_check.setChecked(False)
        self.reason_edit.clear()
        self.set_procedure(None)

    def _on_override_check_toggled(self, checked: bool) -> None:
        self.override_edit.setEnabled(checked)
        self.reason_edit.setEnabled(checked)
        if checked:
            self.reason_edit.setFocus()
