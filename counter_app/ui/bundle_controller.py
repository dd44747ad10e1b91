"""The window's USB sync bundle actions (issue 15 item 2): "Xuất gói đồng bộ…" and "Nhập gói
trả về…" in the Đồng bộ menu (Ctrl+Shift+U / Ctrl+Shift+R, and the menu's Alt keys).

Each asks for the file in Qt's own file dialog (keyboard: type the path, Enter), runs the
export or import on a worker thread with the station opened on that thread's connection (as
the background sync does), shows a progress dialog with what is being done and how far, and
ends with the Vietnamese summary of what was done, or the refusal's message (nothing
changed). It owns no logic: ``sync.usb_bundle`` does the work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from counter_app.domain.changes import Changes
from counter_app.domain.clock import Clock
from counter_app.services.station import StationContext, opened_station
from counter_app.sync.usb_bundle import (
    ExportReport,
    ImportReport,
    export_bundle,
    import_return,
    next_bundle_name,
)
from counter_app.texts import bundles as t
from counter_app.ui.errors import show_error, show_info
from counter_app.ui.workers import SYNC_LANE, run_in_background


@dataclass(frozen=True, slots=True)
class BundleJob:
    """What the worker runs: plain data in, a report out (no widget)."""

    data_dir: Path
    mirror_dir: Path
    clock: Clock
    path: Path
    export: bool
    progress: Callable[[str, int, int], None]

    def __call__(self) -> ExportReport | ImportReport:
        with opened_station(self.data_dir, mirror_dir=self.mirror_dir, clock=self.clock) as ctx:
            if self.export:
                return export_bundle(ctx, self.path, progress=self.progress)
            return import_return(ctx, self.path, progress=self.progress)


class _Progress(QObject):
    """Progress from the worker thread to the dialog (queued to the GUI thread)."""

    moved = Signal(str, int, int)


class BundleController(QObject):
    """The two actions and their dialogs; ``finished`` carries the report or the error."""

    finished = Signal(object)

    def __init__(
        self,
        ctx: StationContext,
        window: QWidget,
        *,
        on_changes: Callable[[Changes], None] | None = None,
    ) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.on_changes = on_changes
        self.dialog: QFileDialog | None = None
        self.progress_dialog: QProgressDialog | None = None
        self.running = False
        self.export_action = self._action(t.MENU_EXPORT, t.SHORTCUT_EXPORT, self.ask_export)
        self.import_action = self._action(t.MENU_IMPORT, t.SHORTCUT_IMPORT, self.ask_import)

    def _action(self, text: str, keys: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        return action

    def actions(self) -> list[QAction]:
        return [self.export_action, self.import_action]

    # --- asking for the file ------------------------------------------------------------------

    def _file_dialog(self, title: str, *, save: bool) -> QFileDialog:
        dialog = QFileDialog(self.window, title, str(Path.home()), t.FILE_FILTER)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)  # keyboard, tests
        dialog.setAcceptMode(
            QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen
        )
        dialog.setFileMode(
            QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile
        )
        dialog.setDefaultSuffix("qmcsync")
        dialog.setObjectName("bundle_file_dialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        return dialog

    def ask_export(self) -> None:
        if self.running:
            return
        dialog = self._file_dialog(t.DIALOG_EXPORT_TITLE, save=True)
        dialog.selectFile(next_bundle_name(self.ctx))
        dialog.fileSelected.connect(lambda name: self.start(Path(name), export=True))
        dialog.open()

    def ask_import(self) -> None:
        if self.running:
            return
        dialog = self._file_dialog(t.DIALOG_IMPORT_TITLE, save=False)
        dialog.fileSelected.connect(lambda name: self.start(Path(name), export=False))
        dialog.open()

    # --- running ----------------------------------------------------------------------------

    def start(self, path: Path, *, export: bool) -> None:
        """Run the export (or import) of ``path`` on a worker, with a progress dialog."""
        self.dialog = None
        self.running = True
        label = t.PROGRESS_EXPORT if export else t.PROGRESS_IMPORT
        progress = QProgressDialog(label, "", 0, 0, self.window)
        progress.setCancelButton(None)
        progress.setWindowTitle(t.DONE_TITLE)
        progress.setObjectName("bundle_progress")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.show()
        self.progress_dialog = progress
        relay = _Progress(self)

        def moved(what: str, done: int, total: int) -> None:
            progress.setLabelText(f"{label}\n{what}: {done}/{total}" if total else label)
            progress.setMaximum(max(total, 0))
            progress.setValue(min(done, total) if total else 0)

        relay.moved.connect(moved)
        store = self.ctx.store
        job = BundleJob(
            store.data_dir, store.mirror_dir, self.ctx.clock, path, export, relay.moved.emit
        )
        run_in_background(job, on_success=self._done, on_error=self._done, lane=SYNC_LANE)

    def _done(self, outcome: Any) -> None:
        self.running = False
        if self.progress_dialog is not None:
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        if isinstance(outcome, BaseException):
            show_error(self.window, outcome)
        else:
            show_info(self.window, outcome.message)
            if isinstance(outcome, ImportReport) and self.on_changes is not None:
                self.on_changes(Changes(dossiers=True, sync=True, reference=True))
        self.finished.emit(outcome)
