"""The document checklist of a reception: received tick, name, form, count (all editable)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from counter_app.domain.models import DocumentForm, DocumentItem
from counter_app.texts import window as t

Index = QModelIndex | QPersistentModelIndex
RECEIVED, NAME, FORM, COUNT = range(4)
FORMS = tuple(DocumentForm)


class ChecklistModel(QAbstractTableModel):
    """Rows are :class:`DocumentItem`; the first column is a check box."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[DocumentItem] = []

    def set_items(self, items: tuple[DocumentItem, ...] | list[DocumentItem]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def items(self) -> tuple[DocumentItem, ...]:
        return tuple(i for i in self._items if i.name.strip())

    def missing(self) -> list[str]:
        return [i.name for i in self.items() if not i.received]

    def add_item(self, name: str) -> int:
        row = len(self._items)
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.append(DocumentItem(name=name, received=True))
        self.endInsertRows()
        return row

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._items):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._items[row]
            self.endRemoveRows()

    def set_received(self, row: int, received: bool) -> None:
        self.setData(
            self.index(row, RECEIVED),
            Qt.CheckState.Checked if received else Qt.CheckState.Unchecked,
            Qt.ItemDataRole.CheckStateRole,
        )

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
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item, column = self._items[index.row()], index.column()
        if column == RECEIVED and role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if item.received else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.EditRole and column == FORM:
            return FORMS.index(item.form)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return {NAME: item.name, FORM: t.FORM_LABELS[item.form], COUNT: item.count}.get(column)
        if role == Qt.ItemDataRole.ToolTipRole and column == NAME:
            return item.name
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        row, column = index.row(), index.column()
        item = self._items[row]
        if column == RECEIVED and role == Qt.ItemDataRole.CheckStateRole:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            item = replace(item, received=checked)
        elif role == Qt.ItemDataRole.EditRole and column == NAME:
            item = replace(item, name=" ".join(str(value).split()))
        elif role == Qt.ItemDataRole.EditRole and column == FORM:
            item = replace(item, form=FORMS[int(value)])
        elif role == Qt.ItemDataRole.EditRole and column == COUNT:
            item = replace(item, count=max(1, min(99, int(value))))
        else:
            return False
        self._items[row] = item
        self.dataChanged.emit(index, index)
        return True
