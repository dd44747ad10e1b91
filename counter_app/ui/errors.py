"""The only place that builds an error dialog: DomainError codes become Vietnamese sentences."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from counter_app import texts
from counter_app.domain.errors import DomainError
from counter_app.texts import window as t

log = logging.getLogger(__name__)


def message_for(exc: BaseException) -> str:
    """The sentence shown for ``exc``: the code's message, or a generic one (logged)."""
    if isinstance(exc, DomainError):
        return texts.error_message(exc)
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    return t.UNEXPECTED_ERROR


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.addButton(t.BUTTON_CLOSE, QMessageBox.ButtonRole.AcceptRole)
    box.setObjectName("message_box")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """Show ``exc`` in a window-modal box that does not block the event loop; return it."""
    return _box(parent, QMessageBox.Icon.Warning, t.ERROR_TITLE, message_for(exc))


def show_info(parent: QWidget | None, text: str) -> QMessageBox:
    return _box(parent, QMessageBox.Icon.Information, t.INFO_TITLE, text)
