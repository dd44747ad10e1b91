"""The document checklist of a reception: received tick, title, form, count.

Rows are :class:`DocumentItem`. What the officer sees of a paper is its short title
(``DocumentItem.label``); the catalogue's legal text is the tooltip of every cell and stays in
the dossier. Papers only shown (xuất trình) carry a "Xuất trình" mark after the title;
conditional papers are in italics with "nếu có trường hợp". Titles are read-only, except the
papers the officer added with "Thêm giấy tờ"; an edit to an empty title keeps the old one (a
paper never disappears because of an edit). The form and the count stay editable.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from counter_app.domain.models import DocumentForm, DocumentItem
from counter_app.texts import catalogue as tc
from counter_app.texts import window as t

Index = QModelIndex | QPersistentModelIndex
RECEIVED, NAME, FORM, COUNT = range(4)
FORMS = tuple(DocumentForm)


class ChecklistModel(QAbstractTableModel):
    """Rows are :class:`DocumentItem`; the first column is a check box."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[DocumentItem] = []
        self._added: list[bool] = []

    def set_items(self, items: tuple[DocumentItem, ...] | list[DocumentItem]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._added = [False] * len(self._items)
        self.endResetModel()

    def items(self) -> tuple[DocumentItem, ...]:
        return tuple(i for i in self._items if i.name.strip())

    def missing(self) -> list[str]:
        """The titles of the papers not ticked (for the supplement request)."""
        return [i.label for i in self.items() if not i.received]

    def item(self, row: int) -> DocumentItem:
        return self._items[row]

    def is_added(self, row: int) -> bool:
        return 0 <= row < len(self._added) and self._added[row]

    def add_item(self, name: str) -> int:
        row = len(self._items)
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.append(DocumentItem(name=name, received=True))
        self._added.append(True)
        self.endInsertRows()
        return row

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._items):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._items[row]
            del self._added[row]
            self.endRemoveRows()

    def set_received(self, row: int, received: bool) -> None:
        self.setData(
            self.index(row, RECEIVED),
            Qt.CheckState.Checked if received else Qt.CheckState.Unchecked,
            Qt.ItemDataRole.CheckStateRole,
        )

    def toggle_received(self, row: int) -> None:
        if 0 <= row < len(self._items):
            self.set_received(row, not self._items[row].received)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(t.DOCUMENT_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return t.DOCUMENT_COLUMNS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == RECEIVED:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == NAME and not self.is_added(index.row()):
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def _title(self, item: DocumentItem) -> str:
        return tc.paper_title(item.label, show_only=item.show_only, conditional=item.conditional)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item, column = self._items[index.row()], index.column()
        if column == RECEIVED and role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if item.received else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.EditRole and column == FORM:
            return FORMS.index(item.form)
        if role == Qt.ItemDataRole.EditRole and column == NAME:
            return item.label
        if role == Qt.ItemDataRole.DisplayRole:
            return {NAME: self._title(item), FORM: t.FORM_LABELS[item.form], COUNT: item.count}.get(
                column
            )
        if role == Qt.ItemDataRole.EditRole:
            return {COUNT: item.count}.get(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tc.paper_tooltip(
                item.name, show_only=item.show_only, conditional=item.conditional
            )
        if role == Qt.ItemDataRole.FontRole and column == NAME and item.conditional:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        row, column = index.row(), index.column()
        item = self._items[row]
        if column == RECEIVED and role == Qt.ItemDataRole.CheckStateRole:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            item = replace(item, received=checked)
        elif role == Qt.ItemDataRole.EditRole and column == NAME and self.is_added(row):
            name = " ".join(str(value).split())
            if not name:
                return False
            item = replace(item, name=name, title="")
        elif role == Qt.ItemDataRole.EditRole and column == FORM:
            item = replace(item, form=FORMS[int(value)])
        elif role == Qt.ItemDataRole.EditRole and column == COUNT:
            item = replace(item, count=max(1, min(99, int(value))))
        else:
            return False
        self._items[row] = item
        self.dataChanged.emit(self.index(row, RECEIVED), self.index(row, COUNT))
        return True
