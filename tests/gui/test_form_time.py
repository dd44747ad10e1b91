"""A procedure without a processing time in the catalogue: the form asks for it (amount and
unit), shows the due date at once, and the dossier keeps the stated time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt

from counter_app.domain.models import VN_TZ
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.services.intake import due_for
from counter_app.services.station import StationContext
from counter_app.ui.main_window import MainWindow
from tests.gui.keyboard import ALT, CTRL, focused, key, keys, pick_procedure, scan, wait_focus_in
from tests.gui.test_intake_view import ready, stored

NO_TIME_CODE = "1.000086"  # one of the 149 procedures without a time in the catalogue


def test_a_procedure_without_a_time_is_received_with_the_stated_time(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    procedure = station.store.reference.procedure(NO_TIME_CODE)
    assert procedure is not None and procedure.processing_time.unit is TimeUnit.UNKNOWN
    view = ready(qtbot, make_window, folder_printer)
    pick_procedure(qtbot, NO_TIME_CODE)
    panel = view.due_panel
    assert panel.stated_box.isVisible() and focused() is panel.stated_amount
    key(Qt.Key.Key_A, CTRL)
    keys("3")
    key(Qt.Key.Key_Tab)
    assert focused() is panel.stated_unit
    keys("g")  # giờ làm việc
    assert panel.stated_time() == ProcessingTime(TimeUnit.WORKING_HOURS, 3)
    assert panel.due_label.text() == "15:00 ngày 13/02/2026"  # 10:00 + 3 hours, lunch aside
    key(Qt.Key.Key_Home)  # the first unit: ngày làm việc
    assert panel.stated_time() == ProcessingTime(TimeUnit.WORKING_DAYS, 3)
    key(Qt.Key.Key_Q, CTRL)
    scan()
    key(Qt.Key.Key_F5)
    box = view.confirm
    assert box is not None
    wait_focus_in(qtbot, box)
    key(Qt.Key.Key_T, ALT)
    qtbot.waitUntil(lambda: len(stored(station)) == 1)
    (dossier,) = stored(station)
    assert dossier.processing_time == ProcessingTime(TimeUnit.WORKING_DAYS, 3)
    expected = due_for(station, received_at=station.clock.now(), time=dossier.processing_time)
    assert dossier.due_at == expected.due and dossier.due_at is not None
    assert dossier.due_at > datetime(2026, 2, 17, tzinfo=VN_TZ)
    assert not panel.stated_box.isVisible()  # the next citizen's form is empty


def test_a_procedure_with_a_time_asks_nothing(
    qtbot, make_window: Callable[..., MainWindow], folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    pick_procedure(qtbot, "1.001193")
    assert not view.due_panel.stated_box.isVisible() and view.due_panel.stated_time() is None
