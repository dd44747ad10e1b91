"""The document checklist: a table over ChecklistModel, with add / remove row buttons."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
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

    def _on_add_button_clicked(self) -> None:
        row = self.model.add_item(t.DOCUMENT_NEW)
        index = self.model.index(row, NAME)
        self.table.setCurrentIndex(index)
        self.table.edit(index)

    def _on_remove_button_clicked(self) -> None:
        self.model.remove_row(self.table.currentIndex().row())
