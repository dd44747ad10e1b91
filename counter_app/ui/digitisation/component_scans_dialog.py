"""The electronic copy of one document component: scan, add files, watch the scanner's folder,
order, rotate and remove pages with a large preview, then save them as one PDF.

Every page edit goes through the service's page draft; the strip and the preview are redrawn
from it, so what the officer sees is what "Lưu" stores. Scanning runs on its own worker lane
(a scanner can take half a minute, the window stays usable, slips keep printing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QPixmap, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.errors import DomainError
from counter_app.services import digitisation
from counter_app.services.station import StationContext
from counter_app.texts import digitisation_ui as td
from counter_app.texts import window as t
from counter_app.ui.digitisation import devices
from counter_app.ui.digitisation.page_strip import PageStrip, pixmap_from_png
from counter_app.ui.digitisation.preferences import WorkstationPreferences
from counter_app.ui.errors import message_for, show_error
from counter_app.ui.workers import run_in_background

SCANNER_LANE = "scanner"
FOLDER_POLL_MS = 1_500
THUMB_PX = 160
PREVIEW_PX = 1100
DIALOG_SIZE = (1100, 720)
ERROR_STYLE = "color: #b00020;"
INFO_STYLE = "color: #1b5e20;"


class ComponentScansDialog(QDialog):
    """Non-modal. ``saved(Changes)`` fires once per stored electronic copy."""

    saved = Signal(object)

    def __init__(
        self,
        ctx: StationContext,
        *,
        dossier_uuid: str,
        component: int,
        name: str,
        officer: str,
        preferences: WorkstationPreferences | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dossier_uuid = dossier_uuid
        self.component = component
        self.component_name = name
        self.officer = officer
        self.preferences = preferences or WorkstationPreferences.of_station(ctx)
        self.draft = digitisation.ScanDraft()
        self.dirty = False
        self.seen: dict[str, tuple[int, int] | None] = {}
        self.watcher = QFileSystemWatcher(self)
        self.folder_timer = QTimer(self)
        self.folder_timer.setInterval(FOLDER_POLL_MS)
        self._closing = False
        self._preview: tuple[int, QPixmap] | None = None  # (row, full-size preview)
        self.setWindowTitle(f"{td.SCANS_TITLE}: {name}")
        self._build_ui()
        self._connect_signals()
        self._load_stored()
        self.show_pages(current=0)
        self._fit_to_screen()
        if self.page_count():
            self.strip.setFocus()  # R, Delete and Ctrl+arrows work at once
        else:
            self.add_files_button.setFocus()
        self._show_folder_state()
        self.refresh_scanners()

    # --- building -----------------------------------------------------------------------------

    def _build_ui(self) -> None:
        heading = QLabel(td.scans_heading(self.component_name))
        heading.setObjectName("scans_heading")
        heading.setWordWrap(True)
        heading.setStyleSheet("font-weight: bold; font-size: 13pt;")
        self.count_label = QLabel()
        self.count_label.setObjectName("page_count_label")
        self.count_label.setWordWrap(True)  # the empty-state sentence must not widen the dialog
        self.scanner_combo = QComboBox()
        self.scanner_combo.setObjectName("scanner_combo")
        self.scanner_combo.setMinimumWidth(220)
        self.refresh_scanners_button = QPushButton(td.SCANNER_REFRESH)
        self.scan_button = QPushButton(td.BUTTON_SCAN)
        self.add_files_button = QPushButton(td.BUTTON_ADD_FILES)
        self.folder_button = QPushButton(td.BUTTON_SCANNER_FOLDER)
        self.folder_button.setCheckable(True)
        self.choose_folder_button = QPushButton(td.BUTTON_CHOOSE_FOLDER)
        self.folder_label = QLabel()
        self.folder_label.setObjectName("folder_label")
        self.folder_label.setWordWrap(True)
        sources = QHBoxLayout()
        sources.addWidget(QLabel(td.SCANNER_LABEL))
        sources.addWidget(self.scanner_combo)
        sources.addWidget(self.refresh_scanners_button)
        sources.addWidget(self.scan_button)
        sources.addSpacing(16)
        sources.addWidget(self.add_files_button)
        sources.addStretch(1)
        folder_row = QHBoxLayout()  # its own line: the top row fits 1366 px at 125 % scaling
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.folder_button)
        folder_row.addWidget(self.choose_folder_button)
        self.preview_label = QLabel(td.PREVIEW_EMPTY)
        self.preview_label.setObjectName("preview_label")
        self.preview_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_scroll = QScrollArea()
        self.preview_scroll.setWidget(self.preview_label)
        self.preview_scroll.setWidgetResizable(True)
        self.preview_scroll.setStyleSheet("QScrollArea { background: #808080; }")
        self.preview_label.setStyleSheet("background: #808080; color: white;")
        self.strip = PageStrip()
        self.move_left_button = QPushButton(td.BUTTON_MOVE_LEFT)
        self.move_right_button = QPushButton(td.BUTTON_MOVE_RIGHT)
        self.rotate_button = QPushButton(td.BUTTON_ROTATE)
        self.remove_button = QPushButton(td.BUTTON_REMOVE_PAGE)
        page_actions = QHBoxLayout()
        page_actions.addWidget(self.count_label, 1)
        for button in (
            self.move_left_button,
            self.move_right_button,
            self.rotate_button,
            self.remove_button,
        ):
            page_actions.addWidget(button)
        preview_column = QVBoxLayout()
        preview_column.addWidget(self.preview_scroll, 1)
        preview_column.addLayout(page_actions)
        pages = QHBoxLayout()
        pages.addWidget(self.strip)
        pages.addLayout(preview_column, 1)
        self.message_label = QLabel()
        self.message_label.setObjectName("message_label")
        self.message_label.setWordWrap(True)
        self.save_button = QPushButton(td.BUTTON_SAVE_SCANS)
        self.save_button.setDefault(True)
        self.save_button.setMinimumHeight(34)
        self.close_button = QPushButton(t.BUTTON_CLOSE)
        self.close_button.setMinimumHeight(34)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message_label, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(sources)
        layout.addLayout(folder_row)
        layout.addLayout(pages, 1)
        layout.addLayout(bottom)

    def _fit_to_screen(self) -> None:
        """1100 × 720, but never taller or wider than the screen's free area (1366 × 768 with
        a taskbar leaves about 728 px, and the title bar needs its share)."""
        width, height = DIALOG_SIZE
        screen = self.screen()
        if screen is not None:
            free = screen.availableGeometry()
            width = min(width, free.width() - 40)
            height = min(height, free.height() - 60)
        self.resize(max(width, self.minimumSizeHint().width()), height)

    def _connect_signals(self) -> None:
        self.strip.current_page_changed.connect(self._on_strip_current_page_changed)
        self.strip.page_moved.connect(self.move_page)
        self.strip.rotate_requested.connect(self.rotate_page)
        self.strip.remove_requested.connect(self.remove_page)
        self.move_left_button.clicked.connect(lambda: self.strip.move_current(-1))
        self.move_right_button.clicked.connect(lambda: self.strip.move_current(1))
        self.rotate_button.clicked.connect(self.strip.rotate_current)
        self.remove_button.clicked.connect(self.strip.remove_current)
        self.scan_button.clicked.connect(self.scan)
        self.refresh_scanners_button.clicked.connect(self.refresh_scanners)
        self.add_files_button.clicked.connect(self._on_add_files_button_clicked)
        self.folder_button.toggled.connect(self._on_folder_button_toggled)
        self.choose_folder_button.clicked.connect(self._on_choose_folder_button_clicked)
        self.watcher.directoryChanged.connect(lambda _path: self.pick_up_folder())
        self.folder_timer.timeout.connect(self.pick_up_folder)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        for keys, slot in (
            ("Ctrl+O", self._on_add_files_button_clicked),
            ("Ctrl+S", self.save),
            ("Ctrl+Q", self.scan),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)

    def _load_stored(self) -> None:
        """Start from the component's stored scan (unsigned), so it can be corrected."""
        try:
            stored = digitisation.component_pdf(
                self.ctx, self.dossier_uuid, self.component, signed=False
            )
            if stored is not None:
                self.draft.add_file(stored, f"{self.component_name}.pdf")
        except DomainError as exc:
            self.show_message(message_for(exc), error=True)

    # --- showing the draft --------------------------------------------------------------------

    def page_count(self) -> int:
        return len(self.draft)

    def show_pages(self, *, current: int) -> None:
        """Redraw the strip (and so the preview) from the draft, selecting page ``current``."""
        self._preview = None
        thumbnails = self.draft.thumbnails(THUMB_PX)
        self.strip.set_pages(thumbnails, current=current)
        count = len(thumbnails)
        self.count_label.setText(td.page_count(count) if count else td.PAGES_EMPTY)
        for button in (self.rotate_button, self.remove_button):
            button.setEnabled(count > 0)
        self._on_strip_current_page_changed(self.strip.current_page())
        self.save_button.setEnabled(self.dirty and count > 0)

    def _on_strip_current_page_changed(self, row: int) -> None:
        count = self.page_count()
        self.move_left_button.setEnabled(row > 0)
        self.move_right_button.setEnabled(0 <= row < count - 1)
        if row < 0 or row >= count:
            self.preview_label.setPixmap(QPixmap())
            self.preview_label.setText(td.PREVIEW_EMPTY)
            return
        self._show_preview(row)

    def _show_preview(self, row: int) -> None:
        if self._preview is None or self._preview[0] != row:
            self._preview = (row, pixmap_from_png(self.draft.thumbnail(row, PREVIEW_PX)))
        pixmap = self._preview[1]
        viewport = self.preview_scroll.viewport().size()
        target = viewport.shrunkBy(self.preview_scroll.contentsMargins()) * 0.98
        if not pixmap.isNull() and target.isValid():
            pixmap = pixmap.scaled(
                target,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        self.preview_label.setText("")
        self.preview_label.setPixmap(pixmap)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.strip.current_page() >= 0:
            self._show_preview(self.strip.current_page())

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message_label.setStyleSheet(ERROR_STYLE if error else INFO_STYLE)
        self.message_label.setText(text)

    def _changed(self, *, current: int, note: str = "") -> None:
        self.dirty = True
        self.show_pages(current=current)
        self.show_message(note or td.UNSAVED_NOTE)

    # --- page edits ---------------------------------------------------------------------------

    def move_page(self, source: int, target: int) -> None:
        self._edit(lambda: self.draft.move(source, target), current=target)

    def rotate_page(self, row: int) -> None:
        self._edit(lambda: self.draft.rotate(row, 90), current=row)

    def remove_page(self, row: int) -> None:
        self._edit(lambda: self.draft.remove(row), current=min(row, self.page_count() - 2))

    def _edit(self, change: Any, *, current: int) -> None:
        try:
            change()
        except DomainError as exc:
            self.show_message(message_for(exc), error=True)
            return
        self._changed(current=current)

    def add_files(self, paths: list[Path]) -> int:
        """Append the pages of ``paths`` in order; a bad file is refused alone (the others and
        the pages already there stay). Returns the number of pages added."""
        before = self.page_count()
        failures: list[BaseException] = []
        for path in paths:
            try:
                self.draft.add_files([path])
            except DomainError as exc:
                failures.append(exc)
        added = self.page_count() - before
        if added:
            self._changed(current=before, note=td.files_added(added))
        if failures:
            self.show_message(message_for(failures[0]), error=True)
        return added

    def _on_add_files_button_clicked(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, td.ADD_FILES_TITLE, "", td.ADD_FILES_FILTER)
        if names:
            self.add_files([Path(n) for n in names])

    # --- scanner ------------------------------------------------------------------------------

    def refresh_scanners(self) -> None:
        self.scanner_combo.clear()
        self.scan_button.setEnabled(False)
        run_in_background(
            devices.list_scanners,
            on_success=self._on_scanners_listed,
            on_error=lambda _exc: self._on_scanners_listed([]),
            lane=SCANNER_LANE,
        )

    def _on_scanners_listed(self, scanners: list[Any]) -> None:
        if self._closing:
            return
        self.scanner_combo.clear()
        for scanner in scanners:
            self.scanner_combo.addItem(scanner.label, scanner.id)
        if not scanners:
            self.scanner_combo.addItem(td.SCANNER_NONE, None)
        wanted = self.scanner_combo.findData(self.preferences.scanner_id)
        if wanted >= 0:
            self.scanner_combo.setCurrentIndex(wanted)
        self.scan_button.setEnabled(bool(scanners))

    def scan(self) -> None:
        scanner_id = self.scanner_combo.currentData()
        if not scanner_id or not self.scan_button.isEnabled():
            return
        self.preferences.scanner_id = scanner_id
        self.scan_button.setEnabled(False)
        self.show_message(td.SCANNING)
        run_in_background(
            lambda: devices.scan(scanner_id),
            on_success=self._on_scanned,
            on_error=self._on_scan_failed,
            parent=self,
            progress_label=td.SCANNING,
            lane=SCANNER_LANE,
        )

    def _on_scanned(self, images: list[Any]) -> None:
        self.scan_button.setEnabled(True)
        if self._closing:
            return
        before = self.page_count()
        dpi = images[0].info.get("dpi", (0,))[0] if images else 0
        try:
            self.draft.add_images(images, dpi=float(dpi or 0))
        except DomainError as exc:
            self.show_message(message_for(exc), error=True)
            return
        self._changed(current=before, note=td.files_added(self.page_count() - before))

    def _on_scan_failed(self, exc: BaseException) -> None:
        self.scan_button.setEnabled(True)
        self.show_message(message_for(exc), error=True)

    # --- watched scanner folder ---------------------------------------------------------------

    def _show_folder_state(self) -> None:
        folder = self.preferences.scanner_folder
        on = self.folder_button.isChecked() and folder is not None
        self.folder_label.setText(td.folder_watching(str(folder)) if on else td.FOLDER_OFF)
        if folder is not None and not on:
            self.folder_label.setText(td.folder_idle(str(folder)))

    def watch_folder(self, folder: Path) -> None:
        """Start watching ``folder``: files already there are ignored, new ones become pages."""
        self.stop_watching()
        self.preferences.scanner_folder = folder
        self.seen = {}
        try:  # two looks: files already there (and complete) are not new, they are skipped
            digitisation.new_scans(folder, self.seen)
            digitisation.new_scans(folder, self.seen)
        except DomainError as exc:
            self.show_message(message_for(exc), error=True)
            self.folder_button.setChecked(False)
            return
        self.watcher.addPath(str(folder))
        self.folder_timer.start()
        blocked = self.folder_button.blockSignals(True)
        self.folder_button.setChecked(True)
        self.folder_button.blockSignals(blocked)
        self._show_folder_state()

    def stop_watching(self) -> None:
        self.folder_timer.stop()
        if self.watcher.directories():
            self.watcher.removePaths(self.watcher.directories())
        blocked = self.folder_button.blockSignals(True)
        self.folder_button.setChecked(False)
        self.folder_button.blockSignals(blocked)
        self._show_folder_state()

    def pick_up_folder(self) -> int:
        """Add the files that appeared in the watched folder since the last look."""
        folder = self.preferences.scanner_folder
        if folder is None or not self.folder_button.isChecked():
            return 0
        try:
            found = digitisation.new_scans(folder, self.seen)
        except DomainError as exc:
            self.show_message(message_for(exc), error=True)
            return 0
        if not found:
            return 0
        added = self.add_files(list(found))
        if added:
            self.show_message(td.folder_picked(len(found), folder.name or str(folder)))
        return added

    def _on_folder_button_toggled(self, checked: bool) -> None:
        if not checked:
            self.stop_watching()
            return
        folder = self.preferences.scanner_folder
        if folder is None:
            self._on_choose_folder_button_clicked()
        else:
            self.watch_folder(folder)

    def _on_choose_folder_button_clicked(self) -> None:
        start = str(self.preferences.scanner_folder or "")
        chosen = QFileDialog.getExistingDirectory(self, td.FOLDER_TITLE, start)
        if chosen:
            self.watch_folder(Path(chosen))
        else:
            self.stop_watching()

    # --- saving and closing -------------------------------------------------------------------

    def save(self) -> bool:
        """Store the pages as the component's electronic copy (one PDF); True when stored."""
        if self.page_count() == 0:
            self.show_message(td.PAGES_EMPTY, error=True)
            return False
        try:
            _record, changes = digitisation.attach_component(
                self.ctx,
                self.dossier_uuid,
                self.component,
                self.draft,
                officer=self.officer,
            )
        except DomainError as exc:
            show_error(self, exc)
            return False
        self.dirty = False
        self.show_pages(current=self.strip.current_page())
        self.show_message(td.SAVED_NOTE)
        self.saved.emit(changes)
        return True

    def reject(self) -> None:
        if self.dirty and not self._closing:
            self._ask_discard()
            return
        self._finish()
        super().reject()

    def _ask_discard(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Question, td.DISCARD_TITLE, td.DISCARD_TEXT)
        box.setParent(self, box.windowFlags())
        discard = box.addButton(td.BUTTON_DISCARD, QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(td.BUTTON_KEEP_EDITING, QMessageBox.ButtonRole.RejectRole)
        box.setObjectName("discard_box")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def on_finished(_result: int) -> None:
            if box.clickedButton() is discard:
                self.dirty = False
                self.reject()

        box.finished.connect(on_finished)
        box.open()
        self.discard_box = box
        return box

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.dirty and not self._closing:
            event.ignore()
            self._ask_discard()
            return
        self._finish()
        super().closeEvent(event)

    def _finish(self) -> None:
        self._closing = True
        self.stop_watching()
