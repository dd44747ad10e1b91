"""Small forms of the actions after reception; each one submits its payload to a callback.

The callback records the action (``services.actions.record_action``). When the service
refuses (a second apology, an apology after the deadline, a missing field…) the dialog stays
open and shows the Vietnamese reason; nothing is written and nothing typed is lost.

Keyboard (ui/buttons.py): the focus starts in the first field, Enter confirms from any
field (also in a note or reason, where Shift+Enter adds a line), Esc cancels; Hủy is never
the default button, so Tab+Enter never cancels an action silently.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from counter_app import texts
from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError
from counter_app.domain.models import VN_TZ
from counter_app.texts import fees as fee_texts
from counter_app.texts import followup as f
from counter_app.ui.buttons import dialog_buttons, enter_confirms

Submit = Callable[[dict[str, Any]], None]


class ActionDialog(QDialog):
    """A form whose ``payload()`` goes to ``submit``; closes only when it is accepted."""

    def __init__(
        self, *, title: str, confirm_text: str, submit: Submit, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.submit = submit
        self.form = QFormLayout()
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        box, self.confirm_button, _ = dialog_buttons(self, accept_text=confirm_text)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(box)

    def payload(self) -> dict[str, Any]:
        raise NotImplementedError

    def accept(self) -> None:
        try:
            self.submit(self.payload())
        except DomainError as exc:
            self.error_label.setText(texts.error_message(exc))
            return
        super().accept()

    def _line(self, caption: str, text: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        self.form.addRow(caption, edit)
        return edit

    def _text(self, caption: str, text: str = "") -> QPlainTextEdit:
        edit = QPlainTextEdit(text)
        enter_confirms(edit, self.confirm_button)
        edit.setFixedHeight(80)
        self.form.addRow(caption, edit)
        return edit


class HandoverDialog(ActionDialog):
    """Hand-over (``to``) or hand-back (``from``) with a note."""

    def __init__(self, *, back: bool, confirm_text: str, submit: Submit, parent: QWidget) -> None:
        title = f.HANDBACK_TITLE if back else f.HANDOVER_TITLE
        super().__init__(title=title, confirm_text=confirm_text, submit=submit, parent=parent)
        self.key = "from" if back else "to"
        self.who_edit = self._line(f.HANDBACK_FROM if back else f.HANDOVER_TO)
        self.note_edit = self._line(f.HANDOVER_NOTE)

    def payload(self) -> dict[str, Any]:
        return {self.key: self.who_edit.text(), "note": self.note_edit.text()}


class ResultDialog(ActionDialog):
    def __init__(self, *, submit: Submit, parent: QWidget) -> None:
        super().__init__(
            title=f.RESULT_TITLE, confirm_text=f.RESULT_CONFIRM, submit=submit, parent=parent
        )
        self.approved_radio = QRadioButton(f.RESULT_APPROVED)
        self.refused_radio = QRadioButton(f.RESULT_REFUSED)
        self.approved_radio.setChecked(True)
        box = QVBoxLayout()
        box.addWidget(self.approved_radio)
        box.addWidget(self.refused_radio)
        self.form.addRow(f.RESULT_OUTCOME, box)
        self.number_edit = self._line(f.RESULT_NUMBER)
        self.note_edit = self._line(f.RESULT_NOTE)

    def payload(self) -> dict[str, Any]:
        return {
            "outcome": "approved" if self.approved_radio.isChecked() else "refused",
            "result_number": self.number_edit.text(),
            "note": self.note_edit.text(),
        }


class NoteDialog(ActionDialog):
    """One text: the reason (withdrawal) or a note (supplement received)."""

    def __init__(
        self,
        *,
        title: str,
        caption: str,
        confirm_text: str,
        key: str,
        submit: Submit,
        parent: QWidget,
    ) -> None:
        super().__init__(title=title, confirm_text=confirm_text, submit=submit, parent=parent)
        self.key = key
        self.text_edit = self._text(caption)

    def payload(self) -> dict[str, Any]:
        return {self.key: self.text_edit.toPlainText().strip()}


class ApologyDialog(ActionDialog):
    def __init__(
        self, *, dossier: Dossier, suggested: datetime, submit: Submit, parent: QWidget
    ) -> None:
        super().__init__(
            title=f.APOLOGY_TITLE, confirm_text=f.APOLOGY_CONFIRM, submit=submit, parent=parent
        )
        rule = QLabel(f.APOLOGY_RULE)
        rule.setWordWrap(True)
        self.form.addRow(rule)
        self.due_edit = QDateTimeEdit(QDateTime(suggested.replace(tzinfo=None)))
        self.due_edit.setDisplayFormat("HH:mm dd/MM/yyyy")
        self.due_edit.setCalendarPopup(True)
        self.form.addRow(f.APOLOGY_NEW_DUE, self.due_edit)
        self.reason_edit = self._text(f.APOLOGY_REASON)

    def new_due(self) -> datetime:
        value: datetime = self.due_edit.dateTime().toPython()  # type: ignore[assignment]
        return value.replace(tzinfo=VN_TZ)

    def payload(self) -> dict[str, Any]:
        return {
            "new_due": self.new_due().isoformat(),
            "reason": self.reason_edit.toPlainText().strip(),
        }


class ReturnDialog(ActionDialog):
    def __init__(self, *, dossier: Dossier, submit: Submit, parent: QWidget) -> None:
        super().__init__(
            title=f.RETURN_TITLE, confirm_text=f.RETURN_CONFIRM, submit=submit, parent=parent
        )
        self.receiver_edit = self._line(f.RETURN_RECEIVER, dossier.applicant.name)
        self.applicant_check = QCheckBox(f.RETURN_IS_APPLICANT)
        self.applicant_check.setChecked(True)
        self.originals_check = QCheckBox(f.RETURN_ORIGINALS)
        self.originals_check.setChecked(True)
        self.form.addRow(self.applicant_check)
        self.form.addRow(self.originals_check)
        self.note_edit = self._line(f.RETURN_NOTE)
        self.applicant_check.toggled.connect(self._on_applicant_check_toggled)
        self.applicant_name = dossier.applicant.name

    def _on_applicant_check_toggled(self, checked: bool) -> None:
        self.receiver_edit.setText(self.applicant_name if checked else "")
        if not checked:
            self.receiver_edit.setFocus()

    def payload(self) -> dict[str, Any]:
        return {
            "receiver_name": self.receiver_edit.text(),
            "receiver_is_applicant": self.applicant_check.isChecked(),
            "originals_returned": self.originals_check.isChecked(),
            "note": self.note_edit.text(),
        }


class RatingDialog(ActionDialog):
    """The citizen's rating; once a rating is recorded (``already``), a new one replaces it
    only with its reason (issue 13 item 8: the service refuses it without)."""

    def __init__(self, *, submit: Submit, parent: QWidget, already: bool = False) -> None:
        super().__init__(
            title=f.RATING_TITLE, confirm_text=f.RATING_CONFIRM, submit=submit, parent=parent
        )
        self.group = QButtonGroup(self)
        box = QVBoxLayout()
        self.radios: dict[str, QRadioButton] = {}
        for key, label in f.RATING_LABELS.items():
            radio = self.radios[key] = QRadioButton(label)
            self.group.addButton(radio)
            box.addWidget(radio)
        self.radios["hai_long"].setChecked(True)
        self.form.addRow(box)
        self.comment_edit = self._text(f.RATING_COMMENT)
        self.reason_edit: QLineEdit | None = None
        if already:
            self.form.addRow(QLabel(fee_texts.RATING_AGAIN))
            self.reason_edit = self._line(fee_texts.RATING_REASON)

    def payload(self) -> dict[str, Any]:
        rating = next(k for k, r in self.radios.items() if r.isChecked())
        out = {"rating": rating, "comment": self.comment_edit.toPlainText().strip()}
        if self.reason_edit is not None:
            out["reason"] = self.reason_edit.text().strip()
        return out


class CorrectionDialog(ActionDialog):
    """The applicant's name, ID number, address and phone; only changed fields are sent."""

    def __init__(self, *, dossier: Dossier, submit: Submit, parent: QWidget) -> None:
        super().__init__(
            title=f.CORRECT_TITLE, confirm_text=f.CORRECT_CONFIRM, submit=submit, parent=parent
        )
        a = dossier.applicant
        self.before = {
            "name": a.name,
            "id_number": a.id_number,
            "address": a.address,
            "phone": a.phone or "",
        }
        captions = (f.CORRECT_NAME, f.CORRECT_ID, f.CORRECT_ADDRESS, f.CORRECT_PHONE)
        self.edits = {
            key: self._line(caption, value)
            for (key, value), caption in zip(self.before.items(), captions, strict=True)
        }
        self.reason_edit = self._line(f.CORRECT_REASON)

    def payload(self) -> dict[str, Any]:
        changed = {
            key: edit.text().strip()
            for key, edit in self.edits.items()
            if edit.text().strip() != self.before[key]
        }
        return {
            "changes": {"applicant": changed} if changed else {},
            "reason": self.reason_edit.text(),
        }
