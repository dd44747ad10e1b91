"""Reminders: what is overdue, due today and due on the next working day; the supplement
requests still waiting and those that close within 3 days (issue 13, item 4).

Shown when the window opens (if there is anything to do) and refreshed every hour. The
dossiers due on the next working day come with a prompt: today is the last day an
apology-and-new-date letter may be issued for them (it must be issued at the latest the day
before the due date). Each time (at start and every hour) the dossiers whose supplement
request expired are closed first (``services.supplements``), and the dialog says how many.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.changes import Changes
from counter_app.domain.dossier_query import DossierListQuery, DossierListRow
from counter_app.services import approvals
from counter_app.services.conflicts import open_conflict_count
from counter_app.services.station import StationContext
from counter_app.services.supplements import SupplementReminders, supplement_reminders
from counter_app.texts import conflicts as c
from counter_app.texts import fees as fees_text
from counter_app.texts import followup as f
from counter_app.texts import forms as ft
from counter_app.texts import window as t
from counter_app.ui.models.dossier_list_model import Today
from counter_app.ui.views.dossier_list_view import (
    QUICK_NEXT,
    QUICK_OVERDUE,
    QUICK_TODAY,
    quick_query,
    today_of,
)

HOUR_MS = 3_600_000
BUSY_RETRY_MS = 5 * 60_000  # the hourly reminders wait this long while the officer is busy
LIMIT = 500
UuidRole = Qt.ItemDataRole.UserRole + 10


@dataclass(frozen=True, slots=True)
class Reminders:
    today: Today
    overdue: list[DossierListRow]
    due_today: list[DossierListRow]
    due_next: list[DossierListRow]
    conflicts: int = 0  # open conflicts between stations (services.conflicts)
    supplements: SupplementReminders | None = None  # waiting, closing soon, closed now
    drafts: tuple[tuple[str, str], ...] = ()  # (dossier uuid, line): drafts for a leader

    @property
    def empty(self) -> bool:
        waiting = self.supplements is not None and (
            self.supplements.waiting or self.supplements.closed
        )
        return not (
            self.overdue
            or self.due_today
            or self.due_next
            or self.conflicts
            or waiting
            or self.drafts
        )


def load_reminders(
    ctx: StationContext, *, officer: str = "", close: bool = False
) -> tuple[Reminders, Changes]:
    """Running dossiers overdue now, due today, due by the next working day (≤ 500 each),
    how many conflicts between stations wait to be settled, and the supplements waiting;
    with ``close``, the dossiers whose supplement request expired are closed first."""
    supplements, changes = supplement_reminders(ctx, officer=officer, close=close)
    today = today_of(ctx)

    def rows(quick: int) -> list[DossierListRow]:
        query = quick_query(DossierListQuery(), quick, today)
        return ctx.store.dossiers.list_page(query, limit=LIMIT)[0]

    reminders = Reminders(
        today,
        rows(QUICK_OVERDUE),
        rows(QUICK_TODAY),
        rows(QUICK_NEXT),
        open_conflict_count(ctx),
        supplements,
        _drafts(ctx),
    )
    return reminders, changes


def _drafts(ctx: StationContext) -> tuple[tuple[str, str], ...]:
    """The officers' drafts waiting for a leader (services/approvals.py), oldest first."""
    return tuple(
        (d.uuid, fees_text.draft_reminder_line(d.code or "", d.applicant.name, draft))
        for d, draft in approvals.waiting(ctx)
    )


