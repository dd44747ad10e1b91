"""Show the pages of a slip PDF as images, with a print button."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QLabel, QScrollArea, QVBoxLayout, QWidget

from counter_app.texts import window as t
from counter_app.ui.buttons import dialog_buttons


class PreviewDialog(QDialog):
    """``print_requested`` fires when the officer asks to print what is shown."""

    print_requested = Signal()

    def __init__(self, images: list[QImage], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(t.PREVIEW_TITLE)
        self.resize(720, 700)
        pages = QWidget()
        pages.setStyleSheet("background: #808080;")
        column = QVBoxLayout(pages)
        self.page_labels: list[QLabel] = []
        for image in images:
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            column.addWidget(label)
            self.page_labels.append(label)
        scroll = QScrollArea()
        scroll.setWidget(pages)
        scroll.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        box, self.print_button, _ = dialog_buttons(
            self, accept_text=t.PREVIEW_PRINT, reject_text=t.BUTTON_CLOSE
        )
        layout.addWidget(box)

    def accept(self) -> None:
        self.print_requested.emit()
        super().accept()
