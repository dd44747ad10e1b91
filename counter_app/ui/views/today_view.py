"""Today's dossiers at this station, newest first; refreshed when dossiers change."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from counter_app.domain.changes import Changes
from counter_app.domain.dossier import Dossier
from counter_app.texts import window as t
from counter_app.ui.views.dossier_table import DossierTable


class TodayView(QWidget):
    dossier_activated = Signal(object)

    def __init__(
        self, load_rows: Callable[[], list[Dossier]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.load_rows = load_rows
        heading = QLabel(t.TODAY_HEADING)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.count_label = QLabel()
        self.refresh_button = QPushButton(t.TODAY_REFRESH)
        self.table = DossierTable()
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addWidget(self.count_label)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.dossier_activated.connect(self.dossier_activated)
        self.refresh()

    def refresh(self) -> None:
        rows = self.load_rows()
        self.table.set_rows(rows)
        self.table.sortByColumn(
            self.table.source.column_index("received"), Qt.SortOrder.DescendingOrder
        )
        self.count_label.setText(t.today_count(len(rows)))

    def on_changes(self, changes: Changes) -> None:
        if changes.dossiers:
            self.refresh()