class RemindersDialog(QDialog):
    """``open_requested(uuid)`` / ``apology_requested(uuid)`` for the selected dossier;
    ``conflicts_requested()``: the officer asked for the conflict list."""

    open_requested = Signal(str)
    apology_requested = Signal(str)
    conflicts_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f.REMINDERS_TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.resize(900, 620)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("reminders_summary")
        font = self.summary_label.font()
        font.setBold(True)
        self.summary_label.setFont(font)
        self.conflicts_label = QLabel()
        self.conflicts_label.setObjectName("reminders_conflicts")
        self.conflicts_label.setStyleSheet("color: #8b0000; font-weight: bold;")
        self.conflicts_label.setWordWrap(True)
        self.conflicts_button = QPushButton(c.REMINDERS_CONFLICTS_BUTTON)
        self.conflicts_button.clicked.connect(self.conflicts_requested)
        self.overdue_label, self.overdue_list = QLabel(), QListWidget()
        self.today_label, self.today_list = QLabel(), QListWidget()
        self.next_label, self.next_list = QLabel(), QListWidget()
        self.closing_label, self.closing_list = QLabel(), QListWidget()
        self.waiting_label, self.waiting_list = QLabel(), QListWidget()
        self.drafts_label, self.drafts_list = QLabel(), QListWidget()
        self.drafts_label.setObjectName("reminders_drafts")
        self.drafts_label.setStyleSheet("color: #8a4b00; font-weight: bold;")
        self.closed_label = QLabel()
        self.closed_label.setObjectName("reminders_closed")
        self.closed_label.setWordWrap(True)
        self.closing_label.setStyleSheet("color: #8b0000; font-weight: bold;")
        self.waiting_label.setStyleSheet("font-weight: bold;")
        self.overdue_label.setStyleSheet("color: #8b0000; font-weight: bold;")
        self.today_label.setStyleSheet("color: #5c3c00; font-weight: bold;")
        self.next_label.setStyleSheet("font-weight: bold;")
        hint = QLabel(f.REMINDERS_APOLOGY_HINT)
        hint.setWordWrap(True)
        self.apology_button = QPushButton(f.REMINDERS_APOLOGY_BUTTON)
        self.open_button = QPushButton(f.REMINDERS_OPEN)
        box = QDialogButtonBox()
        box.addButton(t.BUTTON_CLOSE, QDialogButtonBox.ButtonRole.RejectRole)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        conflicts_row = QHBoxLayout()
        conflicts_row.addWidget(self.conflicts_label, 1)
        conflicts_row.addWidget(self.conflicts_button)
        layout.addLayout(conflicts_row)
        layout.addWidget(self.closed_label)
        layout.addWidget(self.drafts_label)
        layout.addWidget(self.drafts_list)
        for label, widget in (
            (self.overdue_label, self.overdue_list),
            (self.today_label, self.today_list),
            (self.next_label, self.next_list),
            (self.closing_label, self.closing_list),
            (self.waiting_label, self.waiting_list),
        ):
            layout.addWidget(label)
            layout.addWidget(widget, 1)
        layout.addWidget(hint)
        buttons = QHBoxLayout()
        buttons.addWidget(self.apology_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(box)
        layout.addLayout(buttons)
        for widget in self.all_lists():
            widget.itemActivated.connect(self._on_item_activated)
        self.next_list.currentItemChanged.connect(lambda *_a: self._update_buttons())
        self.apology_button.clicked.connect(self._on_apology_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)

    def lists(self) -> tuple[QListWidget, QListWidget, QListWidget]:
        """The due-date lists: overdue, due today, due on the next working day."""
        return self.overdue_list, self.today_list, self.next_list

    def all_lists(self) -> tuple[QListWidget, ...]:
        """The due-date lists, then the supplements closing soon and all those waiting."""
        return (*self.lists(), self.closing_list, self.waiting_list, self.drafts_list)

    def show_reminders(self, reminders: Reminders) -> None:
        sections = (
            (self.overdue_label, self.overdue_list, f.REMINDERS_OVERDUE, reminders.overdue),
            (self.today_label, self.today_list, f.REMINDERS_TODAY, reminders.due_today),
            (
                self.next_label,
                self.next_list,
                f.reminders_next(reminders.today.next_working_day),
                reminders.due_next,
            ),
        )
        for label, widget, title, rows in sections:
            label.setText(f.section_title(title, len(rows)))
            widget.clear()
            for row in rows:
                item = QListWidgetItem(
                    f.reminder_line(
                        row.code or "", row.applicant_name, row.procedure_name, row.due_at
                    )
                )
                item.setData(UuidRole, row.uuid)
                widget.addItem(item)
        self.summary_label.setText(
            f.REMINDERS_NONE
            if reminders.empty
            else f.reminders_summary(
                len(reminders.overdue), len(reminders.due_today), len(reminders.due_next)
            )
        )
        self._show_supplements(reminders.supplements)
        self._show_drafts(reminders.drafts)
        self.conflicts_label.setText(c.reminders_conflicts(reminders.conflicts))
        self.conflicts_label.setVisible(bool(reminders.conflicts))
        self.conflicts_button.setVisible(bool(reminders.conflicts))
        if self.next_list.count():
            self.next_list.setCurrentRow(0)
        self._update_buttons()

    def _show_supplements(self, supplements: SupplementReminders | None) -> None:
        waiting = supplements.waiting if supplements else ()
        closing = supplements.closing_soon if supplements else ()
        for label, widget, title, waits in (
            (self.closing_label, self.closing_list, ft.REMINDERS_CLOSING, closing),
            (self.waiting_label, self.waiting_list, ft.REMINDERS_SUPPLEMENTS, waiting),
        ):
            label.setText(f.section_title(title, len(waits)))
            widget.clear()
            for wait in waits:
                d = wait.dossier
                line = ft.supplement_line(
                    d.code or "", d.applicant.name, d.procedure_name, wait.limit_at
                )
                item = QListWidgetItem(line)
                item.setData(UuidRole, d.uuid)
                widget.addItem(item)
        closed = len(supplements.closed) if supplements else 0
        self.closed_label.setText(ft.closed_summary(closed))
        self.closed_label.setVisible(bool(closed))

    def _show_drafts(self, drafts: tuple[tuple[str, str], ...]) -> None:
        """The drafts waiting for a leader (issue 13 item 8): Enter opens the dossier."""
        self.drafts_label.setText(f.section_title(fees_text.REMINDERS_DRAFTS, len(drafts)))
        self.drafts_list.clear()
        for uuid, line in drafts:
            item = QListWidgetItem(line)
            item.setData(UuidRole, uuid)
            self.drafts_list.addItem(item)
        self.drafts_label.setVisible(bool(drafts))
        self.drafts_list.setVisible(bool(drafts))
        self.drafts_list.setMaximumHeight(90)

    def selected_uuid(self) -> str | None:
        for widget in self.all_lists():
            item = widget.currentItem()
            if item is not None and widget.hasFocus():
                return str(item.data(UuidRole))
        found = self.next_list.currentItem() or next(
            (w.currentItem() for w in self.all_lists() if w.currentItem()), None
        )
        return str(found.data(UuidRole)) if found is not None else None

    def _update_buttons(self) -> None:
        self.apology_button.setEnabled(self.next_list.currentItem() is not None)
        self.open_button.setEnabled(any(w.count() for w in self.all_lists()))

    def _on_item_activated(self, item: QListWidgetItem) -> None:
        self.open_requested.emit(str(item.data(UuidRole)))

    def _on_open_button_clicked(self) -> None:
        uuid = self.selected_uuid()
        if uuid:
            self.open_requested.emit(uuid)

    def _on_apology_button_clicked(self) -> None:
        item = self.next_list.currentItem()
        if item is not None:
            self.apology_requested.emit(str(item.data(UuidRole)))


class ReminderClock(QObject):
    """Loads the reminders at start and every hour; shows the dialog when there is work.

    Shown, it takes the keyboard (Esc closes it and the keyboard goes back to the window): an
    officer at the keyboard only must not type into a form hidden under it. The hourly one
    waits while the officer is busy (``busy()``: a citizen's data typed in the form, another
    dialog open) and tries again every few minutes; F11 (``force``) shows it at once."""

    def __init__(
        self,
        ctx: StationContext,
        dialog: RemindersDialog,
        *,
        interval_ms: int = HOUR_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog = dialog
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.remind)
        self.last: Reminders | None = None
        self.can_show: Callable[[], bool] = lambda: True  # not while the screen is locked
        self.busy: Callable[[], bool] = lambda: False  # the officer is in the middle of a form
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.setInterval(BUSY_RETRY_MS)
        self.retry.timeout.connect(self.remind)
        self.officer: Callable[[], str] = lambda: ""  # who closes expired supplements
        self.changed: Callable[[Changes], None] = lambda _changes: None

    def start(self) -> None:
        self.timer.start()
        QTimer.singleShot(0, self.remind)

    def stop(self) -> None:
        self.timer.stop()

    def remind(self, *, force: bool = False) -> Reminders:
        """Close the dossiers whose supplement request expired, reload; show the dialog
        when something is due or overdue (or when ``force``)."""
        self.last, changes = load_reminders(self.ctx, officer=self.officer(), close=True)
        if changes.dossiers:
            self.changed(changes)
        self.dialog.show_reminders(self.last)
        if (force or not self.last.empty) and self.can_show():
            if force or not self.busy():
                self.retry.stop()
                self.dialog.show()
                self.dialog.raise_()
                self.dialog.activateWindow()
            elif not self.dialog.isVisible():
                self.retry.start()  # after the citizen at the counter
        return self.last
