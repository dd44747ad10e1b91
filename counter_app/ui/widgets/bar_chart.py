"""A plain horizontal bar chart drawn with QPainter (QtCharts is not in PySide6-Essentials)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR_HEIGHT = 24
GAP = 10
LABEL_WIDTH = 170
VALUE_WIDTH = 70


class BarChart(QWidget):
    """Bars of ``(label, value, colour)``; every bar carries its number, not colour alone."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.bars: list[tuple[str, int, str]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_bars(self, title: str, bars: Sequence[tuple[str, int, str]]) -> None:
        self.title = title
        self.bars = list(bars)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(520, 40 + len(self.bars) * (BAR_HEIGHT + GAP))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#263238"))
        painter.drawText(
            QRectF(8, 4, self.width() - 16, 24), Qt.AlignmentFlag.AlignLeft, self.title
        )
        font.setBold(False)
        painter.setFont(font)
        top = 34
        largest = max((value for _l, value, _c in self.bars), default=0) or 1
        room = max(10, self.width() - LABEL_WIDTH - VALUE_WIDTH - 24)
        for label, value, colour in self.bars:
            painter.setPen(QColor("#263238"))
            painter.drawText(
                QRectF(8, top, LABEL_WIDTH - 8, BAR_HEIGHT),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                label,
            )
            width = room * value / largest
            painter.fillRect(QRectF(LABEL_WIDTH, top + 3, width, BAR_HEIGHT - 6), QColor(colour))
            painter.drawText(
                QRectF(LABEL_WIDTH + width + 6, top, VALUE_WIDTH, BAR_HEIGHT),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                f"{value:,}".replace(",", "."),
            )
            top += BAR_HEIGHT + GAP
        painter.end()
