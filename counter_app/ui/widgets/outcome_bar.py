"""What happened to the last saved dossier, and its slip: print again, preview, new dossier."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from counter_app.texts import window as t


class OutcomeBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcome_bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#outcome_bar { background: #e8f4ea; }")
        self.title_label = QLabel()
        self.title_label.setObjectName("outcome_title")
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.note_label = QLabel()
        self.note_label.setObjectName("outcome_note")
        self.note_label.setWordWrap(True)
        self.print_button = QPushButton(t.BUTTON_PRINT_AGAIN)
        self.preview_button = QPushButton(t.BUTTON_PREVIEW)
        self.new_button = QPushButton(t.BUTTON_NEW)
        texts_column = QVBoxLayout()
        texts_column.addWidget(self.title_label)
        texts_column.addWidget(self.note_label)
        row = QHBoxLayout(self)
        row.addLayout(texts_column, 1)
        for button in (self.print_button, self.preview_button, self.new_button):
            row.addWidget(button)
        self.hide()

    def show_saved(self, title: str) -> None:
        self.title_label.setText(title)
        self.note_label.setText(t.PRINTING)
        self.setStyleSheet("#outcome_bar { background: #e8f4ea; }")
        self.show()

    def set_printed(self, pages: int) -> None:
        """The printer confirmed the slip's job (``pages`` pages: both liên of a receipt)."""
        self.note_label.setText(t.printed_note(pages))
        self.setStyleSheet("#outcome_bar { background: #e8f4ea; }")

    def set_print_failed(self) -> None:
        self.note_label.setText(t.PRINT_FAILED_NOTE)
        self.setStyleSheet("#outcome_bar { background: #fdecea; }")
