"""Actions after reception, each driven through the dossier dialog's real widgets."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from counter_app import texts
from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import Dossier, Status
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services.actions import Action
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.texts import followup as f
from counter_app.ui.dialogs.action_dialogs import ActionDialog
from counter_app.ui.dialogs.dossier_dialog import DossierDialog
from counter_app.ui.main_window import MainWindow
from counter_app.ui.widgets.action_panel import APOLOGY_LETTER, CONTROL_SHEET
from counter_app.ui.workers import wait_for_background
from tests.conftest import make_applicant
from tests.gui.helpers import message_boxes, type_text

SEVEN_DAYS = "1.014061"  # Cấp thẻ căn cước: 7 working days


def received(ctx: StationContext, procedure: str = SEVEN_DAYS) -> Dossier:
    request = ReceptionRequest(procedure_code=procedure, applicant=make_applicant())
    return receive_dossier(ctx, request, officer="canbo")[0]


def open_dialog(window: MainWindow, dossier: Dossier) -> DossierDialog:
    return window.open_dossier(dossier)


def act(qtbot, dialog: DossierDialog, action: Action) -> QDialog:  # type: ignore[no-untyped-def]
    button = dialog.action_panel.buttons[action]
    assert button.isEnabled(), button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    form = dialog.action_panel.dialog
    assert form is not None and form.isVisible()
    return form


def confirm(qtbot, form: QDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(form.confirm_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    wait_for_background()


def stored(ctx: StationContext, dossier: Dossier) -> Dossier:
    found = ctx.store.dossiers.by_uuid(dossier.uuid)
    assert found is not None
    return found


def kinds(ctx: StationContext, dossier: Dossier) -> list[str]:
    return [e.kind for e in ctx.store.dossiers.events_of(dossier.uuid)]


def forms(ctx: StationContext, dossier: Dossier) -> list[tuple[str, bool]]:
    for _ in range(3):  # a print is recorded once the printer confirmed it (and queued ones)
        wait_for_background()
        QApplication.processEvents()
    return [(p.form, p.reprint) for p in ctx.store.prints.of_dossier(dossier.uuid)]


def test_handover_and_back_print_the_control_sheet(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer)
    dossier = received(station)
    dialog = open_dialog(window, dossier)
    form = act(qtbot, dialog, Action.HANDOVER)
    type_text(form.who_edit, "Phòng Tư pháp")  # type: ignore[attr-defined]
    confirm(qtbot, form)
    assert not form.isVisible()
    assert stored(station, dossier).status is Status.IN_PROGRESS
    events = station.store.dossiers.events_of(dossier.uuid)
    event = next(e for e in events if e.kind == "handed_over")
    assert (event.kind, event.payload["to"]) == ("handed_over", "Phòng Tư pháp")
    expected = [(CONTROL_SHEET.value, False)] if CONTROL_SHEET is not None else []
    assert forms(station, dossier) == expected
    history = [dialog.history_list.item(i).text() for i in range(dialog.history_list.count())]
    assert any("Phòng Tư pháp" in line for line in history)
    assert dialog.action_panel.buttons[Action.HANDBACK].isEnabled()
    form = act(qtbot, dialog, Action.HANDBACK)
    confirm(qtbot, form)
    assert stored(station, dossier).status is Status.RECEIVED
    assert "handed_back" in kinds(station, dossier)


def test_result_then_return_then_rating(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer)
    dossier = received(station)
    dialog = open_dialog(window, dossier)
    form = act(qtbot, dialog, Action.RESULT)
    type_text(form.number_edit, "123/QĐ-UBND")  # type: ignore[attr-defined]
    confirm(qtbot, form)
    after = stored(station, dossier)
    assert (after.status, after.outcome) == (Status.RESOLVED, "approved")
    form = act(qtbot, dialog, Action.RETURN)
    form.applicant_check.setChecked(False)  # type: ignore[attr-defined]
    type_text(form.receiver_edit, "Trần Thị Mai")  # type: ignore[attr-defined]
    confirm(qtbot, form)
    after = stored(station, dossier)
    assert after.status is Status.RETURNED and after.returned_at is not None
    payload = station.store.dossiers.events_of(dossier.uuid)[-1].payload
    assert payload["receiver_name"] == "Trần Thị Mai"
    assert payload["receiver_is_applicant"] is False and payload["originals_returned"] is True
    form = act(qtbot, dialog, Action.RATING)
    form.radios["rat_hai_long"].setChecked(True)  # type: ignore[attr-defined]
    type_text(form.comment_edit, "Nhanh gọn")  # type: ignore[attr-defined]
    confirm(qtbot, form)
    assert stored(station, dossier).rating == "rat_hai_long"
    assert f.RATING_LABELS["rat_hai_long"] in dialog.history_list.item(3).text()


def test_supplement_request_stops_the_clock_and_its_receipt_restarts_it(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer,
    clock: FixedClock,
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer)
    dossier = received(station)
    dialog = open_dialog(window, dossier)
    form = act(qtbot, dialog, Action.SUPPLEMENT_REQUEST)
    type_text(form.missing_edit, "Giấy khai sinh bản sao")  # type: ignore[attr-defined]
    type_text(form.reason_edit, "Thiếu giấy tờ")  # type: ignore[attr-defined]
    confirm(qtbot, form)
    paused = stored(station, dossier)
    assert paused.status is Status.SUPPLEMENT_REQUESTED and paused.paused_at is not None
    clock.advance(days=5)
    form = act(qtbot, dialog, Action.SUPPLEMENT_RECEIVED)
    confirm(qtbot, form)
    resumed = stored(station, dossier)
    assert resumed.status is Status.RECEIVED and resumed.paused_at is None
    assert resumed.due_at is not None and dossier.due_at is not None
    assert resumed.due_at > dossier.due_at
    assert kinds(station, dossier)[-2:] == ["supplement_requested", "supplement_received"]


def test_apology_once_with_its_letter_then_refused(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer, username="lanhdao")  # the leader's (item 8)
    dossier = received(station)
    dialog = open_dialog(window, dossier)
    form = act(qtbot, dialog, Action.APOLOGY)
    type_text(form.reason_edit, "Chờ xác minh")  # type: ignore[attr-defined]
    new_due = form.new_due()  # type: ignore[attr-defined]
    confirm(qtbot, form)
    after = stored(station, dossier)
    assert after.apology_issued and after.due_at == new_due
    assert after.original_due_at == dossier.due_at
    assert forms(station, dossier) == [(APOLOGY_LETTER.value, False)]
    assert list(folder_printer.folder.glob("*.pdf"))  # type: ignore[attr-defined]
    button = dialog.action_panel.buttons[Action.APOLOGY]
    already = texts.error_message(DomainError(ErrorCode.APOLOGY_ALREADY_ISSUED))
    assert not button.isEnabled() and button.toolTip() == already
    events = kinds(station, dossier)
    assert dialog.action_panel.start(Action.APOLOGY) is None
    assert [b.text() for b in message_boxes()] == [already]
    assert kinds(station, dossier) == events


def test_apology_after_the_deadline_shows_the_reason_and_changes_nothing(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer,
    clock: FixedClock,
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer, username="lanhdao")  # the leader's (item 8)
    dossier = received(station)
    assert dossier.due_at is not None
    clock.at = dossier.due_at.replace(hour=8)  # the due day itself: too late
    dialog = open_dialog(window, dossier)
    form = act(qtbot, dialog, Action.APOLOGY)
    type_text(form.reason_edit, "Chậm")  # type: ignore[attr-defined]
    confirm(qtbot, form)
    assert form.isVisible()
    assert form.error_label.text() == texts.error_message(  # type: ignore[attr-defined]
        DomainError(ErrorCode.APOLOGY_TOO_LATE)
    )
    assert kinds(station, dossier) == ["received"]
    assert stored(station, dossier) == dossier
    assert forms(station, dossier) == []
    form.reject()


def test_returning_an_unresolved_dossier_is_refused(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer)
    dossier = received(station)
    dialog = open_dialog(window, dossier)
    button = dialog.action_panel.buttons[Action.RETURN]
    reason = texts.error_message(
        DomainError(ErrorCode.ACTION_NOT_ALLOWED, action="returned", status=Status.RECEIVED)
    )
    assert not button.isEnabled() and button.toolTip() == reason
    assert dialog.action_panel.start(Action.RETURN) is None
    assert [b.text() for b in message_boxes()] == [reason]
    assert kinds(station, dossier) == ["received"]


def test_withdrawal_needs_a_reason(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer)
    dossier = received(station)
    dialog = open_dialog(window, dossier)
    form = act(qtbot, dialog, Action.WITHDRAW)
    confirm(qtbot, form)
    assert form.isVisible() and form.error_label.text()  # type: ignore[attr-defined]
    assert kinds(station, dossier) == ["received"]
    type_text(form.text_edit, "Công dân xin rút")  # type: ignore[attr-defined]
    confirm(qtbot, form)
    assert stored(station, dossier).status is Status.WITHDRAWN
    assert dialog.value_labels[1].text() == texts.STATUS_LABELS[Status.WITHDRAWN]


def test_correction_reissues_the_receipt_and_keeps_both_prints(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer, username="lanhdao")  # the leader's (item 8)
    dossier = received(station)
    window.desk.issue_and_print(dossier, parent=window)
    wait_for_background()
    dialog = open_dialog(window, dossier)
    form = act(qtbot, dialog, Action.CORRECT)
    assert isinstance(form, ActionDialog)
    form.edits["name"].clear()  # type: ignore[attr-defined]
    type_text(form.edits["name"], "Nguyễn Văn Đạt")  # type: ignore[attr-defined]
    type_text(form.reason_edit, "Ghi nhầm tên")  # type: ignore[attr-defined]
    confirm(qtbot, form)
    assert stored(station, dossier).applicant.name == "Nguyễn Văn Đạt"
    assert "corrected" in kinds(station, dossier)
    assert forms(station, dossier) == [("receipt", False), ("receipt", True)]
    assert dialog.prints_list.count() == 2
    assert dialog.value_labels[3].text() == "Nguyễn Văn Đạt"
