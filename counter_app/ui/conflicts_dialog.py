"""Settle one conflict: choose the action to void, say why (required), confirm.

Keyboard: the focus starts on the first choice (the action set aside); Up/Down switch
between the two choices, Tab goes to the note, Enter confirms, Esc cancels. ``submit``
records the settlement: when it raises a DomainError the dialog stays open with the
sentence, so a typed note is never lost.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from counter_app import texts
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services.conflicts import OpenConflict
from counter_app.texts import conflicts as c
from counter_app.ui.buttons import dialog_buttons, enter_confirms
from counter_app.ui.conflicts_model import action_text


class SettleDialog(QDialog):
    """Non-blocking (``open()``); :meth:`voided` and :meth:`note` once accepted."""

    def __init__(
        self,
        conflict: OpenConflict,
        *,
        submit: Callable[[SettleDialog], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.submit = submit
        self.setWindowTitle(c.SETTLE_TITLE)
        self.setMinimumWidth(720)
        heading = QLabel(c.settle_heading(conflict.code or "", conflict.applicant_name))
        heading.setStyleSheet("font-weight: bold;")
        intro = QLabel(c.SETTLE_INTRO)
        intro.setWordWrap(True)
        status = QLabel(c.settle_status(c.status_label(conflict.status)))
        reason = QLabel(f"{c.CLI_REASON}: {c.reason_label(conflict.reason)}")
        reason.setWordWrap(True)
        label = c.kind_label(conflict.action.kind)
        other = c.kind_label(conflict.clashed.kind) if conflict.clashed is not None else ""
        self.void_set_aside = QRadioButton(
            c.void_set_aside(label, c.status_label(conflict.status), action_text(conflict.action))
        )
        self.void_set_aside.setObjectName("void_set_aside")
        self.void_clashed = QRadioButton(
            c.void_clashed(other, label, action_text(conflict.clashed))
        )
        self.void_clashed.setObjectName("void_clashed")
        self.void_clashed.setEnabled(conflict.clashed is not None)
        self.choices = QButtonGroup(self)
        for button in (self.void_set_aside, self.void_clashed):
            self.choices.addButton(button)
        self.void_set_aside.setChecked(True)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setObjectName("settle_note_edit")
        self.note_edit.setFixedHeight(72)
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        for widget in (heading, intro, status, reason, self.void_set_aside, self.void_clashed):
            layout.addWidget(widget)
        layout.addWidget(QLabel(c.SETTLE_NOTE))
        layout.addWidget(self.note_edit)
        layout.addWidget(self.error_label)
        box, self.confirm_button, _ = dialog_buttons(
            self, accept_text=c.SETTLE_CONFIRM, focus=self.void_set_aside
        )
        enter_confirms(self.note_edit, self.confirm_button)
        layout.addWidget(box)

    def voided(self) -> str:
        """The event uuid chosen to be voided."""
        if self.void_clashed.isChecked() and self.conflict.clashed is not None:
            return self.conflict.clashed.event_uuid
        return self.conflict.action.event_uuid

    def note(self) -> str:
        return self.note_edit.toPlainText().strip()

    def accept(self) -> None:
        """Stay open until there is a note and the settlement is recorded."""
        if not self.note():
            self.error_label.setText(
                texts.error_message(DomainError(ErrorCode.CONFLICT_NOTE_MISSING))
            )
            self.note_edit.setFocus()
            return
        if self.submit is not None:
            try:
                self.submit(self)
            except DomainError as exc:
                self.error_label.setText(texts.error_message(exc))
                return
        super().accept()
