"""Restore from a backup: the list of backups with what each holds, then a confirmation.

The dialog only lists and confirms; the restore itself (stop background work, close the
store, restore, reopen) is done by :class:`counter_app.ui.backup_controller.BackupController`
when :attr:`BackupDialog.restore_confirmed` fires.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_app import texts
from counter_app.domain.errors import DomainError
from counter_app.domain.models import VN_TZ
from counter_app.services.maintenance import BackupEntry
from counter_app.texts import support as ts
from counter_app.texts import window as t
from counter_app.ui.buttons import dialog_buttons

Index = QModelIndex | QPersistentModelIndex
KIND, MADE_AT, DOSSIERS, LAST_CODE, PLACE = range(5)
EntryRole = Qt.ItemDataRole.UserRole + 1


def made_at_text(entry: BackupEntry) -> str:
    return entry.made_at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M:%S")


class BackupTableModel(QAbstractTableModel):
    """Rows are :class:`BackupEntry` (newest first)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[BackupEntry] = []

    def set_rows(self, entries: list[BackupEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> BackupEntry:
        return self._entries[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ts.RESTORE_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ts.RESTORE_COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        if role == EntryRole:
            return entry
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == DOSSIERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == KIND:
            return ts.BACKUP_KIND_LABELS.get(entry.kind, entry.kind)
        if column == MADE_AT:
            return made_at_text(entry)
        if column == PLACE:
            return ts.RESTORE_PLACE_EXTRA if entry.in_extra_dir else ts.RESTORE_PLACE_DATA
        if entry.info is None:
            return ts.RESTORE_SEALED if entry.sealed else ts.RESTORE_UNREADABLE
        if column == DOSSIERS:
            return str(entry.info.dossiers)
        return entry.info.last_code or ts.RESTORE_NO_CODE


class BackupDialog(QDialog):
    """Lists backups (data folder and second folder); emits the one the officer confirmed."""

    restore_confirmed = Signal(object)  # BackupEntry

    def __init__(self, entries: list[BackupEntry], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(ts.RESTORE_TITLE)
        self.setMinimumSize(820, 420)
        self.confirm_box: QMessageBox | None = None
        self.model = BackupTableModel(self)
        self.model.set_rows(entries)
        self._build_ui(empty=not entries)
        if entries:
            self.table.selectRow(0)

    def _build_ui(self, *, empty: bool) -> None:
        intro = QLabel(ts.RESTORE_EMPTY if empty else ts.RESTORE_INTRO)
        intro.setObjectName("intro_label")
        intro.setWordWrap(True)
        self.table = QTableView()
        self.table.setObjectName("backup_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.ask_confirmation())
        self.restore_button = QPushButton(ts.RESTORE_BUTTON)
        self.restore_button.setEnabled(not empty)
        self.restore_button.clicked.connect(self.ask_confirmation)
        close = QPushButton(t.BUTTON_CLOSE)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def selected(self) -> BackupEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    def ask_confirmation(self) -> QMessageBox | None:
        """Show what the chosen backup holds; "Khôi phục" emits ``restore_confirmed``."""
        entry = self.selected()
        if entry is None or (entry.info is None and not entry.sealed):
            return None
        info = entry.info
        kind = ts.BACKUP_KIND_LABELS.get(entry.kind, entry.kind)
        text = (
            ts.restore_confirm(
                kind,
                made_at_text(entry),
                info.dossiers,
                info.last_code or ts.RESTORE_NO_CODE,
                info.office or "-",
            )
            if info is not None
            else ts.restore_confirm_sealed(kind, made_at_text(entry))
        )
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            ts.RESTORE_CONFIRM_TITLE,
            text,
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setObjectName("restore_confirm_box")
        yes = box.addButton(ts.RESTORE_CONFIRM_YES, QMessageBox.ButtonRole.AcceptRole)
        no = box.addButton(ts.RESTORE_CONFIRM_NO, QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.confirm_box = box
        self.confirm_yes_button = yes

        def on_clicked(button: QAbstractButton) -> None:
            self.confirm_box = None
            if box.buttonRole(button) == QMessageBox.ButtonRole.AcceptRole:
                self.accept()
                self.restore_confirmed.emit(entry)

        box.buttonClicked.connect(on_clicked)
        box.open()
        return box


class PassphraseDialog(QDialog):
    """The office backup passphrase: typed twice to set it, once to open a sealed backup.

    ``check`` receives the passphrase when the officer confirms; a ``DomainError`` it raises
    is shown in the dialog (which stays open, nothing changed); otherwise the dialog closes
    and :attr:`passphrase` holds what was typed.
    """

    def __init__(
        self,
        *,
        intro: str,
        twice: bool,
        check: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(ts.PASSPHRASE_TITLE)
        self.check = check
        self.passphrase = ""
        label = QLabel(intro)
        label.setWordWrap(True)
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setObjectName("passphrase_edit")
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.again_edit: QLineEdit | None = None
        form = QFormLayout()
        form.addRow(ts.PASSPHRASE_LABEL, self.passphrase_edit)
        if twice:
            self.again_edit = QLineEdit()
            self.again_edit.setObjectName("passphrase_again_edit")
            self.again_edit.setEchoMode(QLineEdit.EchoMode.Password)
            form.addRow(ts.PASSPHRASE_AGAIN_LABEL, self.again_edit)
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setWordWrap(True)
        box, self.ok_button, _cancel = dialog_buttons(
            self, accept_text=ts.PASSPHRASE_OK, focus=self.passphrase_edit
        )
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(box)

    def accept(self) -> None:
        typed = self.passphrase_edit.text()
        if self.again_edit is not None and self.again_edit.text() != typed:
            self.error_label.setText(ts.PASSPHRASE_DIFFER)
            self.again_edit.selectAll()
            self.again_edit.setFocus()
            return
        try:
            self.check(typed)
        except DomainError as exc:
            self.error_label.setText(texts.error_message(exc))
            self.passphrase_edit.selectAll()
            self.passphrase_edit.setFocus()
            return
        self.passphrase = typed
        super().accept()
