"""Sync details: last success, what waits (events, then scans and signed files), the last
error, and the refused events (DESIGN §7: a rejected event is shown to the officer, never
dropped silently)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app import texts
from counter_app.domain.errors import DomainError
from counter_app.sync.scheduler import SyncHealth
from counter_app.texts import conflicts as conflict_texts
from counter_app.texts import sync_status as s
from counter_app.texts import window as t
from counter_app.ui.models.rejected_table_model import RejectedTableModel
from counter_app.ui.sync_controller import SyncController


class SyncDialog(QDialog):
    """Non-blocking (``open()``); follows the controller while it stays open."""

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle(s.DETAILS_TITLE)
        self.setMinimumSize(760, 380)
        layout = QVBoxLayout(self)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summary_label")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        heading = QLabel(s.DETAILS_REJECTED_HEADING)
        heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(heading)
        self.model = RejectedTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("rejected_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(
            self.model.column_index("reason"), QHeaderView.ResizeMode.Stretch
        )
        layout.addWidget(self.table, 1)
        self.rejected_note = QLabel()
        self.rejected_note.setObjectName("rejected_note")
        self.rejected_note.setWordWrap(True)
        layout.addWidget(self.rejected_note)
        box = QDialogButtonBox()
        self.sync_button = box.addButton(s.ACTION_SYNC_NOW, QDialogButtonBox.ButtonRole.ActionRole)
        close = box.addButton(t.BUTTON_CLOSE, QDialogButtonBox.ButtonRole.RejectRole)
        close.setDefault(True)
        self.sync_button.clicked.connect(controller.sync_now)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        controller.health_changed.connect(self.show_health)
        self.show_health(controller.health)

    def show_health(self, health: SyncHealth) -> None:
        if not health.enrolled:
            lines = [s.NOT_ENROLLED_TIP]
        else:
            lines = [
                s.last_success_line(health.last_success),
                s.waiting_line(health.waiting, health.oldest_waiting_age),
                s.attachments_waiting_line(health.attachments_waiting),
            ]
            if health.last_attempt is not None and not health.last_ok and health.last_error:
                lines.append(texts.error_message(DomainError(health.last_error)))
            if health.clock_off and health.clock_skew is not None:
                lines.append(s.clock_warning(health.clock_skew))
            if health.conflicts:
                lines.append(conflict_texts.conflicts_line(health.conflicts))
        self.summary_label.setText("\n".join(lines))
        self.sync_button.setEnabled(health.enrolled and not self.controller.running)
        self.model.set_rows(health.rejected)
        self.rejected_note.setText(
            s.DETAILS_REJECTED_HELP if health.rejected else s.DETAILS_REJECTED_NONE
        )
