"""The window's backups and support actions: automatic daily and on-exit backups, backup
now, restore, database check and diagnostic information (over services.maintenance and
services.support).

Automatic backups: the first time the window starts on a day, and every hour while it stays
open, a daily backup is written if none was made today; it runs on the "backup" worker lane
through its own SQLite connection, so the counter keeps working. Closing the window starts
an on-exit backup on a thread of its own and closes at once. Both are points of the
incremental chain (storage/backup_chain.py): only the pages changed since the last point.

Slip archive migration (issue 12, item 7): once at every start, after the daily backup on
the same lane, the plain PDFs an older version archived are turned into compact files
(services.archive.compact_archive; nothing to do costs a folder listing). A failure is
logged and left for the next start: the plain PDFs stay readable meanwhile.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import PySide6
from PySide6.QtCore import QObject, QTimer, qVersion
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import archive, maintenance, support
from counter_app.services.maintenance import BackupEntry, BackupOutcome
from counter_app.services.reading import in_worker
from counter_app.texts import support as ts
from counter_app.ui.dialogs.backup_dialog import BackupDialog, PassphraseDialog
from counter_app.ui.dialogs.diagnostics_dialog import DiagnosticsDialog
from counter_app.ui.errors import show_error, show_info
from counter_app.ui.session import Session
from counter_app.ui.workers import run_in_background

DAILY_CHECK_MS = 60 * 60 * 1000
BACKUP_LANE = "backup"
STATUS_MS = 15_000
log = logging.getLogger(__name__)


class BackupController(QObject):
    """Owned by the main window; ``before_restore`` stops its background work."""

    def __init__(
        self, session: Session, window: QMainWindow, *, before_restore: Callable[[], None]
    ) -> None:
        super().__init__(window)
        self.session = session
        self.window = window
        self.before_restore = before_restore
        self.restored = False
        self.backup_running = False
        self.last_outcome: BackupOutcome | None = None
        self.exit_thread: threading.Thread | None = None
        self.dialogs: list[QWidget] = []
        self.daily_timer = QTimer(self)
        self.daily_timer.timeout.connect(self.backup_if_due)

    def start(self) -> None:
        self.daily_timer.start(DAILY_CHECK_MS)
        QTimer.singleShot(0, self.backup_if_due)
        QTimer.singleShot(0, self.compact_slip_archive)

    def compact_slip_archive(self) -> None:
        """Compact the slips archived as plain PDFs by an older version, in background."""
        data_dir = self.session.ctx.store.data_dir

        def done(result: archive.Compacted) -> None:
            if result.files:
                log.info(
                    "slip archive: %d plain PDFs compacted, %d -> %d bytes",
                    result.files,
                    result.bytes_before,
                    result.bytes_after,
                )

        def failed(exc: BaseException) -> None:
            log.warning("slip archive not compacted (next start tries again): %s", exc)

        run_in_background(
            lambda: archive.compact_archive(data_dir),
            on_success=done,
            on_error=failed,
            parent=self.window,
            lane=BACKUP_LANE,
        )

    def stop(self) -> None:
        self.daily_timer.stop()

    # --- backups ------------------------------------------------------------------------------

    def backup_if_due(self) -> bool:
        """Start today's daily backup unless it exists (or one is running); True if started."""
        if self.restored or self.backup_running:
            return False
        ctx = self.session.ctx
        if not maintenance.daily_backup_due(ctx.store, ctx.clock.now().date()):
            return False
        self._start_backup("daily")
        return True

    def backup_now(self) -> None:
        if not self.backup_running:
            self._start_backup("manual")

    def _start_backup(self, kind: str) -> None:
        ctx = self.session.ctx
        store, extra, now = ctx.store, maintenance.extra_backup_dir(ctx), ctx.clock.now()
        self.backup_running = True
        run_in_background(
            lambda: maintenance.write_backup(store, kind=kind, extra_dir=extra, now=now),
            on_success=self._on_backup_finished,
            on_error=self._on_backup_failed,
            parent=self.window,
            progress_label=ts.BACKUP_RUNNING if kind == "manual" else None,
            lane=BACKUP_LANE,
        )

    def _on_backup_finished(self, outcome: BackupOutcome) -> None:
        self.backup_running = False
        self.last_outcome = outcome
        if outcome.kind == "manual":
            maintenance.record_backup(self.session.ctx, outcome, officer=self.session.username)
        if outcome.copy_error is not None:
            show_error(self.window, outcome.copy_error)
            return
        copied = str(outcome.extra_dir) if outcome.copied else None
        message = ts.backup_done(str(outcome.path), copied)
        if outcome.kind == "manual":
            show_info(self.window, message)
        else:
            self.window.statusBar().showMessage(message, STATUS_MS)

    def _on_backup_failed(self, exc: BaseException) -> None:
        self.backup_running = False
        show_error(self.window, exc)

    def backup_on_exit(self) -> threading.Thread | None:
        """Start the on-exit backup on a thread of its own and return at once: the window
        closes without waiting (issue 16). The thread is not a daemon, so the process ends
        only once the point is written (seconds: only the changed pages); a window opened
        meanwhile waits for it before its own backup (the chain's lock)."""
        if self.restored:
            return None
        ctx = self.session.ctx
        store, extra, now = ctx.store, maintenance.extra_backup_dir(ctx), ctx.clock.now()

        def run() -> None:
            try:
                self.last_outcome = maintenance.write_backup(
                    store, kind="exit", extra_dir=extra, now=now
                )
            except Exception:
                log.exception("on-exit backup failed")

        self.exit_thread = threading.Thread(target=run, name="exit-backup", daemon=False)
        self.exit_thread.start()
        return self.exit_thread

    def wait_for_exit_backup(self, timeout: float | None = None) -> None:
        """Block until the on-exit backup started by :meth:`backup_on_exit` is written."""
        if self.exit_thread is not None:
            self.exit_thread.join(timeout)

    # --- restore ------------------------------------------------------------------------------

    def open_restore(self) -> BackupDialog:
        dialog = BackupDialog(maintenance.list_restorable(self.session.ctx), self.window)
        dialog.restore_confirmed.connect(self.restore)
        self.dialogs = [d for d in self.dialogs if d.isVisible()] + [dialog]
        dialog.open()
        return dialog

    def restore(self, entry: BackupEntry) -> QMessageBox | PassphraseDialog:
        """Stop background work, restore, then close the window (the officer logs in again).

        A sealed backup (the USB stick's) is opened with this station's office key; when it
        has none or another one, the office backup passphrase is asked first."""
        if entry.sealed and not maintenance.opens_with_station_key(self.session.ctx, entry.path):
            dialog = PassphraseDialog(
                intro=ts.PASSPHRASE_RESTORE_INTRO,
                twice=False,
                check=lambda typed: maintenance.check_passphrase(entry.path, typed),
                parent=self.window,
            )
            dialog.accepted.connect(lambda: self._restore(entry, dialog.passphrase))
            self.dialogs = [d for d in self.dialogs if d.isVisible()] + [dialog]
            dialog.open()
            return dialog
        return self._restore(entry, None)

    def _restore(self, entry: BackupEntry, passphrase: str | None) -> QMessageBox:
        self.stop()
        self.before_restore()
        try:
            maintenance.restore_station(
                self.session.ctx, entry.path, officer=self.session.username, passphrase=passphrase
            )
        except DomainError as exc:
            return show_error(self.window, exc)
        self.restored = True
        box = show_info(self.window, ts.RESTORE_DONE)
        box.finished.connect(lambda _result: self.window.close())
        return box

    def open_backup_passphrase(self) -> PassphraseDialog:
        """Set the office backup passphrase (administrators; the menu is disabled for others)."""
        ctx, username = self.session.ctx, self.session.username

        def check(typed: str) -> None:
            maintenance.set_backup_passphrase(ctx, typed, by=username)

        dialog = PassphraseDialog(
            intro=ts.PASSPHRASE_SET_INTRO, twice=True, check=check, parent=self.window
        )
        dialog.accepted.connect(lambda: show_info(self.window, ts.PASSPHRASE_SET_DONE))
        self.dialogs = [d for d in self.dialogs if d.isVisible()] + [dialog]
        dialog.open()
        return dialog

    # --- checks and support -------------------------------------------------------------------

    def check_database(self) -> None:
        run_in_background(
            in_worker(self.session.ctx, maintenance.check_database),
            on_success=self._on_check_finished,
            on_error=self._on_check_failed,
            parent=self.window,
            progress_label=ts.CHECK_RUNNING,
            lane=BACKUP_LANE,
        )

    def _on_check_failed(self, exc: BaseException) -> None:
        show_error(self.window, exc)

    def _on_check_finished(self, problems: list[str]) -> None:
        if problems:
            detail = "; ".join(problems[:3])
            show_error(self.window, DomainError(ErrorCode.DATABASE_DAMAGED, detail=detail))
            return
        show_info(self.window, ts.check_ok(self.session.ctx.store.dossiers.count()))

    def open_diagnostics(self) -> DiagnosticsDialog:
        qt = f"Qt {qVersion()}, PySide6 {PySide6.__version__}"
        diag = support.collect_diagnostics(self.session.ctx, qt_version=qt)
        dialog = DiagnosticsDialog(support.diagnostics_text(diag), self.window)
        dialog.copy()
        self.dialogs = [d for d in self.dialogs if d.isVisible()] + [dialog]
        dialog.open()
        return dialog
