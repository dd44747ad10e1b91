"""Fees and roles in the window, by key events only (tests/gui/keyboard.py): an officer
records a fee with Alt+P; an officer's apology becomes a draft the leader sees on the
dossier and approves with Alt+Y then Enter; Alt+Y for an officer says why not and changes
nothing."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt

from counter_app import texts
from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.printing.printer import FolderPrinter
from counter_app.services.actions import Action
from counter_app.services.approvals import request_approval
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.texts import fees as ft
from counter_app.ui.dialogs.dossier_dialog import DossierDialog
from counter_app.ui.dialogs.fee_dialog import FeeDialog
from counter_app.ui.main_window import MainWindow
from counter_app.ui.widgets.role_gate import ApprovalDialog
from counter_app.ui.workers import wait_for_background
from tests.conftest import make_applicant
from tests.gui.helpers import message_boxes
from tests.gui.keyboard import (
    ALT,
    CTRL,
    back_to_window,
    focused,
    key,
    keys,
    pick_procedure,
    scan,
    wait_focus_in,
)
from tests.gui.test_intake_view import ready, stored

RESIDENCE = "1.004222"  # Đăng ký thường trú: 20,000 đ at the counter


def _received(ctx: StationContext) -> Dossier:
    request = ReceptionRequest(procedure_code=RESIDENCE, applicant=make_applicant())
    return receive_dossier(ctx, request, officer="canbo")[0]


def _open(qtbot, window: MainWindow, dossier: Dossier) -> DossierDialog:  # type: ignore[no-untyped-def]
    # the reminders (a draft waiting is one) come up once at start: closed first
    qtbot.wait(50)  # the start's reminders run first
    qtbot.waitUntil(lambda: window.followup.reminders.last is not None)
    window.followup.reminders_dialog.hide()
    dialog = window.open_dossier(dossier)
    dialog.activateWindow()
    wait_focus_in(qtbot, dialog)
    back_to_window(qtbot)
    return dialog


def test_an_officer_records_a_fee_by_keyboard(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    dossier = _received(station)
    assert dossier.fee_due == 20_000
    dialog = _open(qtbot, make_window(folder_printer), dossier)
    key(Qt.Key.Key_P, ALT)
    form = dialog.action_panel.dialog
    assert isinstance(form, FeeDialog)
    wait_focus_in(qtbot, form)
    # the amount due is known: the focus is in what was collected
    qtbot.waitUntil(lambda: focused() is form.collected_edit)
    keys("20000")
    assert form.method_combo.currentData() == "cash"
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Tab)
    assert focused() is form.receipt_edit
    keys("BL-0042")
    key(Qt.Key.Key_Return)
    wait_for_background()
    qtbot.waitUntil(lambda: not form.isVisible())
    stored = station.store.dossiers.by_uuid(dossier.uuid)
    assert stored is not None
    assert (stored.fee_collected, stored.fee_method, stored.fee_receipt_no) == (
        20_000,
        "cash",
        "BL-0042",
    )
    assert "fee_recorded" in {e.kind for e in station.store.dossiers.events_of(dossier.uuid)}
    shown = dialog.value_labels[-1].text()  # the dossier window says it too
    assert shown == ft.dossier_fee(stored) and "biên lai số BL-0042" in shown


def test_the_leader_approves_an_officers_draft_by_keyboard(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
    clock: FixedClock,
) -> None:  # type: ignore[no-untyped-def]
    dossier = _received(station)
    assert dossier.due_at is not None
    clock.advance(hours=1)
    new_due = (dossier.due_at.replace(hour=16)).isoformat()
    drafted, _ = request_approval(
        station,
        dossier,
        Action.APOLOGY,
        officer="canbo",
        payload={"new_due": new_due, "reason": "Chờ xác minh"},
    )
    assert drafted.pending and not drafted.apology_issued  # nothing changed yet
    officer_dialog = _open(qtbot, make_window(folder_printer), drafted)
    approve = officer_dialog.action_panel.buttons[Action.APPROVAL_DECLINE]
    assert not approve.isEnabled()
    assert approve.toolTip() == ft.not_allowed_tooltip("approve", ["leader"])
    assert officer_dialog.action_panel.roles.drafts_label.text().startswith(ft.DRAFT_WAITING)
    events = len(station.store.dossiers.events_of(dossier.uuid))
    key(Qt.Key.Key_Y, ALT)  # the officer tries anyway: told why, nothing written
    refused = texts.error_message(
        DomainError(ErrorCode.ROLE_REQUIRED, username="canbo", action="approve", roles=["leader"])
    )
    qtbot.waitUntil(lambda: [b.text() for b in message_boxes()] == [refused])
    for box in message_boxes():
        box.close()
    assert len(station.store.dossiers.events_of(dossier.uuid)) == events
    officer_dialog.close()

    leader = make_window(folder_printer, username="lanhdao")
    qtbot.waitUntil(lambda: leader.followup.reminders.last is not None)  # at start
    reminders = leader.followup.reminders.last
    assert reminders is not None and leader.followup.reminders_dialog.isVisible()
    listed = leader.followup.reminders_dialog.drafts_list
    assert [uuid for uuid, _ in reminders.drafts] == [dossier.uuid] and listed.count() == 1
    assert (dossier.code or "") in listed.item(0).text()
    leader_dialog = _open(qtbot, leader, drafted)
    panel = leader_dialog.action_panel
    assert panel.buttons[Action.APPROVAL_DECLINE].isEnabled()
    assert panel.roles.drafts_label.isVisible()
    key(Qt.Key.Key_Y, ALT)
    form = panel.dialog
    assert isinstance(form, ApprovalDialog)
    wait_focus_in(qtbot, form)
    key(Qt.Key.Key_Return)  # Enter approves
    wait_for_background()
    qtbot.waitUntil(lambda: not form.isVisible())
    stored = station.store.dossiers.by_uuid(dossier.uuid)
    assert stored is not None and stored.apology_issued and not stored.pending
    qtbot.waitUntil(lambda: len(folder_printer.jobs()) == 1)  # Mẫu 04, printed
    wait_for_background()
    qtbot.waitUntil(
        lambda: "slip_printed" in {e.kind for e in station.store.dossiers.events_of(dossier.uuid)}
    )
    events_now = station.store.dossiers.events_of(dossier.uuid)
    kinds = sorted(e.kind for e in events_now)
    assert kinds == ["apology_issued", "approval_requested", "received", "slip_printed"]
    approval = next(e for e in events_now if e.kind == "apology_issued")
    assert approval.officer == "lanhdao"
    assert approval.payload["approves"] == drafted.pending[0]["uuid"]
    assert not panel.roles.drafts_label.isVisible()


def test_a_fee_collected_at_reception_by_keyboard(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    pick_procedure(qtbot, RESIDENCE)
    assert view.fee_row.summary.text() == ft.fee_summary(20_000, None)  # the catalogue's
    key(Qt.Key.Key_P, ALT)  # "Thu &phí…"
    form = view.fee_row.dialog
    assert isinstance(form, FeeDialog)
    wait_focus_in(qtbot, form)
    qtbot.waitUntil(lambda: focused() is form.collected_edit)
    keys("20000")
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Tab)
    keys("BL-0100")
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not form.isVisible())
    assert "biên lai số BL-0100" in view.fee_row.summary.text()
    wait_focus_in(qtbot, view.window())  # the focus is back in the form
    key(Qt.Key.Key_Q, CTRL)
    scan()
    key(Qt.Key.Key_F5)
    box = view.confirm
    assert box is not None
    wait_focus_in(qtbot, box)
    key(Qt.Key.Key_T, ALT)  # receive without papers
    qtbot.waitUntil(lambda: len(stored(station)) == 1)
    (dossier,) = stored(station)
    assert (dossier.fee_due, dossier.fee_collected, dossier.fee_method) == (20_000, 20_000, "cash")
    assert dossier.fee_receipt_no == "BL-0100"
    assert view.fee_row.payment is None  # the next citizen's form is empty
