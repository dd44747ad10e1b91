"""The "Xung đột" tab: every open conflict, both actions, who, where and when.

The table lists one row per action set aside; below it the selected conflict is told in
full: the action set aside and the applied one it clashed with, each with the officer's
name, the station and the time, and why. Enter (or the button) asks to settle it
(``settle_requested``); officers see that only a leader may.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.conflicts import OpenConflict
from counter_app.texts import conflicts as c
from counter_app.ui.conflicts_model import ConflictTableModel, action_card

_CARD = "QFrame#{name} {{ border: 1px solid {border}; border-radius: 4px; background: {bg}; }}"


def _card(name: str, title: str, border: str, bg: str) -> tuple[QFrame, QLabel]:
    frame = QFrame()
    frame.setObjectName(name)
    frame.setStyleSheet(_CARD.format(name=name, border=border, bg=bg))
    heading = QLabel(title)
    heading.setStyleSheet("font-weight: bold; border: none; background: transparent;")
    body = QLabel()
    body.setObjectName(f"{name}_text")
    body.setWordWrap(True)
    body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    body.setStyleSheet("border: none; background: transparent;")
    body.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    layout = QVBoxLayout(frame)
    layout.addWidget(heading)
    layout.addWidget(body)
    layout.addStretch(1)
    return frame, body


class ConflictsView(QWidget):
    """``settle_requested(conflict)`` and ``open_requested(dossier uuid)``."""

    settle_requested = Signal(object)
    open_requested = Signal(str)
    refresh_requested = Signal()

    def __init__(self, *, may_settle: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ConflictTableModel(self)
        self._build_ui()
        self._connect_signals()
        self.set_may_settle(may_settle)
        self.show_conflicts([])

    def _build_ui(self) -> None:
        intro = QLabel(c.LIST_INTRO)
        intro.setWordWrap(True)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("conflicts_summary")
        self.summary_label.setStyleSheet("font-weight: bold;")
        self.leader_label = QLabel(c.LEADER_ONLY)
        self.leader_label.setObjectName("conflicts_leader_only")
        self.leader_label.setStyleSheet("color: #5c3c00;")
        self.table = QTableView()
        self.table.setObjectName("conflicts_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for key, width in (
            ("code", 220),
            ("applicant", 160),
            ("status", 170),
            ("set_aside", 300),
            ("clashed", 300),
        ):
            self.table.setColumnWidth(self.model.column_index(key), width)
        self.set_aside_card, self.set_aside_text = _card(
            "conflict_set_aside", c.DETAIL_SET_ASIDE, "#c62828", "#fff3f3"
        )
        self.clashed_card, self.clashed_text = _card(
            "conflict_clashed", c.DETAIL_CLASHED, "#2e7d32", "#f2fbf2"
        )
        self.reason_label = QLabel()
        self.reason_label.setObjectName("conflict_reason")
        self.reason_label.setWordWrap(True)
        cards = QGridLayout()
        cards.addWidget(self.set_aside_card, 0, 0)
        cards.addWidget(self.clashed_card, 0, 1)
        cards.setColumnStretch(0, 1)
        cards.setColumnStretch(1, 1)
        self.settle_button = QPushButton(c.SETTLE_BUTTON)
        self.settle_button.setObjectName("conflict_settle_button")
        self.open_button = QPushButton(c.OPEN_BUTTON)
        self.refresh_button = QPushButton(c.REFRESH_BUTTON)
        buttons = QHBoxLayout()
        buttons.addWidget(self.settle_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.leader_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(cards)
        layout.addWidget(self.reason_label)
        layout.addLayout(buttons)

    def _connect_signals(self) -> None:
        self.table.activated.connect(self._on_table_activated)
        selection = self.table.selectionModel()
        selection.selectionChanged.connect(self._on_selection_changed)
        selection.currentRowChanged.connect(lambda *_a: self._show_selected())
        self.settle_button.clicked.connect(self._on_settle_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.refresh_button.clicked.connect(self.refresh_requested)

    # --- content ------------------------------------------------------------------------------

    def set_may_settle(self, may_settle: bool) -> None:
        """Officers see that only a leader settles (the button stays, and says so)."""
        self.leader_label.setVisible(not may_settle)

    def show_conflicts(self, conflicts: list[OpenConflict]) -> None:
        """Show ``conflicts``, keeping the selected one when it is still open."""
        kept = self.selected()
        self.model.set_rows(conflicts)
        dossiers = len({x.dossier_uuid for x in conflicts})
        self.summary_label.setText(
            c.list_summary(len(conflicts), dossiers) if conflicts else c.LIST_EMPTY
        )
        row = 0
        if kept is not None:
            row = next(
                (i for i, x in enumerate(conflicts) if x.action == kept.action),
                0,
            )
        if conflicts:
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.model.index(row, 0))
        self._show_selected()

    def selected(self) -> OpenConflict | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row_at(index.row())

    def focus(self) -> None:
        self.table.setFocus()

    def _show_selected(self) -> None:
        conflict = self.selected()
        has = conflict is not None
        for widget in (self.settle_button, self.open_button):
            widget.setEnabled(has)
        self.set_aside_card.setVisible(has)
        self.clashed_card.setVisible(has)
        if conflict is None:
            self.reason_label.clear()
            return
        self.set_aside_text.setText(action_card(conflict.action))
        self.clashed_text.setText(action_card(conflict.clashed))
        self.reason_label.setText(f"{c.CLI_REASON}: {c.reason_label(conflict.reason)}")

    # --- slots --------------------------------------------------------------------------------

    def _on_selection_changed(self, _selected: QItemSelection, _old: QItemSelection) -> None:
        self._show_selected()

    def _on_table_activated(self, _index: QModelIndex) -> None:
        self._on_settle_button_clicked()

    def _on_settle_button_clicked(self) -> None:
        conflict = self.selected()
        if conflict is not None:
            self.settle_requested.emit(conflict)

    def _on_open_button_clicked(self) -> None:
        conflict = self.selected()
        if conflict is not None:
            self.open_requested.emit(conflict.dossier_uuid)
