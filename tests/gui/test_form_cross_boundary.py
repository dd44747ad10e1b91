"""The reception form marks a dossier cross-boundary (issue 13 item 2): Alt+G reaches the
choice, the due date shown becomes the one expected from the transfer (15:00 rule), and the
dossier is received with both, keys only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from counter_app.domain.clock import FixedClock
from counter_app.domain.models import VN_TZ
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.services.actions import Action
from counter_app.services.intake import ReceptionRequest, due_for, receive_dossier
from counter_app.services.station import StationContext
from counter_app.ui.dialogs.authority_dialog import AuthorityReceivedDialog
from counter_app.ui.main_window import MainWindow
from counter_app.ui.models.dossier_table_model import DossierTableModel
from counter_app.ui.workers import wait_for_background
from tests.conftest import make_applicant
from tests.gui.helpers import type_text
from tests.gui.keyboard import ALT, focused, key, pick_procedure, scan, wait_focus_in
from tests.gui.test_intake_view import ready, stored


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 8, 7, 15, 30, tzinfo=VN_TZ))  # a Friday, after 15:00


def test_a_cross_boundary_reception_shows_and_keeps_the_expected_date(
    qtbot, make_window: Callable[..., MainWindow], station: StationContext, folder_printer
) -> None:  # type: ignore[no-untyped-def]
    view = ready(qtbot, make_window, folder_printer)
    pick_procedure(qtbot, "1.001193")
    panel = view.due_panel
    at_counter = panel.due_label.text()
    assert "(dự kiến)" not in at_counter
    key(Qt.Key.Key_G, ALT)
    assert focused() is view.boundary_panel.scope_combo
    key(Qt.Key.Key_Down)
    assert view.boundary_panel.scope() == "other_agency"
    assert panel.due_label.text().endswith("(dự kiến)") and panel.due_label.text() != at_counter
    key(Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    scan()
    key(Qt.Key.Key_F5)
    box = view.confirm
    assert box is not None
    wait_focus_in(qtbot, box)
    key(Qt.Key.Key_T, ALT)
    qtbot.waitUntil(lambda: len(stored(station)) == 1)
    (dossier,) = stored(station)
    assert dossier.cross_boundary == "other_agency" and dossier.due_expected
    assert dossier.transfer_at == datetime(2026, 8, 10, 7, 0, tzinfo=VN_TZ)  # Monday's opening
    expected = due_for(
        station,
        received_at=dossier.received_at,
        time=dossier.processing_time,
        cross_boundary="other_agency",
    )
    assert dossier.due_at == expected.due and dossier.due_at is not None
    assert view.boundary_panel.scope() == ""  # the next citizen's form is empty
    listed = DossierTableModel()
    listed.set_rows([dossier])
    assert str(listed.data(listed.index(0, 4))).endswith("(dự kiến)")  # the search results


def test_the_authority_receipt_is_recorded_from_the_dossier_and_fixes_the_date(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    clock: FixedClock,
    folder_printer,
) -> None:  # type: ignore[no-untyped-def]
    request = ReceptionRequest(
        procedure_code="1.001193",
        applicant=make_applicant(),
        time=ProcessingTime(TimeUnit.WORKING_DAYS, 3),
        cross_boundary="other_agency",
    )
    dossier = receive_dossier(station, request, officer="canbo")[0]
    plain = receive_dossier(station, replace(request, cross_boundary=""), officer="canbo")[0]
    clock.at = datetime(2026, 8, 10, 9, 30, tzinfo=VN_TZ)
    window = make_window(folder_printer)
    other = window.open_dossier(plain)
    assert not other.action_panel.buttons[Action.AUTHORITY_RECEIVED].isEnabled()
    other.close()
    dialog = window.open_dossier(dossier)
    assert "(dự kiến)" in dialog.value_labels[6].text()
    button = dialog.action_panel.buttons[Action.AUTHORITY_RECEIVED]
    assert button.isEnabled(), button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    form = dialog.action_panel.dialog
    assert isinstance(form, AuthorityReceivedDialog) and form.isVisible()
    assert form.received_at() == datetime(2026, 8, 10, 9, 30, tzinfo=VN_TZ)  # now, by default
    type_text(form.by_edit, "Văn thư Sở Tư pháp")
    qtbot.mouseClick(form.confirm_button, Qt.MouseButton.LeftButton)
    wait_for_background()
    found = station.store.dossiers.by_uuid(dossier.uuid)
    assert found is not None and found.authority_received_at == clock.at
    assert found.due_at == datetime(2026, 8, 13, 9, 30, tzinfo=VN_TZ) and not found.due_expected
    text = dialog.value_labels[6].text()
    assert "(dự kiến)" not in text and "10/08/2026 09:30" in text
    history = [dialog.history_list.item(i).text() for i in range(dialog.history_list.count())]
    assert any("hẹn trả 13/08/2026 09:30" in line for line in history), history
