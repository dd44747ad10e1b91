"""The reception form's fee row (issue 13, item 7): a button (Alt+P) opening the fee form and
a line saying what will be stored: the amount due (the catalogue's for the channel, else
unknown), what was collected and how, or the exemption.

The button stays out of the form's Tab chain (the morning's keys do not change). What the
officer typed is checked when the fee form is confirmed (an exemption outside its dates is
refused there, naming the field) and again by the reception itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QWidget

from counter_app.domain.fees import FeePayment
from counter_app.services import fees
from counter_app.services.station import StationContext
from counter_app.texts import fees as ft
from counter_app.ui.dialogs.fee_dialog import FeeDialog


class FeeRow(QWidget):
    def __init__(
        self,
        ctx: StationContext,
        *,
        procedure_code: Callable[[], str | None],
        channel: Callable[[], int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("fee_row")
        self.ctx = ctx
        self.procedure_code = procedure_code
        self.channel = channel
        self.payment: dict[str, Any] | None = None  # what the fee form gave (typed values)
        self.checked: FeePayment | None = None
        self.dialog: FeeDialog | None = None
        self.button = QPushButton(ft.FEE_BUTTON)
        self.button.setObjectName("fee_button")
        self.button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.summary = QLabel()
        self.summary.setObjectName("fee_summary")
        self.summary.setWordWrap(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button)
        row.addWidget(self.summary, 1)
        self.button.clicked.connect(self.open_dialog)
        # Alt+P from anywhere in the window (an explicit shortcut: mnemonics are not given by
        # every platform)
        shortcut = QShortcut(QKeySequence(ft.FEE_KEYS), self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(self.open_dialog)
        self.refresh()

    def clear(self) -> None:
        self.payment = None
        self.checked = None
        self.refresh()

    def due(self) -> int | None:
        """The amount due as it will be stored (typed, else the catalogue's)."""
        if self.checked is not None and self.payment and self.payment.get("due") is not None:
            return self.checked.due
        code = self.procedure_code()
        return fees.proposed_due(self.ctx, code, self.channel()) if code else None

    def refresh(self) -> None:
        code = self.procedure_code()
        if not code:
            self.summary.setText("")
            return
        self.summary.setText(ft.fee_summary(self.due(), self.checked))

    def open_dialog(self) -> FeeDialog | None:
        code = self.procedure_code()
        if not code:
            self.summary.setText(ft.FEE_PICK_PROCEDURE)
            return None
        checked = self.checked or FeePayment()
        before = QApplication.focusWidget()  # the focus comes back there afterwards
        self.dialog = FeeDialog(
            due=self.due(),
            exemptions=fees.exemption_choices(
                self.ctx, procedure_code=code, channel=self.channel()
            ),
            submit=self._submit,
            parent=self.window(),
            collected=checked.collected,
            method=checked.method,
            receipt_no=checked.receipt_no,
            exemption=checked.exemption,
        )
        self.dialog.finished.connect(lambda _r: self._focus_back(before))
        self.dialog.open()
        return self.dialog

    def _focus_back(self, widget: QWidget | None) -> None:
        self.window().activateWindow()
        (widget if widget is not None and widget.isVisible() else self.button).setFocus()

    def _submit(self, payload: dict[str, Any]) -> None:
        code = self.procedure_code() or ""
        self.checked = fees.check_reception_fee(
            self.ctx, payload, procedure_code=code, channel=self.channel()
        )
        self.payment = payload
        self.refresh()
