"""Pick a procedure by national code or any part of its name typed without diacritics.

The pop-up lists the matches in the ranking of domain/procedure_search.py (phrase and whole
words of the name first, the office's level, pinned favourites, everyday procedures, short
names; use count last); pinned favourites start with "[Ghim]". Enter takes the first match. Down in
the empty field lists the pinned favourites, then the most used procedures.

Typing clears the previous choice at once: when the text matches nothing, the line under the
field says so ("Không có thủ tục nào khớp …") and no procedure stays chosen
(``procedure_cleared`` fires whenever a chosen procedure is let go).
"""

from __future__ import annotations

import re
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCompleter, QLabel, QLineEdit, QVBoxLayout, QWidget

from counter_app import texts
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Procedure
from counter_app.domain.procedure_search import SearchPreferences
from counter_app.texts import catalogue as tc
from counter_app.texts import window as t

MAX_CHOICES = 15
_CODE_RE = re.compile(r"^\d[\d.]*$")


class ProcedureCatalogue(Protocol):
    """What the picker reads: the station's procedures (``ctx.store.reference`` provides it)."""

    def find_procedures(self, text: str, *, limit: int = ...) -> list[Procedure]: ...

    def procedure(self, code: str) -> Procedure | None: ...

    def search_preferences(self) -> SearchPreferences: ...


class ProcedurePicker(QWidget):
    """A line edit with a pop-up of ranked matches; Enter takes the first match.

    ``procedure_chosen(Procedure)`` fires when a procedure is picked; ``failed(DomainError)``
    when a typed code matches nothing (a typed name only says so under the field: the text is
    never repeated in a message, it may be a scanned ID card); ``procedure_cleared()`` when a
    chosen procedure is let go because the officer typed.
    """

    procedure_chosen = Signal(object)
    procedure_cleared = Signal()
    failed = Signal(object)

    def __init__(self, reference: ProcedureCatalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reference = reference
        self._matches: list[Procedure] = []
        self._by_label: dict[str, Procedure] = {}
        self._chosen: Procedure | None = None
        self._build_ui()
        self._connect_signals()
        self.reference.find_procedures("a", limit=1)  # folds every name once: keystrokes stay fast

    def _build_ui(self) -> None:
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("procedure_edit")
        self.search_edit.setPlaceholderText(t.PROCEDURE_PLACEHOLDER)
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.installEventFilter(self)
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
        self._set_matches([])
        self.search_edit.clear()
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

    def _label(self, procedure: Procedure, favourites: tuple[str, ...]) -> str:
        choice = t.procedure_choice(procedure.code, procedure.name)
        return tc.PROCEDURE_PINNED_MARK + choice if procedure.code in favourites else choice

    def _set_matches(self, matches: list[Procedure]) -> None:
        self._matches = matches
        favourites = self.reference.search_preferences().favourites if matches else ()
        self._by_label = {self._label(p, favourites): p for p in matches}
        self.choices.setStringList(list(self._by_label))
        if matches:
            self.completer.setCompletionPrefix("")
            self.completer.complete()
        else:
            self._hide_popup()

    def _let_go(self) -> None:
        if self._chosen is not None:
            self._chosen = None
            self.procedure_cleared.emit()

    def _on_search_edit_text_edited(self, text: str) -> None:
        self._let_go()
        if not text.strip():
            self._set_matches([])
            self.summary_label.setText(t.PROCEDURE_NONE)
            return
        self._set_matches(self.reference.find_procedures(text, limit=MAX_CHOICES))
        self.summary_label.setText(t.PROCEDURE_NONE if self._matches else tc.PROCEDURE_NO_MATCH)

    def show_favourites(self) -> None:
        """The pop-up of the empty field: pinned favourites first, then the most used."""
        self._set_matches(self.reference.find_procedures("", limit=MAX_CHOICES))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and not self.search_edit.text().strip()
        ):
            self.show_favourites()
            return True
        return super().eventFilter(watched, event)

    def _on_completer_activated(self, text: str) -> None:
        procedure = self._by_label.get(text)
        if procedure is not None:
            self.choose(procedure)

    def _on_search_edit_return_pressed(self) -> None:
        if self._chosen is not None:
            self.procedure_chosen.emit(self._chosen)
            return
        text = self.search_edit.text().strip()
        if not text:
            return
        found = self.reference.procedure(text) or (self._matches[0] if self._matches else None)
        if found is None:
            self.summary_label.setText(tc.PROCEDURE_NO_MATCH)
            if _CODE_RE.match(text):
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
