"""The dossier list: a lazily loaded table (pages of light rows through keyset queries).

``canFetchMore``/``fetchMore`` pull the next page when the view scrolls near the end, so a
station with a million dossiers shows its first rows at once; sorting re-queries the store
(the order of a million rows cannot come from the rows loaded so far). Rows due soon and
overdue are marked with a colour and with words in their own column, never colour alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from counter_app import texts
from counter_app.domain.dossier import Status
from counter_app.domain.dossier_query import DossierListQuery, DossierListRow, ListCursor, ListSort
from counter_app.texts import followup as f
from counter_app.texts import window as t
from counter_app.ui.models.columns import Column, ColumnTableModel, Index, RecordRole

PAGE_SIZE = 200
RUNNING = (Status.RECEIVED, Status.IN_PROGRESS, Status.AWAITING_PAYMENT)
LoadPage = Callable[
    [DossierListQuery, ListCursor | None, int], tuple[list[DossierListRow], ListCursor | None]
]


class Deadline(Enum):
    NONE = "none"
    PAUSED = "paused"
    NEXT = "next"
    TODAY = "today"
    OVERDUE = "overdue"


COLOURS = {
    Deadline.OVERDUE: ("#ffd6d6", "#8b0000"),
    Deadline.TODAY: ("#ffe9b3", "#5c3c00"),
    Deadline.NEXT: ("#fff6d6", "#5c4a00"),
}


@dataclass(frozen=True, slots=True)
class Today:
    """The moment the marks are judged at, and the next working day after it."""

    now: datetime
    next_working_day: date


@dataclass(frozen=True, slots=True)
class ListLine:
    row: DossierListRow
    deadline: Deadline
    late_days: int = 0


def judge(row: DossierListRow, today: Today) -> ListLine:
    """The deadline mark of ``row`` at ``today.now`` (only running dossiers have one)."""
    if row.status is Status.SUPPLEMENT_REQUESTED:
        return ListLine(row, Deadline.PAUSED)
    if row.status not in RUNNING or row.due_at is None:
        return ListLine(row, Deadline.NONE)
    due = row.due_at
    if due < today.now:
        return ListLine(row, Deadline.OVERDUE, (today.now.date() - due.date()).days)
    if due.date() == today.now.date():
        return ListLine(row, Deadline.TODAY)
    if due.date() <= today.next_working_day:
        return ListLine(row, Deadline.NEXT)
    return ListLine(row, Deadline.NONE)


def deadline_text(line: ListLine) -> str:
    return {
        Deadline.NONE: "",
        Deadline.PAUSED: f.DEADLINE_PAUSED,
        Deadline.NEXT: f.DEADLINE_NEXT,
        Deadline.TODAY: f.DEADLINE_TODAY,
        Deadline.OVERDUE: f.overdue_days(line.late_days),
    }[line.deadline]


SORT_OF_COLUMN = {
    "code": ListSort.CODE,
    "received": ListSort.RECEIVED,
    "due": ListSort.DUE,
    "deadline": ListSort.DUE,
}


class DossierListModel(ColumnTableModel[ListLine]):
    """Rows of :class:`ListLine`; ``RecordRole`` gives the :class:`DossierListRow`."""

    columns = (
        Column("code", t.COL_CODE, lambda x: x.row.code or t.NO_CODE),
        Column("applicant", t.COL_APPLICANT, lambda x: x.row.applicant_name),
        Column("procedure", t.COL_PROCEDURE, lambda x: x.row.procedure_name),
        Column("received", t.COL_RECEIVED, lambda x: t.short_datetime(x.row.received_at)),
        Column("due", t.COL_DUE, lambda x: t.short_datetime(x.row.due_at)),
        Column("deadline", f.COL_DEADLINE, deadline_text),
        Column("status", t.COL_STATUS, lambda x: texts.STATUS_LABELS[x.row.status]),
        Column("officer", f.COL_OFFICER, lambda x: x.row.officer),
    )

    def __init__(
        self,
        load_page: LoadPage,
        today: Callable[[], Today],
        *,
        page_size: int = PAGE_SIZE,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.load_page = load_page
        self.today = today
        self.page_size = page_size
        self.query = DossierListQuery()
        self._cursor: ListCursor | None = None
        self._more = False
        self._today = today()

    # --- loading ------------------------------------------------------------------------------

    def set_query(self, query: DossierListQuery) -> None:
        """Show ``query``'s rows from the start: the first page now, the rest on demand."""
        self.query = query
        self.reload()

    def reload(self) -> None:
        self._today = self.today()
        rows, cursor = self.load_page(self.query, None, self.page_size)
        self.beginResetModel()
        self._rows = [judge(r, self._today) for r in rows]
        self._cursor, self._more = cursor, cursor is not None
        self.endResetModel()

    @property
    def has_more(self) -> bool:
        return self._more

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more:
            return
        rows, cursor = self.load_page(self.query, self._cursor, self.page_size)
        self._cursor, self._more = cursor, cursor is not None
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(judge(r, self._today) for r in rows)
        self.endInsertRows()

    # --- sorting ------------------------------------------------------------------------------

    def sort_column(self) -> int:
        key = {ListSort.CODE: "code", ListSort.RECEIVED: "received", ListSort.DUE: "due"}
        return self.column_index(key[self.query.sort])

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Re-query in the order of ``column`` (code, received or due); others are ignored."""
        if not 0 <= column < len(self.columns):
            return
        sort = SORT_OF_COLUMN.get(self.columns[column].key)
        if sort is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (sort, descending) != (self.query.sort, self.query.descending):
            self.set_query(replace(self.query, sort=sort, descending=descending))

    # --- display ------------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == RecordRole:  # the light row, not the line
            return self._rows[index.row()].row
        line = self._rows[index.row()]
        colours = COLOURS.get(line.deadline)
        if role == Qt.ItemDataRole.BackgroundRole and colours:
            return QBrush(QColor(colours[0]))
        if role == Qt.ItemDataRole.ForegroundRole and colours:
            return QBrush(QColor(colours[1]))
        return super().data(index, role)

    def line_at(self, row: int) -> ListLine:
        return self._rows[row]
