"""The procedure field with the keyboard: the ranking, favourites, and no silent old choice."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_app.services import procedures
from counter_app.services.station import StationContext
from counter_app.texts import catalogue as tc
from counter_app.ui.models.checklist_model import NAME
from counter_app.ui.widgets.procedure_picker import ProcedurePicker
from tests.gui.keyboard import CTRL, key, keys


def _picker(qtbot, station: StationContext) -> ProcedurePicker:  # type: ignore[no-untyped-def]
    picker = ProcedurePicker(station.store.reference)
    qtbot.addWidget(picker)
    picker.show()
    picker.focus()
    qtbot.waitUntil(lambda: picker.search_edit.hasFocus())
    return picker


def test_khai_sinh_enter_picks_birth_registration(qtbot, station) -> None:  # type: ignore[no-untyped-def]
    picker = _picker(qtbot, station)
    chosen = []
    picker.procedure_chosen.connect(chosen.append)
    keys("khai sinh")
    key(Qt.Key.Key_Return)
    assert picker.procedure() is not None and picker.procedure().code == "1.001193"
    assert [p.code for p in chosen] == ["1.001193"]


def test_text_matching_nothing_clears_the_choice_and_says_so(qtbot, station) -> None:  # type: ignore[no-untyped-def]
    picker = _picker(qtbot, station)
    cleared = []
    picker.procedure_cleared.connect(lambda: cleared.append(True))
    keys("1.000894")
    key(Qt.Key.Key_Return)
    assert picker.procedure() is not None and picker.procedure().code == "1.000894"
    key(Qt.Key.Key_A, CTRL)
    keys("xyzzy khong co")
    assert picker.procedure() is None and cleared == [True]
    assert picker.summary_label.text() == tc.PROCEDURE_NO_MATCH
    failed = []
    picker.failed.connect(failed.append)
    key(Qt.Key.Key_Return)
    assert picker.procedure() is None
    assert failed == []  # a typed name is never repeated in a message (it may be an ID card)
    assert picker.summary_label.text() == tc.PROCEDURE_NO_MATCH


def test_favourites_first_in_the_empty_field_and_marked(qtbot, station) -> None:  # type: ignore[no-untyped-def]
    procedures.set_favourite(station, "2.001019", pinned=True, officer="canbo")
    picker = _picker(qtbot, station)
    key(Qt.Key.Key_Down)
    assert picker.matches()[0].code == "2.001019"
    assert picker.choices.stringList()[0].startswith(tc.PROCEDURE_PINNED_MARK)
    keys("chung thuc")
    assert picker.matches()[0].code == "2.001019"
    assert picker.matches()[1].code == "2.000815"


def test_in_the_window_khai_sinh_enter_gives_birth_registration_and_its_papers(
    qtbot, make_window, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer)
    window.followup.reminders_dialog.hide()
    window.activateWindow()
    view = window.intake_view
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.picker.search_edit)
    keys("khai sinh")
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.picker.procedure() is not None)
    assert view.picker.procedure().code == "1.001193"  # type: ignore[union-attr]
    model = view.checklist.model
    assert model.index(0, NAME).data() == "Tờ khai đăng ký khai sinh"
    assert not any("điện tử tương tác" in model.item(r).name for r in range(model.rowCount()))
