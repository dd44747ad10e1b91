"""Diagnostic information (no personal data): shown read-only, copied to the clipboard."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.texts import support as ts
from counter_app.texts import window as t


class DiagnosticsDialog(QDialog):
    """Shows ``text``; "Sao chép" puts it on the clipboard (it is also copied on opening)."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(ts.DIAG_TITLE)
        self.setMinimumSize(760, 480)
        intro = QLabel(ts.DIAG_INTRO)
        intro.setWordWrap(True)
        self.text_edit = QPlainTextEdit(text)
        self.text_edit.setObjectName("diagnostics_text")
        self.text_edit.setReadOnly(True)
        self.text_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.status_label = QLabel()
        self.status_label.setObjectName("status_label")
        self.copy_button = QPushButton(ts.DIAG_COPY)
        self.copy_button.setDefault(True)  # Enter copies
        self.copy_button.clicked.connect(self.copy)
        close = QPushButton(t.BUTTON_CLOSE)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text_edit, 1)
        layout.addLayout(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text_edit.toPlainText())
        self.status_label.setText(ts.DIAG_COPIED)
