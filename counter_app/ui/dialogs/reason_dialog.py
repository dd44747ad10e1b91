"""Ask the reason of a supplement request (with the missing papers) or of a refusal."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from counter_app import texts
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.texts import forms as ft
from counter_app.texts import window as t
from counter_app.ui.buttons import dialog_buttons, enter_confirms


class ReasonDialog(QDialog):
    """Non-blocking (``open()``); read :meth:`reason` and :meth:`missing` once accepted.

    With ``missing`` given (supplement request) the missing papers are listed one per line
    and stay editable (Enter adds a line there, Ctrl+Enter confirms); Enter in the reason
    confirms (Shift+Enter adds a line). With ``reasons`` (the supplement reasons of the rule
    set, e.g. Decree 309's "the data could not be retrieved from the databases") a list above
    the reason fills it with the one chosen. ``submit(dialog)`` stores the outcome: when it
    raises a DomainError the dialog stays open with the sentence, so a typed reason is never lost.
    """

    def __init__(
        self,
        *,
        title: str,
        reason_label: str,
        confirm_text: str,
        missing: list[str] | None = None,
        reason: str = "",
        reasons: tuple[str, ...] = (),
        submit: Callable[[ReasonDialog], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.submit = submit
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.missing_edit: QPlainTextEdit | None = None
        if missing is not None:
            layout.addWidget(QLabel(t.GUIDE_MISSING))
            self.missing_edit = QPlainTextEdit("\n".join(missing))
            self.missing_edit.setObjectName("missing_edit")
            layout.addWidget(self.missing_edit, 2)
        self._initial = reason.strip()  # the suggested reason: a choice replaces it too
        self.reason_combo: QComboBox | None = None
        if reasons:
            layout.addWidget(QLabel(ft.SUPPLEMENT_REASON_CHOICE))
            self.reason_combo = QComboBox()
            self.reason_combo.setObjectName("reason_combo")
            self.reason_combo.addItem(ft.SUPPLEMENT_REASON_TYPED, "")
            for text in reasons:
                self.reason_combo.addItem(text, text)
            layout.addWidget(self.reason_combo)
        layout.addWidget(QLabel(reason_label))
        self.reason_edit = QPlainTextEdit(reason)
        self.reason_edit.setObjectName("reason_edit")
        if self.reason_combo is not None:
            self.reason_combo.currentIndexChanged.connect(self._on_reason_chosen)
        layout.addWidget(self.reason_edit, 1)
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        box, self.confirm_button, _ = dialog_buttons(self, accept_text=confirm_text)
        enter_confirms(self.reason_edit, self.confirm_button)
        if self.missing_edit is not None:
            self.missing_edit.setTabChangesFocus(True)
        layout.addWidget(box)

    def accept(self) -> None:
        """Stay open until there is a reason (and, for a supplement, at least one paper)."""
        for field, empty in (
            ("missing", self.missing_edit is not None and not self.missing()),
            ("reason", not self.reason()),
        ):
            if empty:
                error = DomainError(ErrorCode.ACTION_FIELD_MISSING, field=field)
                self.error_label.setText(texts.error_message(error))
                return
        if self.submit is not None:
            try:
                self.submit(self)
            except DomainError as exc:
                self.error_label.setText(t.field_error(exc) or texts.error_message(exc))
                return
        super().accept()

    def _on_reason_chosen(self, index: int) -> None:
        """The chosen reason replaces the text unless the officer typed one of their own (the
        suggested reason the dialog opened with is not one)."""
        assert self.reason_combo is not None
        chosen = str(self.reason_combo.itemData(index) or "")
        choices = {
            str(self.reason_combo.itemData(i) or "") for i in range(self.reason_combo.count())
        }
        if chosen and (not self.reason() or self.reason() in choices | {self._initial}):
            self.reason_edit.setPlainText(chosen)

    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def missing(self) -> tuple[str, ...]:
        if self.missing_edit is None:
            return ()
        lines = self.missing_edit.toPlainText().splitlines()
        return tuple(line.strip() for line in lines if line.strip())
