"""Text the keyboard cannot type but a paste can bring (a name copied from a chat or a web
page): NUL, bidi marks, a megabyte. F5 refuses with a Vietnamese sentence naming the field,
stores nothing, and puts the focus back on that field. Key events only (Ctrl+V pastes what
the officer copied elsewhere: the clipboard is the outside world here, not a widget)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_app.services.station import StationContext
from counter_app.texts import window as t
from counter_app.ui.main_window import MainWindow
from tests.gui.keyboard import CTRL, SHIFT, focused, key, pick_procedure, scan, wait_focus
from tests.gui.test_intake_view import BIRTH_CODE, ready


@pytest.mark.parametrize(
    "pasted",
    [
        "Nguyễn Văn\x00 Đức",  # NUL
        "Nguyễn \u202eĐức",  # right-to-left override
        "Nguyễn\u200f Văn Đức",  # right-to-left mark
        "Nguyễn Văn Đức\nPhòng 3",  # a line break
        "A" * 1_000_000,  # a megabyte (the field keeps at most 32,767 characters)
    ],
    ids=["nul", "rlo", "rlm", "newline", "megabyte"],
)
def test_a_pasted_name_that_no_paper_carries_is_refused(
    qtbot,
    make_window: Callable[..., MainWindow],
    folder_printer,
    station: StationContext,
    pasted: str,
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    pick_procedure(qtbot, BIRTH_CODE)
    scan()  # the applicant block fills itself; the focus goes to the phone
    form = view.applicant_form
    wait_focus(qtbot, form.phone_edit)
    while focused() is not form.name_edit:  # back to the name, as the officer tabs back
        key(Qt.Key.Key_Tab, SHIFT)
    QApplication.clipboard().setText(pasted)
    key(Qt.Key.Key_A, CTRL)
    key(Qt.Key.Key_V, CTRL)
    key(Qt.Key.Key_G, CTRL)  # tick the first paper, so F5 does not ask about papers
    key(Qt.Key.Key_Space)
    key(Qt.Key.Key_F5)
    said = view.message_label.text()
    assert t.NAME_LABEL in said, said
    assert pasted not in said and "Đức" not in said  # never what was typed
    assert list(station.store.dossiers.iter_all()) == []
    wait_focus(qtbot, form.name_edit)
