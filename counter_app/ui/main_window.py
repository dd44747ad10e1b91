"""The main window: assembles the views, menus, status bar and idle lock (no logic here).

Keyboard: the reception keys (F5, F6, F7, F10, Ctrl+N, Ctrl+P, Ctrl+K, Ctrl+Q, see
``IntakeView.shortcuts``) are window-level shortcuts that act while the reception tab is
shown, wherever the focus is in the window; F2 opens the reception tab with an empty form
(asking before typed data is dropped). The focus lands in the procedure field when the window
first shows, after the lock and after the settings and sync dialogs.

Ctrl+L locks with its own message; the idle lock says how many minutes passed. While locked,
the window's other windows (a dossier's details, reminders) are hidden. On the lock
screen another officer may log in: the session then works for that officer (status bar,
rights, the name recorded in new events). The demo office says DEMO in the window title and
the status bar from the first second.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QTabWidget, QWidget

from counter_app import __version__, texts
from counter_app.domain.changes import Changes
from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError
from counter_app.domain.models import Officer, Role
from counter_app.services.integrity import history_warning
from counter_app.services.lan import PeerStatus
from counter_app.services.setup import lookup_url_warning
from counter_app.sync.engine import SyncReport
from counter_app.sync.scheduler import SyncHealth
from counter_app.texts import integrity as t_integrity
from counter_app.texts import lan as lan_texts
from counter_app.texts import lookup as t_lookup
from counter_app.texts import support as tsup
from counter_app.texts import sync_status as ts
from counter_app.texts import window as t
from counter_app.ui.backup_controller import BackupController
from counter_app.ui.bundle_controller import BundleController
from counter_app.ui.conflicts import ConflictViews
from counter_app.ui.dialogs.dossier_dialog import DossierDialog
from counter_app.ui.dialogs.lan_dialog import LanDialog
from counter_app.ui.dialogs.login_dialog import LockDialog
from counter_app.ui.dialogs.settings_dialog import SettingsDialog
from counter_app.ui.dialogs.sync_dialog import SyncDialog
from counter_app.ui.errors import show_error, show_info
from counter_app.ui.followup import FollowupViews
from counter_app.ui.idle import DEFAULT_IDLE_MINUTES, IdleWatcher
from counter_app.ui.lan_controller import LanController
from counter_app.ui.session import Session
from counter_app.ui.slip_desk import SlipDesk
from counter_app.ui.sync_controller import SyncController
from counter_app.ui.views.intake_view import IntakeView
from counter_app.ui.views.search_view import SearchView
from counter_app.ui.views.today_view import TodayView
from counter_app.ui.widgets.lan_indicator import LanIndicator
from counter_app.ui.widgets.sync_indicator import SyncIndicator
from counter_app.ui.workers import wait_for_background

SYNC_TICK_MS = 20_000
SYNC_NOW_KEY = "F12"  # F9 opens the report tab (ui/followup.py)


class MainWindow(QMainWindow):
    def __init__(
        self,
        session: Session,
        *,
        load_today: Callable[[], list[Dossier]],
        idle_minutes: float = DEFAULT_IDLE_MINUTES,
    ) -> None:
        super().__init__()
        self.session = session
        self.idle_minutes = idle_minutes
        self.dialogs: list[QWidget] = []
        self.lock_dialog: LockDialog | None = None
        self.hidden_by_lock: list[QWidget] = []
        self.setWindowTitle(t.window_title(texts.APP_NAME, session.ctx.office().is_demo))
        self._shown_once = False
        self.desk = SlipDesk(session, self)
        self.intake_view = IntakeView(session, self.desk)
        self.today_view = TodayView(load_today)
        self.search_view = SearchView(session.ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.intake_view, t.TAB_INTAKE)
        self.tabs.addTab(self.today_view, t.TAB_TODAY)
        self.tabs.addTab(self.search_view, t.TAB_SEARCH)
        self.setCentralWidget(self.tabs)
        self.lock_cover = QLabel(t.LOCK_COVER, self)
        self.lock_cover.setObjectName("lock_cover")
        self.lock_cover.setStyleSheet("background: #263238; color: white; font-size: 20px;")
        self.lock_cover.setAlignment(self.lock_cover.alignment().AlignCenter)
        self.lock_cover.hide()
        self.sync = SyncController(session.ctx, self)
        self.lan = LanController(session.ctx, self)
        self.backups = BackupController(session, self, before_restore=self._stop_background)
        self.bundles = BundleController(  # USB sync bundles (issue 15), in the sync menu
            session.ctx, self, on_changes=session.events.changes_applied.emit
        )
        self._build_menus()
        self._build_status_bar()
        self.idle = IdleWatcher(round(idle_minutes * 60_000), self)
        self.idle.idle.connect(self.lock)
        self.idle.start()
        session.events.changes_applied.connect(self._on_changes_applied)
        for view in (self.today_view, self.search_view):
            view.dossier_activated.connect(self.open_dossier)
        self.sync.health_changed.connect(self._on_sync_health_changed)
        self.sync.sync_finished.connect(self._on_sync_finished)
        self.sync_ticker = QTimer(self)  # keeps "retry in 2 minutes" and ages current
        self.sync_ticker.timeout.connect(self.sync.refresh)
        self.sync_ticker.start(SYNC_TICK_MS)
        self.sync.refresh()
        self.sync.start()
        self.lan.peers_changed.connect(self._on_lan_peers_changed)  # office LAN (issue 15)
        self.lan.start()
        self.followup = FollowupViews(self)  # dossier list, report, reminders, slip scan
        self.followup.scan.card_area = self.intake_view  # an ID-card QR in any form field
        self.followup.scan.card_scanned.connect(self.intake_view.take_card)
        self.followup.scan.card_failed.connect(self.intake_view.card_failed)
        self.conflicts = ConflictViews(self)  # the "Xung đột" tab, Ctrl+Shift+X
        self._bind_intake_keys()
        self.backups.start()  # today's daily backup if none yet, then hourly checks

    def _action(self, text: str, slot: Callable[[], object], keys: str | None = None) -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        dossiers = bar.addMenu(t.MENU_DOSSIERS)
        dossiers.addAction(self._action(t.ACTION_NEW, self.show_intake, "F2"))
        dossiers.addAction(self._action(t.ACTION_TODAY, self.show_today, "F3"))
        dossiers.addAction(self._action(t.ACTION_SEARCH, self.show_search, "F4"))
        dossiers.addSeparator()
        dossiers.addAction(self._action(t.ACTION_LOCK, self.lock_now, "Ctrl+L"))
        dossiers.addAction(self._action(t.ACTION_QUIT, self.close))
        settings = bar.addMenu(t.MENU_SETTINGS)
        self.settings_action = self._action(t.ACTION_OFFICE_SETTINGS, self.open_settings)
        self.settings_action.setEnabled(self.session.is_admin)
        if not self.session.is_admin:
            self.settings_action.setToolTip(t.SETTINGS_ADMIN_ONLY)
        settings.addAction(self.settings_action)
        settings.setToolTipsVisible(True)
        sync = bar.addMenu(ts.MENU_SYNC)
        self.sync_now_action = self._action(ts.ACTION_SYNC_NOW, self.sync_now, SYNC_NOW_KEY)
        sync.addAction(self.sync_now_action)
        sync.addAction(self._action(ts.ACTION_SYNC_DETAILS, self.open_sync_details))
        self.lan_action = self._action(lan_texts.ACTION_LAN_SETTINGS, self.open_lan_settings)
        self.lan_action.setEnabled(self.session.is_admin)  # pairing, fixed peers (issue 15)
        sync.addAction(self.lan_action)
        sync.addSeparator()
        sync.addActions(self.bundles.actions())
        self._build_system_menu()
        help_menu = bar.addMenu(t.MENU_HELP)
        help_menu.addAction(
            self._action(t.ACTION_SHORTCUTS, lambda: show_info(self, t.SHORTCUTS_TEXT), "F1")
        )
        help_menu.addAction(
            self._action(
                t.ACTION_ABOUT, lambda: show_info(self, t.about_text(texts.APP_NAME, __version__))
            )
        )

    def _build_system_menu(self) -> None:
        system = self.menuBar().addMenu(tsup.MENU_SYSTEM)
        system.setToolTipsVisible(True)
        self.backup_now_action = self._action(tsup.ACTION_BACKUP_NOW, self.backups.backup_now)
        self.restore_action = self._action(tsup.ACTION_RESTORE, self.backups.open_restore)
        self.restore_action.setEnabled(self.session.is_admin)
        if not self.session.is_admin:
            self.restore_action.setToolTip(tsup.RESTORE_ADMIN_ONLY)
        self.passphrase_action = self._action(
            tsup.ACTION_BACKUP_PASSPHRASE, self.backups.open_backup_passphrase
        )
        self.passphrase_action.setEnabled(self.session.is_admin)
        if not self.session.is_admin:
            self.passphrase_action.setToolTip(tsup.PASSPHRASE_ADMIN_ONLY)
        self.check_action = self._action(tsup.ACTION_CHECK_DATABASE, self.backups.check_database)
        self.diagnostics_action = self._action(
            tsup.ACTION_DIAGNOSTICS, self.backups.open_diagnostics
        )
        for action in (
            self.backup_now_action,
            self.restore_action,
            self.passphrase_action,
            self.check_action,
            self.diagnostics_action,
        ):
            system.addAction(action)

    def _build_status_bar(self) -> None:
        officer = self.session.officer
        self.officer_label = QLabel(t.status_officer(officer.full_name, officer.role.value))
        self.office_label = QLabel()
        self.sync_indicator = SyncIndicator()
        self.sync_indicator.details_requested.connect(self.open_sync_details)
        self.sync_label = self.sync_indicator.status_button
        for label in (self.officer_label, self.office_label):
            label.setContentsMargins(8, 0, 8, 0)
        status = self.statusBar()
        status.addWidget(self.officer_label)
        self.demo_label = QLabel(t.DEMO_STATUS)
        self.demo_label.setObjectName("demo_label")
        self.demo_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.demo_label.setContentsMargins(8, 0, 8, 0)
        status.addWidget(self.office_label, 1)
        status.addPermanentWidget(self.demo_label)  # stays while a message is shown
        self.lookup_warning_label = QLabel()  # admins: the QR leads to a placeholder address
        self.lookup_warning_label.setObjectName("lookup_warning_label")
        self.lookup_warning_label.setStyleSheet("color: #b00020; font-weight: bold;")
        status.addWidget(self.lookup_warning_label)
        self.history_warning_label = QLabel()  # the history was rewritten in the file
        self.history_warning_label.setObjectName("history_warning_label")
        self.history_warning_label.setStyleSheet("color: #b00020; font-weight: bold;")
        status.addWidget(self.history_warning_label)
        self.lan_indicator = LanIndicator()  # the office's counters seen on the LAN
        status.addPermanentWidget(self.lan_indicator)
        status.addPermanentWidget(self.sync_indicator)
        self._refresh_office()

    def _refresh_office(self) -> None:
        office = self.session.ctx.office()
        warning = lookup_url_warning(self.session.ctx)
        shown = warning is not None and self.session.officer.role is Role.ADMIN
        self.lookup_warning_label.setText(t_lookup.LOOKUP_URL_WARNING_SHORT if shown else "")
        self.lookup_warning_label.setToolTip(warning or "")
        self.lookup_warning_label.setVisible(shown)
        rewritten = history_warning(self.session.ctx)  # found at open, shown to everyone
        self.history_warning_label.setText(t_integrity.HISTORY_WARNING_SHORT if rewritten else "")
        self.history_warning_label.setToolTip(rewritten or "")
        self.history_warning_label.setVisible(rewritten is not None)
        self.office_label.setText(
            t.status_office(office.unit_name, office.agency_id, office.is_demo)
        )
        self.demo_label.setVisible(office.is_demo)
        self.setWindowTitle(t.window_title(texts.APP_NAME, office.is_demo))

    # --- navigation ---------------------------------------------------------------------------

    def _bind_intake_keys(self) -> None:
        """The reception keys, window-wide, acting only while the reception tab is shown."""
        for keys, slot in self.intake_view.shortcuts():
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda slot=slot: self._on_intake_key(slot))

    def _on_intake_key(self, slot: Callable[[], object]) -> None:
        if self.tabs.currentWidget() is self.intake_view and self.lock_dialog is None:
            slot()

    def show_intake(self) -> None:
        """F2: the reception tab with an empty form (asks before typed data is dropped)."""
        self.tabs.setCurrentWidget(self.intake_view)
        self.intake_view.new_dossier()

    def focus_current(self) -> None:
        """The focus back where the officer works (the procedure field on reception)."""
        if self.tabs.currentWidget() is self.intake_view:
            self.intake_view.focus_form()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.activateWindow()
            self.focus_current()
            QTimer.singleShot(0, self._focus_if_lost)  # once the window manager activated it

    def _focus_if_lost(self) -> None:
        if self.focusWidget() is None:
            self.focus_current()

    def show_today(self) -> None:
        self.tabs.setCurrentWidget(self.today_view)
        self.today_view.table.setFocus()

    def show_search(self) -> None:
        self.tabs.setCurrentWidget(self.search_view)
        self.search_view.focus()

    def open_dossier(self, dossier: Dossier) -> DossierDialog:
        dialog = DossierDialog(self.session.ctx, self.desk, dossier, self)
        self.dialogs = [d for d in self.dialogs if d.isVisible()] + [dialog]
        dialog.show()
        return dialog

    def open_settings(self) -> SettingsDialog | None:
        try:
            dialog = SettingsDialog(self.session.ctx, officer=self.session.username, parent=self)
        except DomainError as exc:
            show_error(self, exc)
            return None
        dialog.settings_saved.connect(self.session.events.changes_applied)
        dialog.finished.connect(lambda _r: self.focus_current())
        dialog.open()
        self.dialogs.append(dialog)
        return dialog

    # --- sync -------------------------------------------------------------------------------

    def sync_now(self) -> None:
        if not self.sync.sync_now():
            show_info(self, ts.NOT_ENROLLED_TIP)

    def open_sync_details(self) -> SyncDialog:
        dialog = SyncDialog(self.sync, self)
        self.dialogs = [d for d in self.dialogs if d.isVisible()] + [dialog]
        dialog.finished.connect(lambda _r: self.focus_current())
        dialog.open()
        return dialog

    def _on_sync_finished(self, outcome: object) -> None:
        """Office names and the slips' lookup address may come with the reference data."""
        if isinstance(outcome, SyncReport) and outcome.reference_changes:
            self._refresh_office()

    def open_lan_settings(self) -> LanDialog:
        dialog = LanDialog(self.session.ctx, officer=self.session.officer.username, parent=self)

        def restart() -> None:  # a new secret or peer list takes effect at once
            self.lan.stop()
            self.lan.start()

        dialog.accepted.connect(restart)
        dialog.open()
        return dialog

    def _on_lan_peers_changed(self, peers: list[PeerStatus]) -> None:
        self.lan_indicator.show_peers(peers, paired=self.lan.active())

    def _on_sync_health_changed(self, health: SyncHealth) -> None:
        self.sync_indicator.show_health(
            health,
            now=self.session.ctx.clock.now(),
            running=self.sync.running,
            retry_in=self.sync.retry_in(),
        )

    # --- idle lock ----------------------------------------------------------------------------

    def lock_now(self) -> None:
        """Ctrl+L: the officer locks the screen (the lock says so)."""
        self.lock(manual=True)

    def lock(self, manual: bool = False) -> None:
        """Cover the window and ask a password (the idle lock, or Ctrl+L when ``manual``)."""
        if self.lock_dialog is not None:
            return
        self.idle.pause()
        self.lock_cover.setGeometry(self.rect())
        self.lock_cover.raise_()
        self.lock_cover.show()
        self.hidden_by_lock = self._own_windows()  # a dossier's details show personal data
        for window in self.hidden_by_lock:
            window.hide()
        minutes = None if manual else max(1, round(self.idle_minutes))
        self.lock_dialog = LockDialog(
            self.session.ctx, self.session.officer, minutes=minutes, parent=self
        )
        self.lock_dialog.finished.connect(self._on_lock_dialog_finished)
        self.lock_dialog.open()

    def _on_lock_dialog_finished(self, result: int) -> None:
        dialog, self.lock_dialog = self.lock_dialog, None
        if result != LockDialog.DialogCode.Accepted:
            self.close()
            return
        if dialog is not None and dialog.switched():
            self.switch_officer(dialog.officer)
        self.lock_cover.hide()
        for window in self.hidden_by_lock:
            window.show()
        self.hidden_by_lock = []
        self.idle.start()
        self.focus_current()

    def _own_windows(self) -> list[QWidget]:
        """The visible windows of this window (dossier details, reminders, message boxes)."""
        found = []
        for widget in QApplication.topLevelWidgets():
            owner = widget.parentWidget()
            while owner is not None and owner is not self:
                owner = owner.parentWidget()
            if owner is self and widget.isVisible() and widget is not self.lock_dialog:
                found.append(widget)
        return found

    def switch_officer(self, officer: Officer) -> None:
        """Another officer logged in on the lock screen: the window now works for them."""
        self.session.officer = officer
        self.officer_label.setText(t.status_officer(officer.full_name, officer.role.value))
        admin = self.session.is_admin
        self.settings_action.setEnabled(admin)
        self.settings_action.setToolTip("" if admin else t.SETTINGS_ADMIN_ONLY)
        self.restore_action.setEnabled(admin)
        self.restore_action.setToolTip("" if admin else tsup.RESTORE_ADMIN_ONLY)
        self._refresh_office()
        self.conflicts.refresh()  # only leaders settle conflicts
        self.intake_view.show_message(t.switched_officer(officer.full_name))

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.lock_cover.setGeometry(self.rect())

    # --- events -------------------------------------------------------------------------------

    def _on_changes_applied(self, changes: Changes) -> None:
        self.today_view.on_changes(changes)
        self.followup.on_changes(changes)
        self.conflicts.on_changes(changes)
        self.sync.refresh()  # one more change waiting to be sent
        if changes.config:
            self._refresh_office()
            self.intake_view.due_panel.recompute()

    def _stop_background(self) -> None:
        """Stop every timer and wait for background work (before closing or restoring)."""
        self.idle.stop()
        self.followup.stop()
        self.sync.stop()
        self.lan.stop()
        self.sync_ticker.stop()
        self.backups.stop()
        wait_for_background()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop_background()
        self.backups.backup_on_exit()
        super().closeEvent(event)
