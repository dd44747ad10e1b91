"""The fee form (issue 13, item 7): the amount due, what was collected now and how, the
e-receipt number, or the exemption. Used at reception (Alt+P in the form: the payment goes
with the received event) and later (the dossier's "Thu phí, lệ phí" action).

Keyboard (ui/buttons.py): the focus starts in the amount collected when the amount due is
known, else in the amount due; Enter confirms from any field, Esc cancels. A refusal (an
amount that is not a number, a collected amount without its method, an exemption outside
its dates) stays in the dialog with the Vietnamese reason naming the field.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from counter_app.domain.fees import FEE_METHODS, format_amount
from counter_app.domain.rules import FeeExemption
from counter_app.texts import fees as ft
from counter_app.ui.dialogs.action_dialogs import ActionDialog, Submit


class FeeDialog(ActionDialog):
    def __init__(
        self,
        *,
        due: int | None,
        exemptions: list[FeeExemption],
        submit: Submit,
        parent: QWidget | None,
        collected: int = 0,
        method: str = "",
        receipt_no: str = "",
        exemption: str = "",
        catalogue_text: str = "",
    ) -> None:
        super().__init__(
            title=ft.FEE_DIALOG_TITLE, confirm_text=ft.FEE_CONFIRM, submit=submit, parent=parent
        )
        self.setObjectName("fee_dialog")
        self.due_edit = self._line(ft.FEE_DUE_LABEL, format_amount(due) if due is not None else "")
        self.due_edit.setObjectName("fee_due_edit")
        if catalogue_text:
            self.due_edit.setToolTip(catalogue_text)
        if due is None:
            hint = QLabel(ft.FEE_UNKNOWN_HINT)
            hint.setWordWrap(True)
            self.form.addRow(hint)
        self.collected_edit = self._line(
            ft.FEE_COLLECTED_LABEL, format_amount(collected) if collected else ""
        )
        self.collected_edit.setObjectName("fee_collected_edit")
        self.method_combo = QComboBox()
        self.method_combo.setObjectName("fee_method_combo")
        self.method_combo.addItem(ft.FEE_NOT_COLLECTED, "")
        for key in FEE_METHODS:
            self.method_combo.addItem(ft.METHOD_LABELS[key], key)
        self.method_combo.setCurrentIndex(max(0, self.method_combo.findData(method)))
        self.form.addRow(ft.FEE_METHOD_LABEL, self.method_combo)
        self.receipt_edit = self._line(ft.FEE_RECEIPT_LABEL, receipt_no)
        self.receipt_edit.setObjectName("fee_receipt_edit")
        self.exemption_combo = QComboBox()
        self.exemption_combo.setObjectName("fee_exemption_combo")
        self.exemption_combo.addItem(ft.FEE_NO_EXEMPTION, "")
        for item in exemptions:
            label = ft.EXEMPTION_LABELS.get(item.key, item.key)
            self.exemption_combo.addItem(label, item.key)
            self.exemption_combo.setItemData(self.exemption_combo.count() - 1, item.basis, 3)
        self.exemption_combo.setCurrentIndex(max(0, self.exemption_combo.findData(exemption)))
        self.form.addRow(ft.FEE_EXEMPTION_LABEL, self.exemption_combo)
        self.collected_edit.textEdited.connect(self._on_collected_edited)
        self.first_field = self.collected_edit if due is not None else self.due_edit

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.first_field.setFocus)

    def _on_collected_edited(self, text: str) -> None:
        """Typing an amount collected proposes cash (the usual way at the desk)."""
        if text.strip() and not self.method_combo.currentData():
            self.method_combo.setCurrentIndex(self.method_combo.findData("cash"))

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "due": self.due_edit.text().strip() or None,
            "collected": self.collected_edit.text().strip() or 0,
            "method": self.method_combo.currentData() or "",
            "receipt_no": self.receipt_edit.text().strip(),
            "exemption": self.exemption_combo.currentData() or "",
        }
        return out
