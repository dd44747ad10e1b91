"""A whole reception driven by key events only (sent to the focused widget), every outcome."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from counter_app.domain.dossier import Dossier, Status
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import intake
from counter_app.services.station import StationContext
from counter_app.texts import window as t
from counter_app.ui.main_window import MainWindow
from counter_app.ui.views.intake_view import IntakeView
from tests.gui.helpers import OfflinePrinter, message_boxes, pdf_text
from tests.gui.keyboard import (
    ALT,
    CTRL,
    focused,
    key,
    keys,
    pick_procedure,
    scan,
    tick_papers,
    wait_focus,
    wait_focus_in,
)

BIRTH_CODE = "1.001193"


def stored(ctx: StationContext) -> list[Dossier]:
    return list(ctx.store.dossiers.iter_all())


def ready(qtbot, make_window: Callable[..., MainWindow], printer: object) -> IntakeView:  # type: ignore[no-untyped-def]
    """The window just after login: the focus is in the procedure field, nothing clicked."""
    window = make_window(printer)
    window.followup.reminders_dialog.hide()
    ticks = iter(range(0, 10**9, 5))  # keys 5 ms apart, as a scanner types (the GUI thread
    window.followup.scan.clock_ms = lambda: float(next(ticks))  # may be slower than that)
    window.activateWindow()
    view = window.intake_view
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.picker.search_edit)
    return view


def fill_birth_registration(qtbot, view: IntakeView, papers: int = 3) -> None:  # type: ignore[no-untyped-def]
    """Procedure, card scan, then F5 with nothing ticked → back to the list → tick ``papers``."""
    pick_procedure(qtbot, BIRTH_CODE)
    assert focused() is view.applicant_form.scan_edit
    scan()
    assert view.message_label.text() == t.CARD_FILLED
    key(Qt.Key.Key_F5)
    box = view.confirm
    assert box is not None and box.isVisible() and box.text() == t.NO_PAPER_TEXT
    wait_focus_in(qtbot, box)
    key(Qt.Key.Key_Return)  # Enter = back to the checklist
    qtbot.waitUntil(lambda: not box.isVisible())
    wait_focus(qtbot, view.checklist.table)
    assert stored(view.ctx) == []
    tick_papers(papers)


def test_whole_reception_by_keys(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    assert view.due_panel.override_edit.text().strip() == ""  # no date before a procedure
    fill_birth_registration(qtbot, view, papers=3)
    form = view.applicant_form
    assert form.name_edit.text() == "Nguyễn Văn Đức" and form.birth_edit.text() == "01/01/1990"
    assert view.due_panel.due_label.text() == "17:00 ngày 13/02/2026"
    assert view.due_panel.override_edit.text() == "13/02/2026 17:00"
    key(Qt.Key.Key_F5)

    (dossier,) = stored(station)
    assert dossier.status is Status.RECEIVED and dossier.procedure_code == BIRTH_CODE
    assert dossier.code is not None and dossier.code.startswith("000.00.19.H56-260213-00")
    assert [d.received for d in dossier.documents][:4] == [True, True, True, False]
    assert dossier.applicant.name == "Nguyễn Văn Đức"
    assert dossier.code in view.outcome_bar.title_label.text()
    # The form is empty for the next citizen, the focus back in the procedure field.
    assert focused() is view.picker.search_edit
    assert form.name_edit.text() == "" and view.checklist.model.rowCount() == 0
    assert view.due_panel.override_edit.text().strip() == ""  # not the last citizen's date
    qtbot.waitUntil(lambda: len(folder_printer.jobs()) >= 1)
    text = pdf_text(folder_printer.jobs()[0].read_bytes())
    assert "Nguyễn Văn Đức" in text
    assert view.window().today_view.table.model().rowCount() == 1


def test_receiving_without_any_paper_is_an_explicit_choice(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    pick_procedure(qtbot, BIRTH_CODE)
    scan()
    key(Qt.Key.Key_F5)
    box = view.confirm
    assert box is not None and box.isVisible()
    assert box.defaultButton().text() == t.NO_PAPER_BACK
    wait_focus_in(qtbot, box)
    key(Qt.Key.Key_Escape)  # Esc = back, too
    qtbot.waitUntil(lambda: not box.isVisible())
    wait_focus(qtbot, view.checklist.table)
    assert stored(station) == []
    key(Qt.Key.Key_F5)
    box = view.confirm
    assert box is not None and box.isVisible()
    wait_focus_in(qtbot, box)
    key(Qt.Key.Key_T, ALT)  # the explicit choice
    qtbot.waitUntil(lambda: len(stored(station)) == 1)
    (dossier,) = stored(station)
    assert not any(d.received for d in dossier.documents)
    wait_focus(qtbot, view.picker.search_edit)


def test_supplement_request_by_keys_lists_the_missing_papers(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    pick_procedure(qtbot, BIRTH_CODE)
    scan()
    key(Qt.Key.Key_F6)
    dialog = view.reason_dialog
    assert dialog is not None and dialog.isVisible()
    assert wait_focus_in(qtbot, dialog) is dialog.missing_edit  # the first field
    missing = dialog.missing()
    assert missing and len(missing) == view.checklist.model.rowCount()
    key(Qt.Key.Key_Return, CTRL)  # Ctrl+Enter confirms from the list (Enter adds a line)
    (dossier,) = stored(station)
    assert dossier.status is Status.GUIDED and dossier.code is None
    assert dossier.missing == missing and dossier.reason == t.GUIDE_REASON_DEFAULT
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: focused() is view.picker.search_edit)
    qtbot.waitUntil(lambda: len(folder_printer.jobs()) >= 1)


def test_a_refused_refusal_keeps_the_typed_reason(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    pick_procedure(qtbot, BIRTH_CODE)
    scan()
    key(Qt.Key.Key_F7)
    dialog = view.reason_dialog
    assert dialog is not None and wait_focus_in(qtbot, dialog) is dialog.reason_edit
    key(Qt.Key.Key_Return)  # empty reason: refused in the dialog
    assert dialog.isVisible() and "lý do" in dialog.error_label.text()
    keys("Không thuộc thẩm quyền giải quyết của xã")
    real = intake.refuse_dossier
    calls: list[int] = []

    def refuse_once(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            raise DomainError(ErrorCode.APPLICANT_FIELD_INVALID, field="name", problem="too_long")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(intake, "refuse_dossier", refuse_once)
    key(Qt.Key.Key_Return)  # the service refuses: the dialog stays, the reason is kept
    assert dialog.isVisible() and dialog.reason() == "Không thuộc thẩm quyền giải quyết của xã"
    assert "Họ và tên" in dialog.error_label.text() and stored(station) == []
    key(Qt.Key.Key_Return)
    (dossier,) = stored(station)
    assert dossier.status is Status.REFUSED and dossier.code is None
    assert dossier.reason == "Không thuộc thẩm quyền giải quyết của xã"
    assert view.outcome_bar.title_label.text() == t.refused_banner("Nguyễn Văn Đức")


def test_an_unmatched_procedure_is_refused_without_echoing_it(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    keys("zzqqxx")
    key(Qt.Key.Key_F5)
    assert view.message_label.text() == t.PROCEDURE_NOT_MATCHED
    assert "zzqqxx" not in view.message_label.text()
    assert stored(station) == [] and folder_printer.jobs() == []


def test_missing_and_bad_fields_are_named(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    key(Qt.Key.Key_F5)
    assert view.message_label.text() == t.PROCEDURE_REQUIRED
    pick_procedure(qtbot, BIRTH_CODE)
    key(Qt.Key.Key_F5)
    assert view.message_label.text() == "Thiếu thông tin người nộp hồ sơ: họ và tên."
    assert focused() is view.applicant_form.name_edit
    form = view.applicant_form
    keys("Nguyễn Văn Đức")  # typed by hand, row by row: name, sex, ID, (old ID), birth...
    key(Qt.Key.Key_Tab)
    keys("N")
    key(Qt.Key.Key_Tab)
    keys("001090123456")
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Tab)
    assert focused() is form.birth_edit
    keys("31/13/1990")
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Tab)  # (phone)
    keys("Thôn Đông, xã Minh Hòa")
    key(Qt.Key.Key_F5)
    assert view.message_label.text() == t.BIRTH_FORMAT and "31/01/1990" in t.BIRTH_FORMAT
    assert focused() is form.birth_edit
    key(Qt.Key.Key_A, CTRL)
    keys("01/01/2027")  # the clock says 13/02/2026
    key(Qt.Key.Key_F5)
    assert view.message_label.text() == t.BIRTH_FUTURE and focused() is form.birth_edit
    assert stored(station) == []
    key(Qt.Key.Key_A, CTRL)
    keys("1990-01-31")  # what the old message asked for is taken too
    key(Qt.Key.Key_F5)
    assert view.confirm is not None and view.confirm.isVisible()
    wait_focus_in(qtbot, view.confirm)
    key(Qt.Key.Key_T, ALT)
    qtbot.waitUntil(lambda: len(stored(station)) == 1)
    (dossier,) = stored(station)
    assert dossier.applicant.birth_date.isoformat() == "1990-01-31"


def test_printer_offline_keeps_the_dossier_and_prints_again(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext
) -> None:  # type: ignore[no-untyped-def]
    offline = OfflinePrinter()
    view = ready(qtbot, make_window, offline)
    fill_birth_registration(qtbot, view, papers=1)
    key(Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: offline.attempts >= 1)
    qtbot.waitUntil(lambda: bool(message_boxes()))
    for box in message_boxes():
        assert "QUAY-1" in box.text()
        box.close()
    (dossier,) = stored(station)
    assert dossier.code is not None and dossier.code in view.outcome_bar.title_label.text()
    qtbot.waitUntil(lambda: view.outcome_bar.note_label.text() == t.PRINT_FAILED_NOTE)
    view.window().activateWindow()  # what the window manager does when the box closes
    wait_focus(qtbot, view.picker.search_edit)
    attempts = offline.attempts
    key(Qt.Key.Key_P, CTRL)  # print again, from the (empty) form
    qtbot.waitUntil(lambda: offline.attempts > attempts)
    assert len(stored(station)) == 1


def test_preview_shows_the_archived_slip(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    fill_birth_registration(qtbot, view, papers=2)
    key(Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: len(folder_printer.jobs()) >= 1)
    qtbot.waitUntil(lambda: view.slip_path is not None)
    view.outcome_bar.preview_button.click()
    qtbot.waitUntil(lambda: view.preview_dialog is not None and view.preview_dialog.isVisible())
    dialog = view.preview_dialog
    assert dialog is not None and len(dialog.page_labels) >= 1
    assert dialog.print_button.isDefault()
    wait_focus_in(qtbot, dialog)
    key(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: focused() is view.picker.search_edit)


def test_a_qr_that_is_not_an_id_card_changes_nothing(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    key(Qt.Key.Key_Q, CTRL)
    scan()
    key(Qt.Key.Key_Q, CTRL)
    scan("https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html?ma=ĐK")
    assert "Mã QR vừa quét không phải" in view.message_label.text()
    assert view.applicant_form.name_edit.text() == "Nguyễn Văn Đức"
    assert stored(station) == []


def test_message_boxes_are_keyboard_first(qtbot, make_window, folder_printer) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    keys("khai sinh")
    key(Qt.Key.Key_N, CTRL)
    box = view.confirm
    assert isinstance(box, QMessageBox) and box.defaultButton().text() == t.DISCARD_BACK
    wait_focus_in(qtbot, box)
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not box.isVisible())
    wait_focus(qtbot, view.picker.search_edit)
    assert view.picker.search_edit.text() == "khai sinh"


def test_a_refusal_naming_a_field_goes_once_that_field_is_changed(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    fill_birth_registration(qtbot, view, papers=2)
    form = view.applicant_form
    key(Qt.Key.Key_Q, CTRL)  # the citizen block
    wait_focus(qtbot, form.scan_edit)
    for _ in range(40):  # Tab through the form up to the sex, as an officer would
        if focused() is form.sex_combo:
            break
        key(Qt.Key.Key_Tab)
    assert focused() is form.sex_combo
    key(Qt.Key.Key_Home)  # the empty choice
    assert form.sex_combo.currentData() is None
    key(Qt.Key.Key_F5)
    refusal = view.message_label.text()
    assert "giới tính" in refusal and stored(station) == []
    assert focused() is form.sex_combo
    keys("Na")  # an officer types the first letters of the choice
    qtbot.waitUntil(lambda: form.sex_combo.currentText() == "Nam")
    assert view.message_label.text() == ""  # the red sentence no longer contradicts the form
    key(Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: len(stored(station)) == 1)


def test_the_due_date_override_starts_from_now_before_any_procedure(
    qtbot, make_window: Callable[..., MainWindow], folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    view.due_panel.override_check.setFocus()  # (the officer tabs there) Space ticks it
    key(Qt.Key.Key_Space)
    assert view.due_panel.override_check.isChecked()
    assert view.due_panel.override_edit.text().startswith("13/02/2026 ")  # today, not 2000
