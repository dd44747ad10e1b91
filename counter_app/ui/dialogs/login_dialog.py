"""Log in (cached accounts, argon2, works offline) and unlock after a lock.

Keyboard: the focus starts in the password field, Enter logs in (or unlocks), Esc leaves the
login (the lock screen stays locked on Esc); Thoát is never the default button. The lock
screen says why it locked (no activity for N minutes, or Ctrl+L) and lets another officer
log in instead (pick the officer, type their password): the window then works for them.
"""

from __future__ import annotations

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


def officer_combo(ctx: StationContext) -> QComboBox:
    """The active officers of the station, shown by full name and login."""
    combo = QComboBox()
    for officer in ctx.store.officers.all():
        if officer.active:
            combo.addItem(t.officer_choice(officer.full_name, officer.username), officer.username)
    combo.setEditable(False)
    return combo


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
        self.officer_combo = officer_combo(ctx)
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
            self, accept_text=t.LOGIN_BUTTON, reject_text=t.LOGIN_QUIT, focus=self.password_edit
        )
        layout = QVBoxLayout(self)
        for widget in (heading, office):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(note)
        layout.addWidget(box)

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
    """A password unlocks: the same officer's, or another officer's (switch of user).

    ``minutes`` None means the officer locked the screen (Ctrl+L); otherwise the idle lock
    after that many minutes. Escape and the close button keep the screen locked; Thoát ứng
    dụng is the only other way out. Once accepted, :attr:`officer` is who unlocked.
    """

    def __init__(
        self,
        ctx: StationContext,
        officer: Officer,
        *,
        minutes: int | None,
        parent: QWidget | None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.locked_officer = officer
        self.officer = officer
        self.setWindowTitle(t.LOCK_TITLE)
        self.setModal(True)
        self.setMinimumWidth(440)
        text = (
            t.lock_prompt_manual(officer.full_name)
            if minutes is None
            else t.lock_prompt(officer.full_name, minutes)
        )
        self.prompt_label = QLabel(text)
        self.prompt_label.setObjectName("lock_prompt")
        self.prompt_label.setWordWrap(True)
        self.officer_combo = officer_combo(ctx)
        self.officer_combo.setCurrentIndex(max(0, self.officer_combo.findData(officer.username)))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = error_label()
        switch_note = QLabel(t.LOCK_SWITCH_NOTE)
        switch_note.setWordWrap(True)
        switch_note.setStyleSheet("color: #555;")
        box, self.unlock_button, self.quit_button = dialog_buttons(
            self, accept_text=t.LOCK_UNLOCK, reject_text=t.LOCK_QUIT, focus=self.password_edit
        )
        self.quit_button.clicked.connect(lambda: self.done(QDialog.DialogCode.Rejected))
        form = QFormLayout()
        form.addRow(t.LOGIN_OFFICER, self.officer_combo)
        form.addRow(t.LOGIN_PASSWORD, self.password_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(switch_note)
        layout.addWidget(box)
        self.officer_combo.currentIndexChanged.connect(self._on_officer_combo_changed)

    def reject(self) -> None:
        """Escape and the window's close button keep the screen locked."""

    def switched(self) -> bool:
        """True when another officer than the one locked out unlocked the screen."""
        return self.officer.username != self.locked_officer.username

    def accept(self) -> None:
        username = self.officer_combo.currentData() or ""
        try:
            self.officer = authenticate(
                self.ctx, username=username, password=self.password_edit.text()
            )
        except DomainError as exc:
            self.error_label.setText(texts.error_message(exc))
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        super().accept()

    def _on_officer_combo_changed(self, _index: int) -> None:
        self.password_edit.clear()
        self.error_label.clear()
