"""Live due date of the reception (services.intake.due_for) and the override control.

For a procedure the catalogue gives no processing time (149 of 946), the panel asks for it:
an amount and a unit (ngày làm việc, ngày, giờ làm việc, tháng, trong ngày, không có ngày
hẹn trả); the due date is computed from it at once and the stated time is kept with the
dossier (``ReceptionRequest.time``), as ``counter-app receive --time`` does.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from counter_app import texts
from counter_app.domain.due import DueDate
from counter_app.domain.errors import DomainError
from counter_app.domain.models import VN_TZ, Procedure
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.reference.rules import shipped_rule_book
from counter_app.services.intake import due_for
from counter_app.services.station import StationContext
from counter_app.texts import rules as tr
from counter_app.texts import window as t

REFRESH_MS = 30_000
_NO_DATE = datetime(2000, 1, 1)  # the override's blank value (below any real due date)


class DuePanel(QWidget):
    """Recomputed when the procedure changes and every 30 s (the clock moves on)."""

    def __init__(self, ctx: StationContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._procedure: Procedure | None = None
        self.due: DueDate | None = None
        self._build_ui()
        self.override_check.toggled.connect(self._on_override_check_toggled)
        self.stated_amount.valueChanged.connect(self._on_stated_time_changed)
        self.stated_unit.currentIndexChanged.connect(self._on_stated_time_changed)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.recompute)
        self.timer.start(REFRESH_MS)
        self._on_override_check_toggled(False)

    cross_boundary = ""  # the reception's scope (ui.widgets.boundary_panel), "" when not

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
        # Blank (its minimum, shown as a space) until a procedure gives a due date: never
        # Qt's 01/01/2000, nor the previous citizen's date.
        self.override_edit.setMinimumDateTime(QDateTime(_NO_DATE))
        self.override_edit.setSpecialValueText(" ")
        self.override_edit.setDateTime(QDateTime(_NO_DATE))
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(t.DUE_OVERRIDE_REASON)
        self.stated_box = QWidget()
        self.stated_box.setObjectName("stated_time")
        self.stated_box.setToolTip(t.STATED_TIME_TIP)
        self.stated_amount = QSpinBox()
        self.stated_amount.setObjectName("stated_amount")
        self.stated_amount.setRange(1, 3650)
        self.stated_amount.setValue(5)
        self.stated_unit = QComboBox()
        self.stated_unit.setObjectName("stated_unit")
        for unit, label in t.STATED_TIME_UNITS:
            self.stated_unit.addItem(label, unit)
        stated_note = QLabel(t.STATED_TIME_NOTE)
        stated_note.setStyleSheet("color: #9a5b00;")
        row = QHBoxLayout(self.stated_box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(t.STATED_TIME_LABEL))
        row.addWidget(self.stated_amount)
        row.addWidget(self.stated_unit)
        row.addWidget(stated_note, 1)
        self.stated_box.hide()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.stated_box, 0, 0, 1, 3)  # the time first, then its due date
        grid.addWidget(QLabel(t.DUE_LABEL), 1, 0)
        grid.addWidget(self.due_label, 1, 1, 1, 2)
        grid.addWidget(self.estimated_label, 2, 0, 1, 3)
        grid.addWidget(self.override_check, 3, 0)
        grid.addWidget(self.override_edit, 3, 1)
        grid.addWidget(self.reason_edit, 3, 2)
        grid.setColumnStretch(2, 1)

    def set_procedure(self, procedure: Procedure | None) -> None:
        """A new procedure: the due date is recomputed and the override dropped."""
        self._procedure = procedure
        asks = procedure is not None and procedure.processing_time.unit is TimeUnit.UNKNOWN
        self.stated_box.setVisible(asks)
        self.override_check.setChecked(False)
        self.reason_edit.clear()
        self.recompute()

    def needs_time(self) -> bool:
        """True when the catalogue has no time for the procedure (the officer states it)."""
        procedure = self._procedure
        return procedure is not None and procedure.processing_time.unit is TimeUnit.UNKNOWN

    def stated_time(self) -> ProcessingTime | None:
        """The time the officer stated, for a procedure without one in the catalogue."""
        if not self.needs_time():
            return None
        unit = TimeUnit(str(self.stated_unit.currentData()))
        if unit in (TimeUnit.SAME_DAY, TimeUnit.NO_DUE_DATE):
            return ProcessingTime(unit)
        return ProcessingTime(unit, float(self.stated_amount.value()))

    def time(self) -> ProcessingTime | None:
        procedure = self._procedure
        if procedure is None:
            return None
        return self.stated_time() or procedure.processing_time

    def recompute(self) -> None:
        time = self.time()
        self.due = None
        self.estimated_label.hide()
        if not self.override_check.isChecked():
            self.override_edit.setDateTime(QDateTime(_NO_DATE))
        if time is None:
            self.due_label.setText(t.DUE_NEED_PROCEDURE)
            return
        if not time.has_due_date:
            self.due_label.setText(texts.describe_time(time))
            return
        try:
            self.due = due_for(
                self.ctx,
                received_at=self.ctx.clock.now(),
                time=time,
                cross_boundary=self.cross_boundary,
            )
        except DomainError as exc:
            self.due_label.setText(texts.error_message(exc))
            return
        self.due_label.setText(t.format_due(self.due.due) + self._expected())
        self.estimated_label.setText(t.estimated_warning(self.due.estimated_days))
        self.estimated_label.setVisible(self.due.estimated)
        if self.due.due and not self.override_check.isChecked():
            self.override_edit.setDateTime(QDateTime(self.due.due.replace(tzinfo=None)))

    def set_cross_boundary(self, scope: str) -> None:
        """The reception is cross-boundary (``scope``) or not (""): the date is recomputed."""
        self.cross_boundary = scope
        self.recompute()

    def _expected(self) -> str:
        """The "expected" mark when the date is only expected (the time runs from the authority's
        receipt, not recorded yet)."""
        if not self.cross_boundary or self.due is None or self.due.due is None:
            return ""
        rules = shipped_rule_book().for_reception(self.ctx.clock.now())
        return f" ({tr.EXPECTED})" if rules.cross_boundary_clock == "authority" else ""

    def override(self) -> tuple[datetime | None, str]:
        """The officer's due date (Vietnam time) and reason, or (None, "")."""
        if not self.override_check.isChecked():
            return None, ""
        value = self.override_edit.dateTime().toPython()
        assert isinstance(value, datetime)
        return value.replace(tzinfo=VN_TZ), self.reason_edit.text()

    def clear(self) -> None:
        self.stated_amount.setValue(5)
        self.stated_unit.setCurrentIndex(0)
        self.set_procedure(None)

    def _on_stated_time_changed(self, _value: int) -> None:
        self.stated_amount.setEnabled(
            self.stated_unit.currentData() not in ("same_day", "no_due_date")
        )
        self.recompute()

    def _on_override_check_toggled(self, checked: bool) -> None:
        self.override_edit.setEnabled(checked)
        self.reason_edit.setEnabled(checked)
        if checked and self.override_edit.dateTime() == QDateTime(_NO_DATE):  # no due yet
            now = self.ctx.clock.now().astimezone(VN_TZ)
            self.override_edit.setDateTime(
                QDateTime(now.replace(tzinfo=None, second=0, microsecond=0))
            )
        if checked:
            self.reason_edit.setFocus()
