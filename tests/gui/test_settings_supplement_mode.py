"""Issue 13 item 4: the restart/resume rule after a supplement is a setting of the admin
dialog (not only a row of the config table): chosen in the window, it decides the due date of
the next supplement received."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import EventKind
from counter_app.domain.models import VN_TZ
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.printing.printer import FolderPrinter
from counter_app.services.actions import Action, record_action
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.settings import read_settings
from counter_app.services.station import StationContext
from counter_app.services.supplements import supplement_mode
from counter_app.texts import forms as ft
from counter_app.ui.dialogs.settings_dialog import SettingsDialog
from counter_app.ui.main_window import MainWindow
from tests.conftest import make_applicant

FIVE_DAYS = ProcessingTime(TimeUnit.WORKING_DAYS, 5)


def _supplemented(station: StationContext, clock: FixedClock, name: str):  # type: ignore[no-untyped-def]
    clock.at = datetime(2026, 10, 5, 9, 0, tzinfo=VN_TZ)  # Monday, Decree 309 rule set
    request = ReceptionRequest(
        procedure_code="1.004873", applicant=make_applicant(name=name), time=FIVE_DAYS
    )
    dossier = receive_dossier(station, request, officer="canbo")[0]
    clock.at = datetime(2026, 10, 7, 9, 0, tzinfo=VN_TZ)  # two working days used
    payload = {"items": ["Tờ khai có chữ ký"], "reason": "Thiếu chữ ký"}
    dossier = record_action(
        station, dossier, Action.SUPPLEMENT_REQUEST, officer="canbo", payload=payload
    )[0]
    clock.at = datetime(2026, 10, 9, 9, 0, tzinfo=VN_TZ)  # Friday: the papers arrive
    dossier = record_action(station, dossier, Action.SUPPLEMENT_RECEIVED, officer="canbo")[0]
    (event,) = [
        e
        for e in station.store.dossiers.events_of(dossier.uuid)
        if e.kind == EventKind.SUPPLEMENT_RECEIVED.value
    ]
    return dossier, event


def test_the_admin_chooses_restart_or_resume_in_the_settings_dialog(
    qtbot: object,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    clock: FixedClock,
    folder_printer: FolderPrinter,
) -> None:
    restarted, restart_event = _supplemented(station, clock, "Nguyễn Văn Đức")
    assert restart_event.payload.get("mode") == "restart"  # the rule set's default

    window = make_window(folder_printer, username="quantri")
    dialog = window.open_settings()
    assert isinstance(dialog, SettingsDialog) and dialog.isVisible()
    combo = dialog.supplement_mode_combo
    assert combo.currentData() == "rule_set"
    assert [combo.itemText(i) for i in range(combo.count())] == list(
        ft.SUPPLEMENT_MODE_LABELS.values()
    )
    combo.setCurrentIndex(combo.findData("resume"))
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert read_settings(station).supplement_mode == "resume"
    assert station.setting("supplement_mode", "") == "resume"

    again = window.open_settings()
    assert isinstance(again, SettingsDialog)
    assert again.supplement_mode_combo.currentData() == "resume"  # shown as stored
    again.reject()

    resumed, resume_event = _supplemented(station, clock, "Trần Thị Lan")
    assert supplement_mode(station, resumed) == "resume"
    assert resume_event.payload.get("mode") == "resume"
    # Restart: 5 working days again from Friday 09/10. Resume: the 3 days left from Friday.
    assert resumed.due_at is not None and restarted.due_at is not None
    assert resumed.due_at < restarted.due_at
    assert restarted.due_at - resumed.due_at >= timedelta(days=2)
