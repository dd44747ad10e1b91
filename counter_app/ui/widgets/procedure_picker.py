"""Pick a procedure by national code or any part of its name typed without diacritics."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLabel, QLineEdit, QVBoxLayout, QWidget

from counter_app import texts
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Procedure
from counter_app.texts import window as t

MAX_CHOICES = 15


class ProcedureCatalogue(Protocol):
    """What the picker reads: the station's procedures (``ctx.store.reference`` provides it)."""

    def find_procedures(self, text: str, *, limit: int = ...) -> list[Procedure]: ...

    def procedure(self, code: str) -> Procedure | None: ...


class ProcedurePicker(QWidget):
    """A line edit with a pop-up of matches, most used first; Enter takes the first match.

    ``procedure_chosen(Procedure)`` fires when a procedure is picked; ``failed(DomainError)``
    when the text matches nothing.
    """

    procedure_chosen = Signal(object)
    failed = Signal(object)

    def __init__(self, reference: ProcedureCatalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reference = reference
        self._matches: list[Procedure] = []
        self._chosen: Procedure | None = None
        self._build_ui()
        self._connect_signals()

    def _build_ui(self) -> None:
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("procedure_edit")
        self.search_edit.setPlaceholderText(t.PROCEDURE_PLACEHOLDER)
        self.search_edit.setClearButtonEnabled(True)
        self.choices = QStringListModel(self)
        self.completer = QCompleter(self.choices, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(MAX_CHOICES)
        self.completer.setWidget(self.search_edit)
        self.summary_label = QLabel(t.PROCEDURE_NONE)
        self.summary_label.setObjectName("procedure_summary")
        self.summary_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.summary_label)

    def _connect_signals(self) -> None:
        self.search_edit.textEdited.connect(self._on_search_edit_text_edited)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.completer.activated[str].connect(self._on_completer_activated)  # type: ignore[index]

    def procedure(self) -> Procedure | None:
        return self._chosen

    def matches(self) -> list[Procedure]:
        return list(self._matches)

    def clear(self) -> None:
        self._chosen = None
        self._matches = []
        self.search_edit.clear()
        self.choices.setStringList([])
        self.summary_label.setText(t.PROCEDURE_NONE)

    def choose(self, procedure: Procedure) -> None:
        self._chosen = procedure
        self.search_edit.setText(t.procedure_choice(procedure.code, procedure.name))
        self.search_edit.setCursorPosition(0)
        self.summary_label.setText(
            t.procedure_summary(procedure.field, texts.describe_time(procedure.processing_time))
        )
        self._hide_popup()
        self.procedure_chosen.emit(procedure)

    def _on_search_edit_text_edited(self, text: str) -> None:
        self._chosen = None
        self._matches = self.reference.find_procedures(text, limit=MAX_CHOICES) if text else []
        self.choices.setStringList([t.procedure_choice(p.code, p.name) for p in self._matches])
        if self._matches:
            self.completer.setCompletionPrefix("")
            self.completer.complete()
        else:
            self._hide_popup()

    def _on_completer_activated(self, text: str) -> None:
        for procedure in self._matches:
            if t.procedure_choice(procedure.code, procedure.name) == text:
                self.choose(procedure)
                return

    def _on_search_edit_return_pressed(self) -> None:
        if self._chosen is not None:
            self.procedure_chosen.emit(self._chosen)
            return
        text = self.search_edit.text().strip()
        if not text:
            return
        exact = self.reference.procedure(text)
        found = exact or (self._matches[0] if self._matches else None)
        if found is None:
            self.failed.emit(DomainError(ErrorCode.PROCEDURE_NOT_FOUND, code=text))
            return
        self.choose(found)

    def _hide_popup(self) -> None:
        popup = self.completer.popup()
        if popup is not None:
            popup.hide()

    def focus(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()
