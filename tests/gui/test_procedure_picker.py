"""The procedure field with the keyboard: the ranking, favourites, and no silent old choice."""

from __future__ import annotations

from PySide6.QtCore import Qt

from counter_app.services import procedures
from counter_app.services.station import StationContext
from counter_app.texts import catalogue as tc
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
    picker.search_edit.setFocus()  # the pop-up took the focus: give it back as Qt does on Enter
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
    picker.search_edit.setFocus()
    key(Qt.Key.Key_A, CTRL)
    keys("xyzzy khong co")
    picker.search_edit.setFocus()
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
    picker.search_edit.setFocus()
    keys("chung thuc")
    assert picker.matches()[0].code == "2.001019"
    assert picker.matches()[1].code == "2.000815"
