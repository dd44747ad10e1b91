"""The action buttons of a dossier: each opens its small form, records one event through
``services.actions.record_action``, prints the document the rules call for, and emits the
app's ``changes_applied`` so every list refreshes.

Buttons of actions the dossier's status does not allow are disabled, their tooltip giving
the reason (the service's own refusal, in Vietnamese).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QGridLayout, QGroupBox, QPushButton, QWidget

from counter_app import texts
from counter_app.domain.dossier import Dossier, check_allowed
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.services.actions import Action, record_action
from counter_app.services.slips import SlipForm
from counter_app.services.supplements import reasons_for
from counter_app.texts import fees as fees_text
from counter_app.texts import followup as f
from counter_app.texts import forms as ft
from counter_app.texts import rules as tr
from counter_app.ui.dialogs.action_dialogs import (
    ApologyDialog,
    CorrectionDialog,
    HandoverDialog,
    NoteDialog,
    RatingDialog,
    ResultDialog,
    ReturnDialog,
)
from counter_app.ui.dialogs.authority_dialog import AuthorityReceivedDialog
from counter_app.ui.dialogs.reason_dialog import ReasonDialog
from counter_app.ui.dialogs.stop_dialog import StopDialog
from counter_app.ui.errors import show_error
from counter_app.ui.slip_desk import SlipDesk
from counter_app.ui.widgets.role_gate import RoleGate

# The other engineer's printed forms, when this build has them (else: receipt only).
CONTROL_SHEET: SlipForm | None = getattr(SlipForm, "CONTROL_SHEET", None)
APOLOGY_LETTER: SlipForm = getattr(SlipForm, "APOLOGY", SlipForm.RECEIPT)
PRINTED_AFTER: dict[Action, SlipForm | None] = {
    Action.HANDOVER: CONTROL_SHEET,
    Action.APOLOGY: APOLOGY_LETTER,
    Action.CORRECT: SlipForm.RECEIPT,  # the corrected receipt; the first print is kept
    Action.SUPPLEMENT_REQUEST: SlipForm.SUPPLEMENT,  # Mẫu 02 during processing
    Action.STOP: SlipForm.STOP,  # Mẫu 05
}
BUTTONS = (
    (Action.HANDOVER, f.ACT_HANDOVER),
    (Action.HANDBACK, f.ACT_HANDBACK),
    (Action.RESULT, f.ACT_RESULT),
    (Action.SUPPLEMENT_REQUEST, f.ACT_SUPPLEMENT_REQUEST),
    (Action.SUPPLEMENT_RECEIVED, f.ACT_SUPPLEMENT_RECEIVED),
    (Action.APOLOGY, f.ACT_APOLOGY),
    (Action.WITHDRAW, f.ACT_WITHDRAW),
    (Action.STOP, ft.ACT_STOP),
    (Action.RETURN, f.ACT_RETURN),
    (Action.RATING, f.ACT_RATING),
    (Action.CORRECT, f.ACT_CORRECT),
    (Action.AUTHORITY_RECEIVED, tr.ACTION_AUTHORITY_RECEIVED),  # cross-boundary only
    (Action.FEE, fees_text.ACT_FEE),
    (Action.APPROVAL_DECLINE, fees_text.ACT_APPROVE),  # the leader's: approve or decline
)


def refusal(dossier: Dossier, action: Action) -> DomainError | None:
    """Why ``action`` cannot happen to ``dossier`` now (None when it can)."""
    try:
        check_allowed(dossier, action.kind)
    except DomainError as exc:
        return exc
    if action is Action.AUTHORITY_RECEIVED and not dossier.cross_boundary:
        return DomainError(ErrorCode.ACTION_NOT_ALLOWED, action=action.value, status=dossier.status)
    return None


class ActionPanel(QGroupBox):
    """``dossier_changed(Dossier)`` after each recorded action."""

    dossier_changed = Signal(object)

    def __init__(self, desk: SlipDesk, dossier: Dossier, parent: QWidget | None = None) -> None:
        super().__init__(f.ACTIONS_TITLE, parent)
        self.desk = desk
        self.session = desk.session
        self.dossier = dossier
        self.dialog: QDialog | None = None
        self.buttons: dict[Action, QPushButton] = {}
        grid = QGridLayout(self)
        for number, (action, label) in enumerate(BUTTONS):
            button = self.buttons[action] = QPushButton(label)
            button.setObjectName(f"action_{action.value}")
            button.clicked.connect(lambda _c=False, a=action: self.start(a))
            grid.addWidget(button, number // 5, number % 5)
        # Keys of the dossier's window (an explicit shortcut: button mnemonics are not given
        # by every platform); a disabled button's shortcut does nothing.
        stop = QShortcut(QKeySequence(ft.ACT_STOP_KEYS), self)
        stop.setContext(Qt.ShortcutContext.WindowShortcut)
        stop.activated.connect(self.buttons[Action.STOP].click)
        self.roles = RoleGate(self, grid)  # who may: drafts, approvals (issue 13 item 8)
        self.set_dossier(dossier)

    def set_dossier(self, dossier: Dossier) -> None:
        self.dossier = dossier
        for action, button in self.buttons.items():
            reason = refusal(dossier, action)
            button.setEnabled(reason is None)
            button.setToolTip(texts.error_message(reason) if reason else "")
        self.roles.apply(dossier)

    # --- starting an action -------------------------------------------------------------------

    def start(self, action: Action) -> QDialog | None:
        """Open the form of ``action`` (or say why it is not possible now)."""
        reason = refusal(self.dossier, action) or self.roles.refusal(action)
        if reason is not None:
            show_error(self, reason)
            return None
        if action is Action.APPROVAL_DECLINE:
            self.dialog = self.roles.open_approval()
            return self.dialog
        submit = self._submitter(action)
        dialog = self._dialog(action, submit)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog(self, action: Action, submit: Callable[[dict[str, Any]], None]) -> QDialog:
        d, me = self.dossier, self.window()
        if action is Action.HANDOVER:
            text = f.HANDOVER_CONFIRM if CONTROL_SHEET else f.HANDOVER_CONFIRM_NO_SHEET
            return HandoverDialog(back=False, confirm_text=text, submit=submit, parent=me)
        if action is Action.HANDBACK:
            return HandoverDialog(
                back=True, confirm_text=f.HANDBACK_CONFIRM, submit=submit, parent=me
            )
        if action is Action.RESULT:
            return ResultDialog(submit=submit, parent=me)
        if action is Action.AUTHORITY_RECEIVED:
            now = self.session.ctx.clock.now()
            return AuthorityReceivedDialog(now=now, submit=submit, parent=me)
        if action is Action.SUPPLEMENT_REQUEST:
            return self._supplement_request_dialog(submit)
        if action is Action.SUPPLEMENT_RECEIVED:
            return NoteDialog(
                title=f.SUPPLEMENT_RECEIVED_TITLE,
                caption=f.SUPPLEMENT_RECEIVED_NOTE,
                confirm_text=f.SUPPLEMENT_RECEIVED_CONFIRM,
                key="note",
                submit=submit,
                parent=me,
            )
        if action is Action.APOLOGY:
            return ApologyDialog(
                dossier=d, suggested=self.suggested_new_due(), submit=submit, parent=me
            )
        if action is Action.WITHDRAW:
            return NoteDialog(
                title=f.WITHDRAW_TITLE,
                caption=f.WITHDRAW_REASON,
                confirm_text=f.WITHDRAW_CONFIRM,
                key="reason",
                submit=submit,
                parent=me,
            )
        if action is Action.STOP:
            return StopDialog(submit=submit, parent=me)
        if action is Action.RETURN:
            return ReturnDialog(dossier=d, submit=submit, parent=me)
        if action is Action.RATING:
            return RatingDialog(submit=submit, parent=me, already=d.rating is not None)
        if action is Action.FEE:
            return self.roles.fee_dialog(submit)
        return CorrectionDialog(dossier=d, submit=submit, parent=me)

    def _supplement_request_dialog(self, submit: Callable[[dict[str, Any]], None]) -> QDialog:
        dialog = ReasonDialog(
            title=f.SUPPLEMENT_TITLE,
            reason_label=f.SUPPLEMENT_REASON,
            confirm_text=f.SUPPLEMENT_CONFIRM,
            missing=[],
            reasons=reasons_for(self.session.ctx, self.dossier),
            parent=self.window(),
        )

        def accepted() -> None:
            try:
                submit({"items": list(dialog.missing()), "reason": dialog.reason()})
            except DomainError as exc:
                show_error(self, exc)

        dialog.accepted.connect(accepted)
        return dialog

    def suggested_new_due(self) -> datetime:
        """Five working days after the current due date, at the same hour (editable)."""
        calendar = self.session.ctx.calendar()
        due = (self.dossier.due_at or self.session.ctx.clock.now()).astimezone(VN_TZ)
        day = calendar.add_working_days(due.date(), 5)
        return datetime.combine(day, time(due.hour, due.minute), tzinfo=VN_TZ)

    # --- recording ----------------------------------------------------------------------------

    def _submitter(self, action: Action) -> Callable[[dict[str, Any]], None]:
        def submit(payload: dict[str, Any]) -> None:
            self.record(action, payload)

        return submit

    def record(self, action: Action, payload: dict[str, Any]) -> Dossier:
        """Record the action (raises the service's DomainError, nothing written), then print
        what the rules call for and tell every view. An apology or a correction after
        printing by an officer is drafted for a leader instead (nothing printed yet)."""
        if self.roles.drafts(action):
            return self.roles.draft(action, payload)
        updated, changes = record_action(
            self.session.ctx,
            self.dossier,
            action,
            officer=self.session.username,
            payload=payload,
        )
        self.session.events.changes_applied.emit(changes)
        self.set_dossier(updated)
        form = PRINTED_AFTER.get(action)
        if form is not None:
            self._print(updated, form)
        self.dossier_changed.emit(updated)
        return updated

    def _print(self, dossier: Dossier, form: SlipForm) -> None:
        try:
            self.desk.print_slip(dossier, form, parent=self)
        except DomainError as exc:
            show_error(self, exc)
