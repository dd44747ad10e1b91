"""Search dossiers: a scanned slip barcode (the code + Enter) opens the dossier directly."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from counter_app.domain.codes import looks_like_code
from counter_app.domain.errors import DomainError
from counter_app.services.lookup import search
from counter_app.services.station import StationContext
from counter_app.texts import window as t
from counter_app.ui.errors import message_for
from counter_app.ui.views.dossier_table import DossierTable


class SearchView(QWidget):
    dossier_activated = Signal(object)

    def __init__(self, ctx: StationContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search_edit")
        self.search_edit.setPlaceholderText(t.SEARCH_PLACEHOLDER)
        self.search_edit.setClearButtonEnabled(True)
        self.search_button = QPushButton(t.SEARCH_BUTTON)
        self.result_label = QLabel()
        self.result_label.setObjectName("result_label")
        self.table = DossierTable()
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.search_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.result_label)
        layout.addWidget(self.table, 1)
        self.search_edit.returnPressed.connect(self.run_search)
        self.search_button.clicked.connect(self.run_search)
        self.table.dossier_activated.connect(self.dossier_activated)

    def focus(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def run_search(self) -> None:
        text = self.search_edit.text()
        try:
            rows = search(self.ctx, text)
        except DomainError as exc:
            self.result_label.setText(message_for(exc))
            self.table.set_rows([])
            return
        self.table.set_rows(rows)
        self.result_label.setText(t.search_count(len(rows)))
        if len(rows) == 1 and looks_like_code(text):
            self.dossier_activated.emit(rows[0])
            self.search_edit.selectAll()
