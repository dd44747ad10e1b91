"""A history rewritten in the file (found when the station opened) is said in the status bar."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from counter_app.printing.printer import FolderPrinter
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.storage.chain import TAIL_AT_OPEN
from counter_app.texts import integrity as t
from counter_app.ui.main_window import MainWindow
from tests.conftest import make_applicant


def test_a_rewritten_history_is_shown_to_every_officer(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer)
    assert window.history_warning_label.isHidden()
    window.close()
    receive_dossier(
        station,
        ReceptionRequest(procedure_code="1.001193", applicant=make_applicant()),
        officer="canbo",
    )
    conn = sqlite3.connect(station.store.db_path)
    with conn:
        conn.execute("UPDATE events SET officer = 'someone'")
    conn.close()
    # What the open of the station finds (Store.__init__), here on the open station.
    station.store.open_breaks = station.store.chain.verify(tail=TAIL_AT_OPEN)
    window = make_window(folder_printer, username="canbo")
    label = window.history_warning_label
    assert label.isVisible() and label.text() == t.HISTORY_WARNING_SHORT
    assert "đã bị sửa" in label.toolTip()
