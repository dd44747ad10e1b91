"""Log in (cached accounts, argon2, works offline) and unlock after the idle lock."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from counter_app import texts
from counter_app.domain.errors import DomainError
from counter_app.domain.models import Officer
from counter_app.services.officers import authenticate
from counter_app.services.station import StationContext
from counter_app.texts import window as t
from counter_app.ui.buttons import dialog_buttons


def error_label() -> QLabel:
    """The red, wrapping ``error_label`` of a form (the wizard's pages use it too)."""
    label = QLabel()
    label.setObjectName("error_label")
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    return label


class LoginDialog(QDialog):
    """Accepted only with a good password; :attr:`officer` is then the logged-in officer."""

    def __init__(self, ctx: StationContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.officer: Officer | None = None
        self.setWindowTitle(t.login_window_title(texts.APP_NAME))
        self.setMinimumWidth(440)
        heading = QLabel(t.LOGIN_HEADING)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        here = ctx.office()
        office = QLabel(t.login_office(here.unit_name, here.is_demo))
        office.setWordWrap(True)
        self.officer_combo = QComboBox()
        for officer in ctx.store.officers.all():
            if officer.active:
                label = t.officer_choice(officer.full_name, officer.username)
                self.officer_combo.addItem(label, officer.username)
        self.officer_combo.setEditable(False)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = error_label()
        note = QLabel(t.LOGIN_OFFLINE_NOTE)
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        form = QFormLayout()
        form.addRow(t.LOGIN_OFFICER, self.officer_combo)
        form.addRow(t.LOGIN_PASSWORD, self.password_edit)
        box, self.login_button, self.quit_button = dialog_buttons(
            self, accept_text=t.LOGIN_BUTTON, reject_text=t.LOGIN_QUIT
        )
        layout = QVBoxLayout(self)
        for widget in (heading, office):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(note)
        layout.addWidget(box)
        self.password_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def select_username(self, username: str) -> None:
        self.officer_combo.setCurrentIndex(max(0, self.officer_combo.findData(username)))

    def accept(self) -> None:
        username = self.officer_combo.currentData()
        try:
            self.officer = authenticate(
                self.ctx, username=username or "", password=self.password_edit.text()
            )
        except DomainError as exc:
            self.error_label.setText(texts.error_message(exc))
            self.password_edit.selectAll()
            self.password_edit.setFocus()
            return
        super().accept()


class LockDialog(QDialog):
    """The same officer's password unlocks; Escape does not. Quit is the only other way."""

    def __init__(
        self, ctx: StationContext, officer: Officer, *, minutes: int, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.officer = officer
        self.setWindowTitle(t.LOCK_TITLE)
        self.setModal(True)
        self.setMinimumWidth(440)
        prompt = QLabel(t.lock_prompt(officer.full_name, minutes))
        prompt.setWordWrap(True)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = error_label()
        box, self.unlock_button, self.quit_button = dialog_buttons(
            self, accept_text=t.LOCK_UNLOCK, reject_text=t.LOCK_QUIT
        )
        self.quit_button.clicked.connect(lambda: self.done(QDialog.DialogCode.Rejected))
        form = QFormLayout()
        form.addRow(t.LOGIN_PASSWORD, self.password_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(prompt)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(box)
        self.password_edit.setFocus()

    def reject(self) -> None:
        """Escape and the window's close button keep the screen locked."""

    def accept(self) -> None:
        try:
            authenticate(
                self.ctx, username=self.officer.username, password=self.password_edit.text()
            )
        except DomainError as exc:
            self.error_label.setText(texts.error_message(exc))
            self.password_edit.clear()
            return
        super().accept()
