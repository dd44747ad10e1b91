"""The checklist widget with the keyboard: Space ticks in any column, titles are read-only,
tooltips carry the legal text, shown and conditional papers are marked."""

from __future__ import annotations

from PySide6.QtCore import Qt

from counter_app.domain.models import DocumentItem
from counter_app.services.station import StationContext
from counter_app.texts import catalogue as tc
from counter_app.ui.models.checklist_model import COUNT, FORM, NAME, RECEIVED
from counter_app.ui.widgets.checklist_widget import ChecklistWidget
from tests.gui.helpers import type_text
from tests.gui.keyboard import focused, key, keys


def _widget(qtbot, station: StationContext, code: str = "1.001193") -> ChecklistWidget:  # type: ignore[no-untyped-def]
    widget = ChecklistWidget()
    qtbot.addWidget(widget)
    procedure = station.store.reference.procedure(code)
    assert procedure is not None
    widget.model.set_items(list(procedure.documents))
    widget.show()
    widget.focus_table()
    qtbot.waitUntil(lambda: widget.table.hasFocus())
    return widget


def _received(widget: ChecklistWidget) -> list[bool]:
    return [i.received for i in widget.model.items()]


def test_space_ticks_in_any_column_and_never_edits_the_title(qtbot, station) -> None:  # type: ignore[no-untyped-def]
    widget = _widget(qtbot, station)
    count = widget.model.rowCount()
    key(Qt.Key.Key_Space)  # on the tick column
    key(Qt.Key.Key_Right)  # the title column
    key(Qt.Key.Key_Down)
    key(Qt.Key.Key_Space)
    key(Qt.Key.Key_Return)  # Enter after Space used to drop the paper
    key(Qt.Key.Key_Right)  # the form column
    key(Qt.Key.Key_Down)
    key(Qt.Key.Key_Space)
    assert widget.table.currentIndex().column() == FORM
    assert _received(widget)[:3] == [True, True, True]
    key(Qt.Key.Key_Space)  # again: untick
    assert _received(widget)[:3] == [True, True, False]
    assert widget.model.rowCount() == count == len(widget.model.items())
    assert widget.model.item(0).label == "Tờ khai đăng ký khai sinh"
    assert focused() is widget.table


def test_catalogue_titles_are_read_only_added_papers_are_editable(qtbot, station) -> None:  # type: ignore[no-untyped-def]
    widget = _widget(qtbot, station)
    model = widget.model
    assert not model.flags(model.index(0, NAME)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(0, COUNT)) & Qt.ItemFlag.ItemIsEditable
    key(Qt.Key.Key_Right)
    key(Qt.Key.Key_F2)  # the edit key does nothing on a catalogue title
    keys("xyz")
    key(Qt.Key.Key_Return)
    qtbot.wait(10)
    assert model.item(0).label == "Tờ khai đăng ký khai sinh"
    widget.add_button.setFocus()
    key(Qt.Key.Key_Space)  # "Thêm giấy tờ": a new row, its title being edited
    type_text(focused(), "Giấy xác nhận của trưởng thôn")
    key(Qt.Key.Key_Return)
    qtbot.wait(10)  # the delegate commits on the next turn of the event loop
    added = model.items()[-1]
    assert (added.name, added.received) == ("Giấy xác nhận của trưởng thôn", True)
    assert model.flags(model.index(model.rowCount() - 1, NAME)) & Qt.ItemFlag.ItemIsEditable


def test_tooltips_and_marks(qtbot, station) -> None:  # type: ignore[no-untyped-def]
    widget = _widget(qtbot, station)
    model = widget.model
    rows = [model.item(r) for r in range(model.rowCount())]
    shown = next(r for r, i in enumerate(rows) if i.show_only and not i.conditional)
    conditional = next(r for r, i in enumerate(rows) if i.conditional)
    for column in (RECEIVED, NAME, FORM, COUNT):
        tooltip = model.index(0, column).data(Qt.ItemDataRole.ToolTipRole)
        assert rows[0].name in tooltip
    assert tc.PAPER_SHOWN_MARK in model.index(shown, NAME).data()
    assert tc.PAPER_SHOWN_MARK not in model.index(0, NAME).data()
    assert model.index(conditional, NAME).data(Qt.ItemDataRole.FontRole).italic()
    assert "(trường hợp" in model.index(conditional, NAME).data()
    assert tc.PAPER_CONDITIONAL_MARK not in model.index(conditional, NAME).data()  # said once
    assert model.missing()[0] == "Tờ khai đăng ký khai sinh"
    model.set_items(
        [DocumentItem("Sơ đồ thửa đất, nếu có", title="Sơ đồ thửa đất", conditional=True)]
    )
    assert model.index(0, NAME).data() == f"Sơ đồ thửa đất — {tc.PAPER_CONDITIONAL_MARK}"
