"""The window's parts for the work after reception, attached to the main window.

Adds the dossier list (F8) and report (F9) tabs and their menu entries, the reminders (at
start and every hour), and the slip-barcode scan that opens a dossier from anywhere in the
window. ``main_window.py`` only creates this and forwards changes and closing to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu

from counter_app.domain.changes import Changes
from counter_app.domain.errors import DomainError
from counter_app.services.actions import Action
from counter_app.texts import followup as f
from counter_app.texts import window as t
from counter_app.ui.errors import show_error, show_info
from counter_app.ui.scan_filter import ScanFilter
from counter_app.ui.views.dossier_list_view import DossierListView
from counter_app.ui.views.reminders_dialog import ReminderClock, RemindersDialog
from counter_app.ui.views.report_view import ReportView

if TYPE_CHECKING:
    from counter_app.ui.dialogs.dossier_dialog import DossierDialog
    from counter_app.ui.main_window import MainWindow


class FollowupViews(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        ctx = window.session.ctx
        self.list_view = DossierListView(ctx)
        self.report_view = ReportView(window.session)
        window.tabs.addTab(self.list_view, f.TAB_LIST)
        window.tabs.addTab(self.report_view, f.TAB_REPORT)
        self.list_view.dossier_activated.connect(window.open_dossier)
        self.reminders_dialog = RemindersDialog(window)
        self.reminders_dialog.open_requested.connect(self.open_uuid)
        self.reminders_dialog.apology_requested.connect(self.start_apology)
        self.reminders = ReminderClock(ctx, self.reminders_dialog, parent=self)
        self.reminders.can_show = lambda: window.lock_dialog is None
        self.reminders.busy = lambda: (
            window.intake_view.has_input() or QApplication.activeModalWidget() is not None
        )
        self.reminders.officer = lambda: window.session.username
        self.reminders.changed = window.session.events.changes_applied.emit
        self.scan = ScanFilter(window)
        self.scan.passthrough.add(window.search_view.search_edit)  # it opens codes itself
        self.scan.code_scanned.connect(self.open_code)
        self.scan.install()
        self._add_menu_entries()
        self.reminders.start()

    def _add_menu_entries(self) -> None:
        menus = [a.menu() for a in self.window.menuBar().actions()]
        found = [m for m in menus if isinstance(m, QMenu) and m.title() == t.MENU_DOSSIERS]
        menu = found[0] if found else None
        if menu is None:
            menu = self.window.menuBar().addMenu(t.MENU_DOSSIERS)
        separator = next((a for a in menu.actions() if a.isSeparator()), None)
        for text, slot, keys in (
            (f.ACTION_LIST, self.show_list, "F8"),
            (f.ACTION_REPORT, self.show_report, "F9"),
            (f.ACTION_REMINDERS, lambda: self.reminders.remind(force=True), "F11"),
        ):
            action = QAction(text, self.window)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            if separator is not None:
                menu.insertAction(separator, action)
            else:
                menu.addAction(action)

    # --- navigation ---------------------------------------------------------------------------

    def show_list(self) -> None:
        self.window.tabs.setCurrentWidget(self.list_view)
        self.list_view.focus()

    def show_report(self) -> None:
        self.window.tabs.setCurrentWidget(self.report_view)

    def open_uuid(self, uuid: str) -> DossierDialog | None:
        dossier = self.window.session.ctx.store.dossiers.by_uuid(uuid)
        return self.window.open_dossier(dossier) if dossier is not None else None

    def open_code(self, code: str) -> DossierDialog | None:
        """Open the dossier of a scanned slip (with its full history)."""
        if self.window.lock_dialog is not None:
            return None
        try:
            dossier = self.window.session.ctx.dossier_by_code(code)
        except DomainError:
            show_info(self.window, f.scan_not_found(code))
            return None
        dialog = self.window.open_dossier(dossier)
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def start_apology(self, uuid: str) -> DossierDialog | None:
        dialog = self.open_uuid(uuid)
        if dialog is not None:
            dialog.action_panel.start(Action.APOLOGY)
        return dialog

    # --- events -------------------------------------------------------------------------------

    def on_changes(self, changes: Changes) -> None:
        self.list_view.on_changes(changes)
        self.report_view.on_changes(changes)
        if changes.dossiers and self.reminders_dialog.isVisible():
            try:
                self.reminders.remind()
            except DomainError as exc:
                show_error(self.window, exc)

    def stop(self) -> None:
        self.scan.remove()
        self.reminders.stop()
