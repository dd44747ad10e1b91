"""The window's conflict list, attached to the main window (like ``ui/followup.py``).

Adds the "Xung đột" tab (its title counts the open conflicts), its menu entry in Hồ sơ with
Ctrl+Shift+X, the reminders' button, and the settlement: a leader (or an administrator)
chooses the action to void and writes why; an officer is told that only a leader may. The
list is read again after every change and every sync. ``main_window.py`` only creates this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import QMenu

from counter_app.domain.changes import Changes
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import conflicts as service
from counter_app.texts import conflicts as c
from counter_app.texts import window as t
from counter_app.ui.conflicts_dialog import SettleDialog
from counter_app.ui.conflicts_view import ConflictsView
from counter_app.ui.errors import show_error, show_info

if TYPE_CHECKING:
    from counter_app.ui.main_window import MainWindow


class ConflictViews(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.view = ConflictsView(may_settle=self._may_settle())
        window.tabs.addTab(self.view, c.TAB_CONFLICTS)
        self.view.settle_requested.connect(self.start_settle)
        self.view.open_requested.connect(self._open_dossier)
        self.view.refresh_requested.connect(self.refresh)
        self.dialog: SettleDialog | None = None
        self.action = QAction(c.ACTION_CONFLICTS, window)
        self.action.setShortcut(QKeySequence(c.SHORTCUT))
        self.action.triggered.connect(self.show)
        self._add_menu_entry()
        window.sync.sync_finished.connect(lambda _outcome: self.refresh())
        reminders = getattr(getattr(window, "followup", None), "reminders_dialog", None)
        requested = getattr(reminders, "conflicts_requested", None)
        if requested is not None:
            requested.connect(self._on_reminders_conflicts_requested)
        self.refresh()

    def _may_settle(self) -> bool:
        return service.can_settle(self.window.session.officer.role)

    def _add_menu_entry(self) -> None:
        menus = [a.menu() for a in self.window.menuBar().actions()]
        found = [m for m in menus if isinstance(m, QMenu) and m.title() == t.MENU_DOSSIERS]
        menu = found[0] if found else self.window.menuBar().addMenu(t.MENU_DOSSIERS)
        separator = next((a for a in menu.actions() if a.isSeparator()), None)
        if separator is not None:
            menu.insertAction(separator, self.action)
        else:
            menu.addAction(self.action)

    # --- navigation ---------------------------------------------------------------------------

    def show(self) -> None:
        """Ctrl+Shift+X: the tab, read again, the focus in the table."""
        if self.window.lock_dialog is not None:
            return
        self.refresh()
        self.window.tabs.setCurrentWidget(self.view)
        self.view.focus()

    def refresh(self) -> list[service.OpenConflict]:
        try:
            conflicts = service.open_conflicts(self.window.session.ctx)
        except DomainError as exc:
            show_error(self.window, exc)
            return []
        self.view.set_may_settle(self._may_settle())
        self.view.show_conflicts(conflicts)
        index = self.window.tabs.indexOf(self.view)
        self.window.tabs.setTabText(index, c.tab_title(len(conflicts)))
        colour = QColor("#b00020") if conflicts else QColor()
        self.window.tabs.tabBar().setTabTextColor(index, colour)
        return conflicts

    def _open_dossier(self, uuid: str) -> None:
        dossier = self.window.session.ctx.store.dossiers.by_uuid(uuid)
        if dossier is not None:
            self.window.open_dossier(dossier)

    def _on_reminders_conflicts_requested(self) -> None:
        reminders = self.window.followup.reminders_dialog
        reminders.hide()
        self.show()

    # --- settling -----------------------------------------------------------------------------

    def start_settle(self, conflict: service.OpenConflict) -> SettleDialog | None:
        """Ask which action to void and why (leaders); tell an officer it is not theirs."""
        session = self.window.session
        if not self._may_settle():
            error = DomainError(ErrorCode.CONFLICT_SETTLE_NOT_ALLOWED, username=session.username)
            show_error(self.window, error)
            return None
        dialog = SettleDialog(conflict, submit=self._submit, parent=self.window)
        dialog.finished.connect(lambda _r: self.view.focus())
        self.dialog = dialog
        self.window.dialogs.append(dialog)
        dialog.open()
        return dialog

    def _submit(self, dialog: SettleDialog) -> None:
        session = self.window.session
        conflict = dialog.conflict
        remaining, changes = service.settle_conflict(
            session.ctx,
            dossier_uuid=conflict.dossier_uuid,
            void=[dialog.voided()],
            note=dialog.note(),
            officer=session.username,
        )
        session.events.changes_applied.emit(changes)
        show_info(self.window, c.settled_message(conflict.code or "", len(remaining)))

    # --- events -------------------------------------------------------------------------------

    def on_changes(self, changes: Changes) -> None:
        if changes.dossiers or changes.sync or changes.officers:
            self.refresh()
