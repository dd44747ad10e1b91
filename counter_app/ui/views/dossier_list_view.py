"""Every dossier of the station, loaded page by page, with filters and quick filters."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app import texts
from counter_app.domain.changes import Changes
from counter_app.domain.dossier import Status
from counter_app.domain.dossier_query import DossierListQuery, DossierListRow, ListCursor, ListSort
from counter_app.domain.models import VN_TZ
from counter_app.services.station import StationContext
from counter_app.texts import followup as f
from counter_app.ui.models.columns import RecordRole
from counter_app.ui.models.dossier_list_model import RUNNING, DossierListModel, Today

QUICK_ALL, QUICK_TODAY, QUICK_NEXT, QUICK_OVERDUE = range(4)


def today_of(ctx: StationContext) -> Today:
    now = ctx.clock.now().astimezone(VN_TZ)
    return Today(now=now, next_working_day=ctx.calendar().next_working_day(now.date()))


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=VN_TZ)


def quick_query(base: DossierListQuery, quick: int, today: Today) -> DossierListQuery:
    """``base`` narrowed to a quick filter: running dossiers due later today, due by the next
    working day (after today), or overdue now (the three never overlap); ordered by due
    date, the most urgent first."""
    if quick == QUICK_ALL:
        return base
    day = today.now.date()
    statuses = base.statuses or RUNNING
    if quick == QUICK_TODAY:
        start, until = today.now, start_of(day + timedelta(days=1))  # earlier: overdue
    elif quick == QUICK_NEXT:
        start = start_of(day + timedelta(days=1))
        until = start_of(today.next_working_day + timedelta(days=1))
    else:
        start, until = None, today.now
    return replace(
        base,
        statuses=statuses,
        due_from=start,
        due_until=until,
        sort=ListSort.DUE,
        descending=False,
    )


class DossierListView(QWidget):
    """``dossier_activated(Dossier)`` when a row is opened (double-click or Enter)."""

    dossier_activated = Signal(object)

    def __init__(self, ctx: StationContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = DossierListModel(self._load_page, lambda: today_of(ctx), parent=self)
        self._build_filters()
        self.table = QTableView()
        self.table.setObjectName("dossier_list_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        samples = {
            "code": "000.00.19.H56-260213-000001",
            "applicant": "Nguyen Thi Thanh Huong",
            "received": "13/02/2026 17:00",
            "due": "13/02/2026 17:00",
            "deadline": f.overdue_days(365),
            "status": texts.STATUS_LABELS[Status.RECEIVED],
            "officer": "canbo",
        }
        for key, sample in samples.items():
            width = metrics.horizontalAdvance(sample) + 24
            self.table.setColumnWidth(self.model.column_index(key), width)
        header.setSectionResizeMode(
            self.model.column_index("procedure"), QHeaderView.ResizeMode.Stretch
        )
        header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._on_header_sort_indicator_changed)
        self.table.activated.connect(self._on_table_activated)
        layout = QVBoxLayout(self)
        layout.addLayout(self.quick_row)
        layout.addLayout(self.filter_row)
        layout.addLayout(self.date_row)
        layout.addWidget(self.table, 1)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        self.apply_filters()

    # --- widgets ------------------------------------------------------------------------------

    def _build_filters(self) -> None:
        self.quick_group = QButtonGroup(self)
        self.quick_row = QHBoxLayout()
        labels = (f.QUICK_ALL, f.QUICK_DUE_TODAY, f.QUICK_DUE_NEXT, f.QUICK_OVERDUE)
        for number, label in enumerate(labels):
            button = QPushButton(label)
            button.setCheckable(True)
            button.setObjectName(f"quick_{number}")
            self.quick_group.addButton(button, number)
            self.quick_row.addWidget(button)
        self.quick_group.button(QUICK_ALL).setChecked(True)
        self.quick_row.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setObjectName("list_count_label")
        self.status_combo = QComboBox()
        self.status_combo.addItem(f.FILTER_ALL, None)
        for status in Status:
            self.status_combo.addItem(texts.STATUS_LABELS[status], status)
        self.procedure_combo = QComboBox()
        self.officer_combo = QComboBox()
        self.dates_check = QCheckBox(f.FILTER_DATES)
        today = self.ctx.clock.now().astimezone(VN_TZ).date()
        self.from_edit = QDateEdit(QDate(today.year, today.month, 1))
        self.to_edit = QDateEdit(QDate(today.year, today.month, today.day))
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setEnabled(False)
        self.clear_button = QPushButton(f.FILTER_CLEAR)
        row = self.filter_row = QHBoxLayout()
        for caption, combo in (
            (f.FILTER_STATUS, self.status_combo),
            (f.FILTER_PROCEDURE, self.procedure_combo),
            (f.FILTER_OFFICER, self.officer_combo),
        ):
            row.addWidget(QLabel(caption))
            row.addWidget(combo)
        row.addStretch(1)
        dates = self.date_row = QHBoxLayout()
        for widget in (self.dates_check, self.from_edit, QLabel(f.FILTER_TO), self.to_edit):
            dates.addWidget(widget)
        dates.addWidget(self.clear_button)
        dates.addStretch(1)
        dates.addWidget(self.count_label)
        for combo in (self.status_combo, self.procedure_combo, self.officer_combo):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(14)
        self.procedure_combo.setMinimumContentsLength(22)
        self.refresh_choices()
        self.quick_group.idClicked.connect(lambda _id: self.apply_filters())
        for combo in (self.status_combo, self.procedure_combo, self.officer_combo):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.dates_check.toggled.connect(self._on_dates_check_toggled)
        for edit in (self.from_edit, self.to_edit):
            edit.dateChanged.connect(lambda _d: self.apply_filters())
        self.clear_button.clicked.connect(self.clear_filters)

    def refresh_choices(self) -> None:
        """Procedures in use and officers (kept selected when still there)."""
        for combo, items in (
            (
                self.procedure_combo,
                [(f.procedure_choice(c, n), c) for c, n in self._procedures()],
            ),
            (
                self.officer_combo,
                [(o.full_name, o.username) for o in self.ctx.store.officers.all()],
            ),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(f.FILTER_ALL, None)
            for text, value in items:
                combo.addItem(text, value)
            found = combo.findData(current)
            combo.setCurrentIndex(max(found, 0))
            combo.blockSignals(False)

    def _procedures(self) -> list[tuple[str, str]]:
        return self.ctx.store.dossiers.procedures_in_use()

    # --- filtering ----------------------------------------------------------------------------

    def query(self) -> DossierListQuery:
        """The query of the filters on screen (order: the header's, or the quick filter's)."""
        status = self.status_combo.currentData()
        base = DossierListQuery(
            statuses=(status,) if status is not None else (),
            procedure_code=self.procedure_combo.currentData(),
            officer=self.officer_combo.currentData(),
            sort=self.model.query.sort,
            descending=self.model.query.descending,
        )
        if self.dates_check.isChecked():
            start: date = self.from_edit.date().toPython()  # type: ignore[assignment]
            end: date = self.to_edit.date().toPython()  # type: ignore[assignment]
            base = replace(
                base,
                received_from=start_of(start),
                received_until=start_of(end + timedelta(days=1)),
            )
        quick = self.quick_group.checkedId()
        return quick_query(base, quick, today_of(self.ctx))

    def apply_filters(self) -> None:
        self.model.set_query(self.query())
        self._show_sort_indicator()

    def set_quick(self, quick: int) -> None:
        self.quick_group.button(quick).setChecked(True)
        self.apply_filters()

    def clear_filters(self) -> None:
        for combo in (self.status_combo, self.procedure_combo, self.officer_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.dates_check.blockSignals(True)
        self.dates_check.setChecked(False)
        self.dates_check.blockSignals(False)
        self._on_dates_check_toggled(False, apply=False)
        self.quick_group.button(QUICK_ALL).setChecked(True)
        self.model.query = DossierListQuery()
        self.apply_filters()

    def _on_dates_check_toggled(self, checked: bool, *, apply: bool = True) -> None:
        self.from_edit.setEnabled(checked)
        self.to_edit.setEnabled(checked)
        if apply:
            self.apply_filters()

    def _show_sort_indicator(self) -> None:
        header = self.table.horizontalHeader()
        order = (
            Qt.SortOrder.DescendingOrder
            if self.model.query.descending
            else (Qt.SortOrder.AscendingOrder)
        )
        header.blockSignals(True)
        header.setSortIndicator(self.model.sort_column(), order)
        header.blockSignals(False)
        header.viewport().update()

    def _on_header_sort_indicator_changed(self, _column: int, _order: Qt.SortOrder) -> None:
        self._show_sort_indicator()  # columns the store cannot order by keep the current order

    def _load_page(
        self, query: DossierListQuery, after: ListCursor | None, limit: int
    ) -> tuple[list[DossierListRow], ListCursor | None]:
        return self.ctx.store.dossiers.list_page(query, after=after, limit=limit)

    def _update_count(self, *_args: object) -> None:
        rows = self.model.rowCount()
        self.count_label.setText(f.list_count(rows, self.model.has_more) if rows else f.LIST_EMPTY)

    # --- opening and refreshing ---------------------------------------------------------------

    def focus(self) -> None:
        self.table.setFocus()

    def _on_table_activated(self, index: QModelIndex) -> None:
        row: DossierListRow = index.data(RecordRole)
        dossier = self.ctx.store.dossiers.by_uuid(row.uuid)
        if dossier is not None:
            self.dossier_activated.emit(dossier)

    def on_changes(self, changes: Changes) -> None:
        if changes.dossiers:
            self.refresh_choices()
            self.model.reload()
