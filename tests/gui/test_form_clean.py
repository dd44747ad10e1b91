"""A clean form for every citizen: Ctrl+N / F2 ask before dropping typed data; a new card or
procedure resets what belonged to the previous one. Key events only, sent to the focus."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt

from counter_app.domain.idcard import format_id_qr, parse_id_qr
from counter_app.domain.models import ReturnMethod
from counter_app.texts import window as t
from counter_app.ui.main_window import MainWindow
from tests.gui.helpers import ID_QR
from tests.gui.keyboard import (
    ALT,
    CTRL,
    SHIFT,
    focused,
    key,
    keys,
    pick_procedure,
    scan,
    wait_focus,
    wait_focus_in,
)
from tests.gui.test_intake_view import BIRTH_CODE, ready

OTHER_QR = format_id_qr(
    parse_id_qr(ID_QR).__class__(
        id_number="001190654321",
        old_id_number=None,
        name="Trần Thị Mai",
        birth_date=parse_id_qr(ID_QR).birth_date,
        sex="Nữ",
        address="Xóm Chợ, xã Minh Hòa, tỉnh Phú Thọ",
        issue_date=None,
    )
)


def test_ctrl_n_and_f2_ask_before_dropping_typed_data(
    qtbot, make_window: Callable[..., MainWindow], folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    key(Qt.Key.Key_N, CTRL)  # nothing typed: no question
    assert view.confirm is None
    wait_focus(qtbot, view.picker.search_edit)
    pick_procedure(qtbot, BIRTH_CODE)
    scan()
    keys("0912345678")  # the focus went to the phone after the scan
    assert view.applicant_form.phone_edit.text() == "0912345678"
    key(Qt.Key.Key_F2)
    box = view.confirm
    assert box is not None and box.isVisible() and box.text() == t.DISCARD_TEXT
    wait_focus_in(qtbot, box)
    key(Qt.Key.Key_Return)  # Enter = back to the form, nothing lost
    qtbot.waitUntil(lambda: not box.isVisible())
    wait_focus(qtbot, view.picker.search_edit)
    assert view.applicant_form.name_edit.text() == "Nguyễn Văn Đức"
    key(Qt.Key.Key_N, CTRL)
    box = view.confirm
    assert box is not None
    wait_focus_in(qtbot, box)
    key(Qt.Key.Key_B, ALT)  # discard
    qtbot.waitUntil(lambda: not box.isVisible())
    wait_focus(qtbot, view.picker.search_edit)
    form = view.applicant_form
    assert (form.name_edit.text(), form.phone_edit.text(), view.picker.procedure()) == (
        "",
        "",
        None,
    )
    assert view.checklist.model.rowCount() == 0 and view.fee_edit.text() == ""


def test_a_new_card_resets_what_belonged_to_the_previous_citizen(
    qtbot, make_window: Callable[..., MainWindow], folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    pick_procedure(qtbot, BIRTH_CODE)
    scan()
    keys("0912345678")
    key(Qt.Key.Key_Tab)
    keys("Thôn Đông")  # the address, corrected by hand
    view.submitter_check.setFocus()  # (the officer tabs there) Space ticks it
    key(Qt.Key.Key_Space)
    assert view.submitter_check.isChecked()
    view.return_combo.setFocus()
    key(Qt.Key.Key_Down)  # by post
    assert view.return_method() is ReturnMethod.POSTAL
    key(Qt.Key.Key_Tab)
    keys("Số 1, xã Minh Hòa")
    view.due_panel.override_check.setFocus()
    key(Qt.Key.Key_Space)
    keys("Hồ sơ phức tạp")  # the focus went to the reason
    assert view.due_panel.override_check.isChecked()
    papers = view.checklist.model.rowCount()
    # The same card again keeps the phone; the next citizen's card resets everything of hers.
    key(Qt.Key.Key_Q, CTRL)
    scan()
    assert view.applicant_form.phone_edit.text() == "0912345678"
    key(Qt.Key.Key_Q, CTRL)
    scan(OTHER_QR)
    form = view.applicant_form
    assert form.name_edit.text() == "Trần Thị Mai" and form.phone_edit.text() == ""
    assert not view.submitter_check.isChecked() and view.submitter_form.is_empty()
    assert view.return_method() is ReturnMethod.COUNTER and view.return_address_edit.text() == ""
    assert not view.due_panel.override_check.isChecked() and view.due_panel.reason_edit.text() == ""
    assert view.picker.procedure() is not None and view.checklist.model.rowCount() == papers
    assert focused() is form.phone_edit


def test_a_new_procedure_resets_the_procedure_fields_not_the_person(
    qtbot, make_window: Callable[..., MainWindow], folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    pick_procedure(qtbot, BIRTH_CODE)
    scan()
    view.sets_spin.setFocus()
    key(Qt.Key.Key_Up)
    assert view.sets_spin.value() == 2
    view.due_panel.override_check.setFocus()
    key(Qt.Key.Key_Space)
    keys("Chờ xác minh")
    pick_procedure(qtbot, BIRTH_CODE)  # the same procedure: nothing changes
    assert view.sets_spin.value() == 2 and view.due_panel.override_check.isChecked()
    pick_procedure(qtbot, "1.000086")  # another one: its own papers, fee, no override
    assert view.sets_spin.value() == 1 and not view.due_panel.override_check.isChecked()
    assert view.picker.procedure() is not None and view.picker.procedure().code == "1.000086"
    assert view.applicant_form.name_edit.text() == "Nguyễn Văn Đức"
    assert focused() is view.due_panel.stated_amount  # that procedure has no catalogue time
    key(Qt.Key.Key_Tab, SHIFT)
