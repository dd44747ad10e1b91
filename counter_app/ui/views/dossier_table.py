"""A sortable table of dossiers (today's list, search results) that opens a dossier."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from counter_app.domain.dossier import Dossier
from counter_app.ui.models.columns import RecordRole, SortRole
from counter_app.ui.models.dossier_table_model import DossierTableModel


class DossierTable(QTableView):
    """Double-click or Enter on a row emits ``dossier_activated(Dossier)``."""

    dossier_activated = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = DossierTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.source)
        self.proxy.setSortRole(SortRole)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)  # the service's order (newest first) until a header is clicked
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(
            self.source.column_index("procedure"), QHeaderView.ResizeMode.Stretch
        )
        self.activated.connect(self._on_activated)

    def set_rows(self, rows: list[Dossier]) -> None:
        self.source.set_rows(rows)

    def _on_activated(self, index: QModelIndex) -> None:
        self.dossier_activated.emit(index.data(RecordRole))
