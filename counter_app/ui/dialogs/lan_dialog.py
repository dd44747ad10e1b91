"""Office LAN sync settings (admin, issue 15): pairing code and the fixed peer list.

The dialog shows whether the counter holds the office secret, shows the office's pairing code
on request (to type at another counter; made now for an office set up offline) and takes a
code shown at another counter, plus the fixed peer list (one ``host:port`` a line) for a
network that blocks multicast. Everything typed is checked before anything is written: a bad
code or address gets its Vietnamese sentence and the dialog stays open, nothing changed.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app import texts
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import lan as lan_service
from counter_app.services.station import StationContext
from counter_app.texts import lan as t
from counter_app.ui.buttons import dialog_buttons


class LanDialog(QDialog):
    def __init__(self, ctx: StationContext, *, officer: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.officer = officer
        self.setWindowTitle(t.DIALOG_TITLE)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.paired_label = QLabel()
        layout.addWidget(self.paired_label)
        layout.addWidget(QLabel(t.DIALOG_CODE))
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("lan_code_edit")
        self.code_edit.setPlaceholderText(t.PAIRING_PLACEHOLDER)
        layout.addWidget(self.code_edit)
        self.show_button = QPushButton(t.DIALOG_SHOW_CODE)
        self.show_button.setAutoDefault(False)
        self.show_button.clicked.connect(self.show_code)
        layout.addWidget(self.show_button)
        self.shown_code = QLineEdit()
        self.shown_code.setObjectName("lan_shown_code")
        self.shown_code.setReadOnly(True)
        self.shown_code.hide()
        layout.addWidget(self.shown_code)
        layout.addWidget(QLabel(t.DIALOG_FIXED))
        self.fixed_edit = QPlainTextEdit("\n".join(ctx.store.lan.fixed_peers()))
        self.fixed_edit.setObjectName("lan_fixed_edit")
        self.fixed_edit.setTabChangesFocus(True)
        layout.addWidget(self.fixed_edit)
        self.error_label = QLabel()
        self.error_label.setObjectName("lan_error_label")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        box, self.save_button, _ = dialog_buttons(self, accept_text=t.DIALOG_SAVE)
        layout.addWidget(box)
        self._refresh()

    def _refresh(self) -> None:
        paired = lan_service.is_paired(self.ctx)
        self.paired_label.setText(t.DIALOG_PAIRED if paired else t.DIALOG_NOT_PAIRED)

    def show_code(self) -> None:
        self.shown_code.setText(lan_service.pairing_code(self.ctx, by=self.officer))
        self.shown_code.show()
        self._refresh()

    def _fail(self, error: DomainError) -> None:
        self.error_label.setText(texts.error_message(error))
        self.error_label.show()

    def accept(self) -> None:
        code = self.code_edit.text().strip()
        wanted = [line.strip() for line in self.fixed_edit.toPlainText().splitlines()]
        wanted = [line for line in wanted if line]
        try:  # every value checked before anything is written
            if code and lan_service.normalise_code(code) is None:
                raise DomainError(ErrorCode.LAN_PAIRING_CODE_INVALID)
            addresses = [lan_service.check_address(a) for a in wanted]
        except DomainError as error:
            self._fail(error)
            return
        if code:
            lan_service.pair(self.ctx, code, by=self.officer)
        current = self.ctx.store.lan.fixed_peers()
        if sorted(set(addresses)) != current:
            lan_service.set_fixed_peers(
                self.ctx,
                add=[a for a in addresses if a not in current],
                remove=[a for a in current if a not in addresses],
                by=self.officer,
            )
        super().accept()
