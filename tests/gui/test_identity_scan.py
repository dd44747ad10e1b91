"""The reception form with key events only (issue 13 items 6 and 9): a 2024 card's QR typed
by a scanner on a Vietnamese input method is repaired, its fields 8-11 stored raw; one that
cannot be repaired asks for the English keyboard; the channel (kiosk), the identity check and
the data source are chosen with Alt+K / Alt+X / Alt+U and shown in the dossier."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt

from counter_app import texts
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Channel
from counter_app.services.station import StationContext
from counter_app.texts import identity as ti
from counter_app.texts import window as t
from counter_app.ui.dialogs.dossier_dialog import DossierDialog
from counter_app.ui.main_window import MainWindow
from tests.gui.helpers import ID_QR
from tests.gui.keyboard import ALT, focused, key, pick_procedure, scan, tick_papers, wait_focus
from tests.gui.test_intake_view import BIRTH_CODE, ready, stored

CARD_2024 = ID_QR + "|079123456789||Nguyễn Văn Cha|Trần Thị Mẹ"


def mangle(text: str) -> str:
    """What a keyboard-wedge scanner types on a Vietnamese input method: the UTF-8 bytes
    read one by one as Windows-1252 (Latin-1 for the five bytes it lacks)."""
    return "".join(
        bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8")
    )


def test_a_mangled_2024_card_is_repaired_and_received_from_the_kiosk(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    pick_procedure(qtbot, BIRTH_CODE)
    form = view.applicant_form
    assert focused() is form.scan_edit
    mangled = mangle(CARD_2024)
    assert "á»" in mangled or "Ä" in mangled  # really mangled
    scan(mangled)
    assert form.name_edit.text() == "Nguyễn Văn Đức"
    assert form.address_edit.text() == "Thôn Đông, xã Minh Hòa, tỉnh Phú Thọ"
    assert view.message_label.text() == ti.CARD_REPAIRED
    panel = view.identity_panel
    assert panel.identity_check() == "qr"  # the card's QR was read
    # The citizen filed at the kiosk: Alt+K, the channel; the identity by the chip there.
    key(Qt.Key.Key_K, ALT)
    assert focused() is panel.channel_combo
    while panel.channel()[1] != "kiosk":
        key(Qt.Key.Key_Down)
    key(Qt.Key.Key_X, ALT)
    assert focused() is panel.identity_combo
    while panel.identity_check() != "chip":
        key(Qt.Key.Key_Down)
    key(Qt.Key.Key_U, ALT)
    assert focused() is panel.source_combo
    key(Qt.Key.Key_Down)
    assert panel.data_source() == "national_db"
    key(Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    wait_focus(qtbot, view.checklist.table)
    tick_papers(3)
    key(Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: len(stored(station)) == 1)
    (dossier,) = stored(station)
    assert dossier.applicant.name == "Nguyễn Văn Đức"
    assert dossier.applicant.qr_extra == ("079123456789", "", "Nguyễn Văn Cha", "Trần Thị Mẹ")
    assert dossier.channel is Channel.ONLINE and dossier.channel_detail == "kiosk"
    assert (dossier.identity_check, dossier.data_source) == ("chip", "national_db")
    assert panel.channel() == (Channel.DIRECT, "") and panel.identity_check() == ""  # reset
    dialog = DossierDialog(station, view.desk, dossier, None)
    qtbot.addWidget(dialog)
    shown = [label.text() for label in dialog.value_labels]
    start = len(t.DOSSIER_FIELDS)  # the identity rows follow the window's own rows
    assert shown[start : start + len(ti.DOSSIER_FIELDS)] == [
        "Ki-ốt thông minh",
        "Đọc chip thẻ căn cước",
        "Khai thác từ cơ sở dữ liệu quốc gia",
        "(8) 079123456789; (10) Nguyễn Văn Cha; (11) Trần Thị Mẹ",
    ]


def test_a_mangled_scan_that_cannot_be_repaired_asks_for_the_english_keyboard(
    qtbot, make_window: Callable[..., MainWindow], folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    pick_procedure(qtbot, BIRTH_CODE)
    key(Qt.Key.Key_Tab)  # into the name field, as an officer who missed the scan field
    form = view.applicant_form
    assert focused() is form.name_edit
    mangled = mangle(ID_QR)
    broken = mangled.replace("|Nam|", "|Nữ|", 1)  # mangled and real letters mixed
    scan(broken)
    expected = texts.error_message(DomainError(ErrorCode.QR_KEYBOARD_MANGLED))
    assert view.message_label.text() == expected
    assert "tiếng Anh" in expected
    assert form.name_edit.text() == "" and form.id_edit.text() == ""
    assert view.message_label.text() != t.CARD_FILLED


def test_a_mismatching_id_digit_is_accepted_in_the_window(
    qtbot, make_window: Callable[..., MainWindow], folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    pick_procedure(qtbot, BIRTH_CODE)
    # 4th digit 0 = a man born 1900-1999 under the expired scheme; the card says Nữ, 2001.
    scan("001090123456||Trần Thị Bình|01012001|Nữ|Xã Y, tỉnh T|15042021")
    form = view.applicant_form
    assert form.name_edit.text() == "Trần Thị Bình" and form.sex_combo.currentText() == "Nữ"
    assert view.message_label.text() == t.CARD_FILLED
