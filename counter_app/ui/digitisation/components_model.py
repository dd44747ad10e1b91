"""The document components of a dossier with their electronic copy and its signature."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from counter_app.texts import digitisation_ui as td
from counter_app.texts.signing import SIGNATURE_STATUS_LABELS

Index = QModelIndex | QPersistentModelIndex
RecordRole = Qt.ItemDataRole.UserRole + 1
GOOD = QColor("#1b5e20")
WARN = QColor("#8a5a00")
BAD = QColor("#b00020")
GREY = QColor("#616161")
STATUS_COLOURS = {"valid": GOOD, "valid_untrusted": WARN, "modified": BAD, "invalid": BAD}


@dataclass(frozen=True)
class Validity:
    """What checking a component's PDF found: a status value of ``SignatureStatus``."""

    status: str
    signers: tuple[str, ...] = ()


def _name(record: Any) -> str:
    return str(record.name) + (td.REQUIRED_MARK if getattr(record, "required", False) else "")


def _copy(record: Any) -> str:
    return td.state_digitised(record.pages) if record.digitised else td.STATE_NOT_DIGITISED


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    text: Callable[[Any, Validity | None], str]


def _signature(record: Any, validity: Validity | None) -> str:
    if not record.digitised or not record.signed:
        return td.SIGNATURE_NONE
    # Signatures stack: once checked, every signer of the signed copy, in signing order.
    names = ", ".join(validity.signers) if validity is not None and validity.signers else ""
    who = td.signed_by(names or record.signed_by or "")
    if validity is None:
        return td.signature_state(who, td.SIGNATURE_CHECKING)
    label = SIGNATURE_STATUS_LABELS.get(validity.status, validity.status)
    return td.signature_state(who, label)


COLUMNS = (
    Column("name", td.COMPONENT_COLUMNS[0], lambda r, _v: _name(r)),
    Column("copy", td.COMPONENT_COLUMNS[1], lambda r, _v: _copy(r)),
    Column("signature", td.COMPONENT_COLUMNS[2], _signature),
)
NAME, COPY, SIGNATURE = range(3)


class ComponentsModel(QAbstractTableModel):
    """Rows are the service's component records; validity arrives later, per component."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._validity: dict[int, Validity] = {}

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._validity = {}
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def record(self, row: int) -> Any | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def set_validity(self, component: int, validity: Validity) -> None:
        self._validity[component] = validity
        for row, record in enumerate(self._rows):
            if record.index == component:
                cell = self.index(row, SIGNATURE)
                self.dataChanged.emit(cell, cell)

    def validity(self, component: int) -> Validity | None:
        return self._validity.get(component)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._rows[index.row()]
        validity = self._validity.get(record.index)
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return COLUMNS[column].text(record, validity)
        if role == RecordRole:
            return record
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(record, validity, column)
        return None

    def _colour(self, record: Any, validity: Validity | None, column: int) -> QBrush | None:
        if column == COPY and not record.digitised:
            return QBrush(GREY)
        if column == SIGNATURE:
            if validity is None:
                return QBrush(GREY)
            return QBrush(STATUS_COLOURS.get(validity.status, GREY))
        return None
