"""The competent authority's receipt of a cross-boundary dossier (issue 13 item 2): when it
received the dossier (default: now) and who signed for it. Recording it fixes the due date
when the dossier's rule set starts the time there (services.actions, domain.cross_boundary).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QDateTimeEdit, QWidget

from counter_app.domain.models import VN_TZ
from counter_app.texts import rules as tr
from counter_app.ui.dialogs.action_dialogs import ActionDialog, Submit


class AuthorityReceivedDialog(ActionDialog):
    def __init__(self, *, now: datetime, submit: Submit, parent: QWidget) -> None:
        super().__init__(
            title=tr.ACTION_AUTHORITY_RECEIVED,
            confirm_text=tr.AUTHORITY_CONFIRM,
            submit=submit,
            parent=parent,
        )
        local = now.astimezone(VN_TZ).replace(tzinfo=None, second=0, microsecond=0)
        self.at_edit = QDateTimeEdit(QDateTime(local))
        self.at_edit.setDisplayFormat("HH:mm dd/MM/yyyy")
        self.at_edit.setCalendarPopup(True)
        self.form.addRow(tr.AUTHORITY_RECEIVED_AT, self.at_edit)
        self.by_edit = self._line(tr.AUTHORITY_RECEIVED_BY)
        self.at_edit.setFocus()

    def received_at(self) -> datetime:
        value: datetime = self.at_edit.dateTime().toPython()  # type: ignore[assignment]
        return value.replace(tzinfo=VN_TZ)

    def payload(self) -> dict[str, Any]:
        return {"received_at": self.received_at().isoformat(), "by": self.by_edit.text().strip()}
