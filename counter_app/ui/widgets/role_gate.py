"""What the logged-in account may do on a dossier, shown on its action panel (issue 13,
item 8; the rules are services/permissions.py and the service layer refuses the same).

- An officer's "Xin lỗi, hẹn lại" (and "Sửa thông tin" once a slip was printed) drafts the
  action for a leader: the button says so in its tooltip, the form is the same, and what is
  recorded is ``approval_requested`` (the dossier does not change, nothing is printed).
- A draft waiting is shown on the panel, to everyone; the "Duyệt dự thảo" button is the
  leader's: for anyone else it is off and its tooltip says who may. The leader's approval
  form shows the draft and approves it (the action is recorded now, its letter printed) or
  declines it with a reason.
- "Thu phí, lệ phí" opens the fee form with the dossier's amount due and exemptions.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QPushButton, QWidget

from counter_app import texts
from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ, Role
from counter_app.services import approvals, fees, permissions
from counter_app.services.actions import APPROVABLE, Action, needs_approval
from counter_app.texts import fees as ft
from counter_app.ui.dialogs.action_dialogs import ActionDialog, Submit
from counter_app.ui.dialogs.fee_dialog import FeeDialog
from counter_app.ui.errors import show_error, show_info

if TYPE_CHECKING:
    from counter_app.ui.widgets.action_panel import ActionPanel


def draft_line(draft: dict[str, Any]) -> str:
    at = datetime.fromisoformat(str(draft["at"])).astimezone(VN_TZ)
    what = ft.DRAFT_ACTIONS.get(str(draft["action"]), str(draft["action"]))
    return ft.draft_line(what, str(draft["officer"]), at)


class RoleGate:
    def __init__(self, panel: ActionPanel, grid: QGridLayout) -> None:
        self.panel = panel
        self.drafts_label = QLabel()
        self.drafts_label.setObjectName("drafts_label")
        self.drafts_label.setWordWrap(True)
        self.drafts_label.setStyleSheet("color: #8a4b00;")
        grid.addWidget(self.drafts_label, grid.rowCount(), 0, 1, max(1, grid.columnCount()))
        # Keys of the dossier's window: Alt+P the fee form; Alt+Y the leader's approval (for
        # anyone else it says why not, and changes nothing).
        fee = QShortcut(QKeySequence(ft.FEE_KEYS), panel)
        fee.setContext(Qt.ShortcutContext.WindowShortcut)
        fee.activated.connect(lambda: panel.buttons[Action.FEE].click())
        approve = QShortcut(QKeySequence(ft.APPROVE_KEYS), panel)
        approve.setContext(Qt.ShortcutContext.WindowShortcut)
        approve.activated.connect(lambda: panel.start(Action.APPROVAL_DECLINE))

    @property
    def role(self) -> Role:
        return self.panel.session.officer.role

    @property
    def username(self) -> str:
        return self.panel.session.username

    def apply(self, dossier: Dossier) -> None:
        """Tooltips and enabled state for this account on ``dossier`` (after the status)."""
        ctx, buttons = self.panel.session.ctx, self.panel.buttons
        for action in (Action.APOLOGY, Action.CORRECT):
            button = buttons.get(action)
            if button is None or not button.isEnabled():
                continue
            if needs_approval(ctx, dossier, action, self.username):
                what = "apology" if action is Action.APOLOGY else "correct_printed"
                button.setToolTip(ft.draft_tooltip(what))
        approve = buttons.get(Action.APPROVAL_DECLINE)
        if approve is not None:
            reason = self.refusal(Action.APPROVAL_DECLINE)
            approve.setEnabled(reason is None)
            approve.setToolTip(texts.error_message(reason) if reason else ft.APPROVE_TOOLTIP)
            if reason is not None and reason.code is ErrorCode.ROLE_REQUIRED:
                approve.setToolTip(ft.not_allowed_tooltip("approve", ["leader"]))
        self.drafts_label.setText("\n".join(draft_line(d) for d in dossier.pending))
        self.drafts_label.setVisible(bool(dossier.pending))

    def refusal(self, action: Action) -> DomainError | None:
        if action is not Action.APPROVAL_DECLINE:
            return None
        if not permissions.allowed(self.role, "approve"):
            return DomainError(
                ErrorCode.ROLE_REQUIRED, username=self.username, action="approve", roles=["leader"]
            )
        if not self.panel.dossier.pending:
            return DomainError(ErrorCode.APPROVAL_NOT_FOUND, draft="")
        return None

    # --- drafts -------------------------------------------------------------------------------

    def drafts(self, action: Action) -> bool:
        ctx = self.panel.session.ctx
        return needs_approval(ctx, self.panel.dossier, action, self.username)

    def draft(self, action: Action, payload: dict[str, Any]) -> Dossier:
        """Record the officer's draft (raises the service's refusal: the form stays open)."""
        ctx = self.panel.session.ctx
        updated, changes = approvals.request_approval(
            ctx, self.panel.dossier, action, officer=self.username, payload=payload
        )
        self._changed(updated, changes)
        show_info(self.panel, ft.DRAFT_SENT)
        return updated

    def _changed(self, updated: Dossier, changes: Any) -> None:
        self.panel.session.events.changes_applied.emit(changes)
        self.panel.set_dossier(updated)
        self.panel.dossier_changed.emit(updated)

    def open_approval(self) -> ApprovalDialog:
        draft = self.panel.dossier.pending[0]
        dialog = ApprovalDialog(draft=draft, gate=self, parent=self.panel.window())
        dialog.open()
        return dialog

    def approve(self, draft: dict[str, Any]) -> Dossier:
        ctx = self.panel.session.ctx
        updated, changes = approvals.approve(
            ctx, self.panel.dossier, str(draft["uuid"]), officer=self.username
        )
        self._changed(updated, changes)
        from counter_app.ui.widgets.action_panel import PRINTED_AFTER

        form = PRINTED_AFTER.get(Action(APPROVABLE[str(draft["action"])]))
        if form is not None:
            self.panel._print(updated, form)
        return updated

    def decline(self, draft: dict[str, Any], reason: str) -> Dossier:
        ctx = self.panel.session.ctx
        updated, changes = approvals.decline(
            ctx, self.panel.dossier, str(draft["uuid"]), officer=self.username, reason=reason
        )
        self._changed(updated, changes)
        return updated

    # --- fees ---------------------------------------------------------------------------------

    def fee_dialog(self, submit: Submit) -> FeeDialog:
        d, ctx = self.panel.dossier, self.panel.session.ctx
        choices = fees.exemption_choices(
            ctx, procedure_code=d.procedure_code, channel=int(d.channel), at=d.received_at
        )
        return FeeDialog(
            due=d.fee_due,
            exemptions=choices,
            submit=submit,
            parent=self.panel.window(),
            receipt_no="",
            exemption=d.fee_exemption,
        )


class ApprovalDialog(ActionDialog):
    """The leader's answer to a draft: Enter approves, "Không duyệt" declines (with the
    reason typed), Esc leaves it waiting."""

    def __init__(self, *, draft: dict[str, Any], gate: RoleGate, parent: QWidget) -> None:
        super().__init__(
            title=ft.APPROVAL_TITLE,
            confirm_text=ft.APPROVE,
            submit=lambda p: self._approve(p),
            parent=parent,
        )
        self.setObjectName("approval_dialog")
        self.draft, self.gate = draft, gate
        summary = QLabel(draft_line(draft) + "\n" + ft.draft_request_text(draft))
        summary.setWordWrap(True)
        self.form.addRow(summary)
        self.reason_edit: QLineEdit = self._line(ft.DECLINE_REASON)
        self.decline_button = QPushButton(ft.DECLINE)
        self.decline_button.setObjectName("decline_button")
        self.decline_button.setAutoDefault(False)
        self.form.addRow(self.decline_button)
        self.decline_button.clicked.connect(self._on_decline_clicked)

    def payload(self) -> dict[str, Any]:
        return {}

    def _approve(self, _payload: dict[str, Any]) -> None:
        self.gate.approve(self.draft)

    def _on_decline_clicked(self) -> None:
        try:
            self.gate.decline(self.draft, self.reason_edit.text())
        except DomainError as exc:
            show_error(self, exc)
            return
        self.done(0)
