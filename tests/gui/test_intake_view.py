"""A whole reception driven through the real widgets, with every outcome and bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import Qt

from counter_app import texts
from counter_app.domain.dossier import Dossier, Status
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.printing.printer import FolderPrinter
from counter_app.services.station import StationContext
from counter_app.texts import window as t
from counter_app.ui.main_window import MainWindow
from counter_app.ui.models.checklist_model import RECEIVED
from counter_app.ui.views.intake_view import IntakeView
from tests.gui.helpers import (
    ID_QR,
    OfflinePrinter,
    SwitchablePrinter,
    message_boxes,
    pdf_text,
    press,
    type_text,
)

BIRTH_CODE = "1.001193"


def pick_birth_registration(qtbot, view: IntakeView) -> None:  # type: ignore[no-untyped-def]
    picker = view.picker
    picker.search_edit.setFocus()
    qtbot.keyClicks(picker.search_edit, "khai sinh")
    popup = picker.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    model = popup.model()
    rows = [model.index(r, 0) for r in range(model.rowCount())]
    index = next(i for i in rows if i.data().startswith(f"{BIRTH_CODE} "))
    popup.scrollTo(index)
    qtbot.mouseClick(
        popup.viewport(), Qt.MouseButton.LeftButton, pos=popup.visualRect(index).center()
    )
    assert picker.procedure() is not None and picker.procedure().code == BIRTH_CODE


def scan_id_card(view: IntakeView, text: str = ID_QR) -> None:
    scan = view.applicant_form.scan_edit
    scan.setFocus()
    type_text(scan, text)
    press(scan)


def tick(qtbot, view: IntakeView, rows: range | list[int]) -> None:  # type: ignore[no-untyped-def]
    table = view.checklist.table
    table.setFocus()
    for row in rows:
        table.setCurrentIndex(view.checklist.model.index(row, RECEIVED))
        qtbot.keyClick(table, Qt.Key.Key_Space)


def stored(ctx: StationContext) -> list[Dossier]:
    return list(ctx.store.dossiers.iter_all())


def test_whole_reception_through_the_widgets(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer)
    view = window.intake_view
    pick_birth_registration(qtbot, view)
    assert view.checklist.model.rowCount() == 8
    assert view.fee_edit.text() == "Miễn phí"
    assert view.due_panel.due_label.text() == "17:00 ngày 13/02/2026"

    scan_id_card(view)
    form = view.applicant_form
    assert form.name_edit.text() == "Nguyễn Văn Đức"
    assert form.id_edit.text() == "001090123456"
    assert form.old_id_edit.text() == "123456789"
    assert form.birth_edit.text() == "01/01/1990"
    assert form.sex_combo.currentText() == "Nam"
    assert form.address_edit.text() == "Thôn Đông, xã Minh Hòa, tỉnh Phú Thọ"
    assert view.message_label.text() == t.CARD_FILLED

    tick(qtbot, view, [3, 5, 6])
    assert [i.received for i in view.checklist.model.items()] == [
        False,
        False,
        False,
        True,
        False,
        True,
        True,
        False,
    ]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    view.applicant_form.phone_edit.setFocus()
    qtbot.keyClick(view.applicant_form.phone_edit, Qt.Key.Key_F5)

    (dossier,) = stored(station)
    assert dossier.status is Status.RECEIVED
    assert dossier.code is not None and dossier.code.startswith("000.00.19.H56-260213-00")
    assert dossier.procedure_code == BIRTH_CODE
    assert dossier.due_at == datetime(2026, 2, 13, 17, 0, tzinfo=VN_TZ)
    assert dossier.applicant.name == "Nguyễn Văn Đức"
    assert dossier.applicant.birth_date == date(1990, 1, 1)
    assert dossier.applicant.issue_date == date(2021, 6, 15)
    assert [d.received for d in dossier.documents].count(True) == 3
    assert dossier.code in view.outcome_bar.title_label.text()

    qtbot.waitUntil(lambda: len(folder_printer.jobs()) == 1)
    job = folder_printer.jobs()[0]
    assert job.name.endswith("-a5-x2.pdf")
    (record,) = station.store.prints.of_dossier(dossier.uuid)
    archived = station.store.data_dir / record.path
    assert archived.read_bytes() == job.read_bytes()
    qtbot.waitUntil(lambda: view.outcome_bar.note_label.text() == t.printed_note(2))
    # The form stays as it was saved (read-only) until a new dossier is started.
    assert not view.receive_button.isEnabled() and form.name_edit.text() == "Nguyễn Văn Đức"
    assert window.today_view.table.model().rowCount() == 1
    view.outcome_bar.new_button.click()
    assert form.name_edit.text() == "" and view.receive_button.isEnabled()


def test_supplement_request_lists_the_missing_papers(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    view = make_window(folder_printer).intake_view
    pick_birth_registration(qtbot, view)
    scan_id_card(view)
    tick(qtbot, view, [0, 1, 2, 4, 5, 6, 7])  # only the birth certificate (row 3) is missing
    view.guide_button.click()
    dialog = view.reason_dialog
    assert dialog is not None and dialog.isVisible()
    missing_name = view.checklist.model.items()[3].name
    assert dialog.missing() == (missing_name,)
    dialog.reason_edit.setPlainText("")
    dialog.confirm_button.click()
    assert dialog.isVisible() and "lý do" in dialog.error_label.text()
    dialog.reason_edit.setPlainText("Thiếu Giấy chứng sinh")
    dialog.confirm_button.click()

    (dossier,) = stored(station)
    assert dossier.status is Status.GUIDED and dossier.code is None
    assert dossier.missing == (missing_name,) and dossier.reason == "Thiếu Giấy chứng sinh"
    assert not any(name.startswith("code|") for name in station.store.counters.all())
    qtbot.waitUntil(lambda: len(folder_printer.jobs()) == 1)
    text = pdf_text(folder_printer.jobs()[0].read_bytes())
    assert "Nguyễn Văn Đức" in text and "Giấy chứng sinh" in text
    assert folder_printer.jobs()[0].name.endswith("-x1.pdf")


def test_refusal_needs_a_reason_and_mints_no_code(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    view = make_window(folder_printer).intake_view
    pick_birth_registration(qtbot, view)
    scan_id_card(view)
    view.refuse_button.click()
    dialog = view.reason_dialog
    assert dialog is not None and dialog.missing_edit is None
    dialog.confirm_button.click()
    assert dialog.isVisible() and stored(station) == []
    dialog.reason_edit.setPlainText("Không thuộc thẩm quyền giải quyết của xã")
    dialog.confirm_button.click()

    (dossier,) = stored(station)
    assert dossier.status is Status.REFUSED and dossier.code is None
    assert dossier.reason == "Không thuộc thẩm quyền giải quyết của xã"
    assert not any(name.startswith("code|") for name in station.store.counters.all())
    qtbot.waitUntil(lambda: len(folder_printer.jobs()) == 1)
    assert "Không thuộc thẩm quyền" in pdf_text(folder_printer.jobs()[0].read_bytes())
    assert view.outcome_bar.title_label.text() == t.refused_banner("Nguyễn Văn Đức")


def test_unknown_procedure_is_refused_and_nothing_is_stored(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    view = make_window(folder_printer).intake_view
    view.picker.search_edit.setFocus()
    qtbot.keyClicks(view.picker.search_edit, "zzqqxx")
    press(view.picker.search_edit)
    expected = texts.error_message(DomainError(ErrorCode.PROCEDURE_NOT_FOUND, code="zzqqxx"))
    assert view.message_label.text() == expected
    scan_id_card(view)
    view.receive_button.click()
    assert view.message_label.text() == expected
    assert stored(station) == [] and folder_printer.jobs() == []


def test_a_qr_that_is_not_an_id_card_changes_nothing(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    view = make_window(folder_printer).intake_view
    scan_id_card(view)
    scan_id_card(view, "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html?ma=ĐK")
    assert view.message_label.text() == texts.error_message(DomainError(ErrorCode.QR_NOT_ID_CARD))
    assert view.applicant_form.name_edit.text() == "Nguyễn Văn Đức"
    assert view.applicant_form.id_edit.text() == "001090123456"
    assert stored(station) == []


def test_missing_required_fields_are_named(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    view = make_window(folder_printer).intake_view
    view.receive_button.click()
    assert view.message_label.text() == t.PROCEDURE_REQUIRED
    pick_birth_registration(qtbot, view)
    view.receive_button.click()
    assert view.message_label.text() == "Thiếu thông tin người nộp hồ sơ: họ và tên."
    scan_id_card(view)
    view.applicant_form.address_edit.clear()
    view.receive_button.click()
    assert view.message_label.text() == "Thiếu thông tin người nộp hồ sơ: địa chỉ."
    assert view.window().focusWidget() is view.applicant_form.address_edit
    view.applicant_form.address_edit.setText("Thôn Đông")
    view.return_combo.setCurrentIndex(1)  # by post, without an address
    view.receive_button.click()
    assert "bưu chính" in view.message_label.text()
    view.due_panel.override_check.setChecked(True)
    view.return_combo.setCurrentIndex(0)
    view.receive_button.click()
    assert "lý do sửa ngày hẹn trả" in view.message_label.text()
    assert stored(station) == [] and folder_printer.jobs() == []


def test_printer_offline_keeps_the_form_and_saves_once(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    printer = SwitchablePrinter(folder_printer)
    window = make_window(printer)
    view = window.intake_view
    pick_birth_registration(qtbot, view)
    scan_id_card(view)
    view.receive_button.click()
    qtbot.waitUntil(lambda: bool(message_boxes()))
    (box,) = message_boxes()
    assert "Máy in «QUAY-1» không sẵn sàng" in box.text()
    assert view.outcome_bar.note_label.text() == t.PRINT_FAILED_NOTE
    box.close()
    view.receive_button.click()  # disabled: nothing happens
    (dossier,) = stored(station)
    assert view.applicant_form.name_edit.text() == "Nguyễn Văn Đức"
    assert view.picker.procedure() is not None
    assert folder_printer.jobs() == []

    printer.online = True  # the officer fixes the printer, then reprints from the history
    dialog = window.open_dossier(dossier)
    dialog.reprint_button.click()
    qtbot.waitUntil(lambda: len(folder_printer.jobs()) == 1)
    first, second = station.store.prints.of_dossier(dossier.uuid)
    assert (first.reprint, second.reprint) == (False, True)
    assert "in lại" in dialog.prints_list.item(1).text()
    assert len(stored(station)) == 1


def test_print_again_resends_the_same_slip(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    offline = OfflinePrinter()
    view = make_window(offline).intake_view
    pick_birth_registration(qtbot, view)
    scan_id_card(view)
    view.receive_button.click()
    qtbot.waitUntil(lambda: offline.attempts == 1)
    qtbot.waitUntil(lambda: view.outcome_bar.note_label.text() == t.PRINT_FAILED_NOTE)
    view.outcome_bar.print_button.click()
    qtbot.waitUntil(lambda: offline.attempts == 2)
    (dossier,) = stored(station)
    assert len(station.store.prints.of_dossier(dossier.uuid)) == 1  # same archived slip


def test_preview_shows_the_archived_slip(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    view = make_window(folder_printer).intake_view
    pick_birth_registration(qtbot, view)
    scan_id_card(view)
    view.receive_button.click()
    qtbot.waitUntil(lambda: len(folder_printer.jobs()) == 1)
    view.outcome_bar.preview_button.click()
    qtbot.waitUntil(lambda: view.preview_dialog is not None and view.preview_dialog.isVisible())
    dialog = view.preview_dialog
    assert dialog is not None and len(dialog.page_labels) >= 1
    assert dialog.print_button.text() == t.PREVIEW_PRINT
    dialog.print_button.click()
    qtbot.waitUntil(lambda: len(folder_printer.jobs()) == 2)
