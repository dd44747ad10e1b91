"""An ID-card QR scanned into any field of the reception form fills the applicant block; a
damaged one is refused naming the field, never showing the citizen's data."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt

from counter_app.texts import window as t
from counter_app.ui.main_window import MainWindow
from tests.gui.helpers import ID_QR, press, type_text
from tests.gui.keyboard import (
    focused,
    key,
    keys,
    pick_procedure,
    scan,
    wait_focus,
    wait_focus_in,
)
from tests.gui.test_intake_view import BIRTH_CODE, ready

PERSONAL = ("Nguyễn", "001090123456", "Thôn Đông", "01011990")


def test_a_qr_scanned_into_the_name_field_fills_the_applicant(
    qtbot, make_window: Callable[..., MainWindow], folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    pick_procedure(qtbot, BIRTH_CODE)
    key(Qt.Key.Key_Tab)  # from the scan field to the name field
    form = view.applicant_form
    assert focused() is form.name_edit
    scan()
    assert form.name_edit.text() == "Nguyễn Văn Đức"  # the name, not the QR text
    assert form.id_edit.text() == "001090123456" and form.old_id_edit.text() == "123456789"
    assert form.birth_edit.text() == "01/01/1990" and form.sex_combo.currentText() == "Nam"
    assert form.address_edit.text() == "Thôn Đông, xã Minh Hòa, tỉnh Phú Thọ"
    assert view.message_label.text() == t.CARD_FILLED and focused() is form.phone_edit


def test_a_qr_scanned_into_the_procedure_field_keeps_the_procedure(
    qtbot, make_window: Callable[..., MainWindow], folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    pick_procedure(qtbot, BIRTH_CODE)
    key(Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    key(Qt.Key.Key_End)
    scan()
    assert view.applicant_form.name_edit.text() == "Nguyễn Văn Đức"
    procedure = view.picker.procedure()
    assert procedure is not None and procedure.code == BIRTH_CODE
    assert "|" not in view.picker.search_edit.text()
    assert not any(p in view.message_label.text() for p in PERSONAL)


def test_a_qr_scanned_into_an_empty_procedure_field_is_not_a_search(
    qtbot, make_window: Callable[..., MainWindow], folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    scan()  # right after login the focus is in the procedure field
    assert view.applicant_form.name_edit.text() == "Nguyễn Văn Đức"
    assert view.picker.search_edit.text() == "" and view.picker.procedure() is None
    assert view.message_label.text() == t.CARD_FILLED


def test_a_qr_scanned_into_the_submitter_block_fills_the_submitter(
    qtbot, make_window: Callable[..., MainWindow], folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    view.submitter_check.setFocus()  # (tabbed there)
    key(Qt.Key.Key_Space)
    key(Qt.Key.Key_Tab)
    assert focused() is view.submitter_form.scan_edit
    key(Qt.Key.Key_Tab)
    scan()  # into the submitter's name field
    assert view.submitter_form.name_edit.text() == "Nguyễn Văn Đức"
    assert view.applicant_form.is_empty()


def test_a_damaged_card_is_refused_without_personal_data(
    qtbot, make_window: Callable[..., MainWindow], folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    pick_procedure(qtbot, BIRTH_CODE)
    key(Qt.Key.Key_Tab)
    keys("Lê")
    scan(ID_QR.replace("|01011990|", "|31021990|"))  # no 31 February
    form = view.applicant_form
    assert form.name_edit.text() == "Lê"  # the scanned text did not stay in the field
    message = view.message_label.text()
    assert "Ngày sinh" in message and not any(p in message for p in PERSONAL)
    assert form.id_edit.text() == ""


def test_a_qr_scanned_into_the_checklist_ticks_nothing(
    qtbot, make_window: Callable[..., MainWindow], folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    pick_procedure(qtbot, BIRTH_CODE)
    scan()
    key(Qt.Key.Key_F5)  # nothing ticked: Enter goes back to the checklist
    wait_focus_in(qtbot, view.confirm)
    key(Qt.Key.Key_Return)
    wait_focus(qtbot, view.checklist.table)
    scan()  # its spaces would toggle the current paper
    assert not any(item.received for item in view.checklist.model.items())
    assert view.applicant_form.name_edit.text() == "Nguyễn Văn Đức"


def test_fast_typing_that_is_no_card_is_given_back(
    qtbot, make_window: Callable[..., MainWindow], folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    pick_procedure(qtbot, BIRTH_CODE)
    key(Qt.Key.Key_Tab)
    scan("001090123456|Lê Văn")  # 12 digits and a bar, but no card: nothing is lost
    assert view.applicant_form.name_edit.text() == "001090123456|Lê Văn"


def test_a_scanner_pressing_shift_for_bars_and_capitals_is_still_one_burst(
    qtbot, make_window: Callable[..., MainWindow], folder_printer
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    view = ready(qtbot, make_window, folder_printer)
    widget = focused()
    for ch in ID_QR:
        if ch == "|" or ch.isupper():  # a real scanner sends Shift first, a key without text
            shift = QKeyEvent(
                QEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier
            )
            QApplication.sendEvent(widget, shift)
        type_text(widget, ch)
    press(widget)
    assert view.applicant_form.name_edit.text() == "Nguyễn Văn Đức"
