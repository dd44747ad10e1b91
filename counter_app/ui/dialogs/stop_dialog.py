"""The "stop processing" form (Mẫu 05): the reason chosen from the list (the applicant's
request, Decree 309/2026's "the data could not be retrieved from the databases", another
reason) and what the officer adds; submitted as ``{"reason_key", "reason"}``.

Keyboard as every action form (ui/buttons.py): the focus starts in the list (Up/Down choose),
Tab goes to the text, Enter confirms from either, Esc cancels.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QWidget

from counter_app.texts import forms as ft
from counter_app.ui.dialogs.action_dialogs import ActionDialog, Submit


class StopDialog(ActionDialog):
    def __init__(self, *, submit: Submit, parent: QWidget) -> None:
        super().__init__(
            title=ft.STOP_TITLE, confirm_text=ft.STOP_CONFIRM, submit=submit, parent=parent
        )
        self.reason_combo = QComboBox()
        self.reason_combo.setObjectName("stop_reason_combo")
        self.reason_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for key, text in ft.STOP_REASONS.items():
            self.reason_combo.addItem(text, key)
        self.form.addRow(ft.STOP_REASON_CHOICE, self.reason_combo)
        self.detail_edit = self._text(ft.STOP_DETAIL)
        self.detail_edit.setObjectName("stop_detail_edit")
        self.setMinimumWidth(720)
        self.reason_combo.setFocus()

    def reason_key(self) -> str:
        return str(self.reason_combo.currentData() or ft.STOP_OTHER)

    def payload(self) -> dict[str, Any]:
        key = self.reason_key()
        detail = self.detail_edit.toPlainText()
        return {"reason_key": key, "reason": ft.stop_reason_text(key, detail)}
