"""The pages of one document as a column of thumbnails: reorder by dragging or Ctrl+arrows,
rotate with R, remove with Delete. The strip never edits pages itself: it says what the officer
asked for, the owner changes its draft and shows the strip again (one source of truth)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QDropEvent, QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QWidget

from counter_app.texts import digitisation_ui as td

THUMB_SIZE = QSize(120, 150)
GRID_SIZE = QSize(150, 184)


def pixmap_from_png(data: bytes) -> QPixmap:
    """A pixmap of PNG (or any Qt-readable) bytes; an empty pixmap when unreadable."""
    pixmap = QPixmap()
    pixmap.loadFromData(data)
    return pixmap


def insertion_to_destination(source: int, slot: int) -> int:
    """Where page ``source`` ends up when dropped in gap ``slot`` (0 = before the first page)."""
    return slot if slot <= source else slot - 1


class PageStrip(QListWidget):
    """``page_moved(from, to)``, ``rotate_requested(i)``, ``remove_requested(i)`` and
    ``current_page_changed(i)`` (``-1`` when nothing is selected)."""

    page_moved = Signal(int, int)
    rotate_requested = Signal(int)
    remove_requested = Signal(int)
    current_page_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page_strip")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)  # the draft reorders, not the view
        self.setFlow(QListView.Flow.TopToBottom)
        self.setWrapping(False)
        self.setIconSize(THUMB_SIZE)
        self.setGridSize(GRID_SIZE)
        self.setWordWrap(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        scrollbar = self.verticalScrollBar().sizeHint().width()
        self.setFixedWidth(GRID_SIZE.width() + scrollbar + 2 * self.frameWidth() + 4)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.currentRowChanged.connect(self.current_page_changed)

    def set_pages(self, thumbnails: list[bytes], *, current: int = -1) -> None:
        """Show ``thumbnails`` (PNG bytes, in page order) and select page ``current``."""
        blocked = self.blockSignals(True)
        self.clear()
        for number, png in enumerate(thumbnails, start=1):
            item = QListWidgetItem(QIcon(pixmap_from_png(png)), td.page_caption(number))
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            item.setToolTip(td.page_caption(number))
            self.addItem(item)
        self.blockSignals(blocked)
        if thumbnails:
            row = min(max(current, 0), len(thumbnails) - 1)
            self.setCurrentRow(row)
            self.scrollToItem(self.item(row))
        self.current_page_changed.emit(self.currentRow())

    def current_page(self) -> int:
        return self.currentRow() if self.count() else -1

    def move_current(self, step: int) -> None:
        row = self.current_page()
        target = row + step
        if row >= 0 and 0 <= target < self.count():
            self.page_moved.emit(row, target)

    def rotate_current(self) -> None:
        if self.current_page() >= 0:
            self.rotate_requested.emit(self.current_page())

    def remove_current(self) -> None:
        if self.current_page() >= 0:
            self.remove_requested.emit(self.current_page())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if ctrl and key in (Qt.Key.Key_Up, Qt.Key.Key_Left):
            self.move_current(-1)
        elif ctrl and key in (Qt.Key.Key_Down, Qt.Key.Key_Right):
            self.move_current(1)
        elif key == Qt.Key.Key_R and not ctrl:
            self.rotate_current()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove_current()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # --- dragging ---------------------------------------------------------------------------

    def slot_at(self, pos: QPoint) -> int:
        """The gap a drop at ``pos`` falls into: before the page under it, or after it when
        the drop is on the page's lower half; after the last page when on empty space."""
        index = self.indexAt(pos)
        if not index.isValid():
            return self.count()
        rect = self.visualRect(index)
        return index.row() + (1 if pos.y() > rect.center().y() else 0)

    def dropEvent(self, event: QDropEvent) -> None:
        source = self.current_page()
        if event.source() is not self or source < 0:
            event.ignore()
            return
        # Copy, so the view removes nothing after the drag; the owner rebuilds the strip.
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        target = insertion_to_destination(source, self.slot_at(event.position().toPoint()))
        if target != source:
            self.page_moved.emit(source, target)
