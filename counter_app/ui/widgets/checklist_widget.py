"""The document checklist: a table over ChecklistModel, with add / remove row buttons.

Keyboard: Space ticks or unticks the current paper in any column (it never starts editing a
title); F2 or a double click edits the form, the count, or the title of a paper added with
"Thêm giấy tờ" (catalogue titles are read-only). The tooltip of every cell is the catalogue's
legal text; papers only shown and conditional papers are marked (see ChecklistModel).
:meth:`ChecklistWidget.focus_table` is the shortcut target "go to the list".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.texts import window as t
from counter_app.ui.models.checklist_model import FORM, FORMS, NAME, RECEIVED, ChecklistModel

Index = QModelIndex | QPersistentModelIndex
_EDIT_TRIGGERS = (
    QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
)


class FormDelegate(QStyledItemDelegate):
    """Edits the document form (original, certified copy, ...) with a combo box."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> Any:
        combo = QComboBox(parent)
        for form in FORMS:
            combo.addItem(t.FORM_LABELS[form])
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(int(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentIndex(), Qt.ItemDataRole.EditRole)


class ChecklistWidget(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(t.DOCUMENTS_TITLE, parent)
        self.model = ChecklistModel(self)
        self.table = QTableView()
        self.table.setObjectName("checklist_table")
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(FORM, FormDelegate(self.table))
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(_EDIT_TRIGGERS)
        self.table.installEventFilter(self)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(RECEIVED, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(FORM, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.model.modelReset.connect(self.table.resizeRowsToContents)
        self.add_button = QPushButton(t.DOCUMENT_ADD)
        self.remove_button = QPushButton(t.DOCUMENT_REMOVE)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Space toggles the tick of the current row, whatever its column."""
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Space
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            current = self.table.currentIndex()
            if current.isValid():
                self.model.toggle_received(current.row())
            return True
        return super().eventFilter(watched, event)

    def focus_table(self) -> None:
        """Put the keyboard in the list, on the current (else the first) paper's tick."""
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, RECEIVED))

    def _on_add_button_clicked(self) -> None:
        row = self.model.add_item(t.DOCUMENT_NEW)
        index = self.model.index(row, NAME)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def _on_remove_button_clicked(self) -> None:
        self.model.remove_row(self.table.currentIndex().row())
