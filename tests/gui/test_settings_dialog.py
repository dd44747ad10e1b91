"""Office settings: administrators change them (stored, audited); officers cannot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.printing.printer import FolderPrinter
from counter_app.services.settings import read_settings, update_settings
from counter_app.services.station import StationContext
from counter_app.texts import window as t
from counter_app.ui.dialogs.settings_dialog import SettingsDialog
from counter_app.ui.main_window import MainWindow
from tests.gui.helpers import message_boxes


def test_admin_changes_the_office_settings(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer, username="quantri")
    assert window.settings_action.isEnabled()
    dialog = window.open_settings()
    assert isinstance(dialog, SettingsDialog) and dialog.isVisible()
    dialog.edits["unit_name"].setText("Trung tâm Phục vụ hành chính công xã Đông Sơn")
    dialog.edits["agency_id"].setText("h56.123.45")
    dialog.paper_combo.setCurrentIndex(dialog.paper_combo.findData("a4"))
    dialog.printer_combo.setEditText("QMC_PDF")
    dialog.cutoff_edit.setTime(dialog.cutoff_edit.time().fromString("16:00", "HH:mm"))
    dialog.save_button.click()
    assert not dialog.isVisible()

    office = station.office()
    assert office.unit_name == "Trung tâm Phục vụ hành chính công xã Đông Sơn"
    assert office.agency_id == "H56.123.45"
    assert station.setting("paper_size", None) == "a4"
    assert station.setting("printer", None) == "QMC_PDF"
    assert station.store.config.get("office_hours")["cutoff"] == "16:00"
    assert station.hours().cutoff.hour == 16
    assert "Đông Sơn" in window.office_label.text()
    entry = station.store.audit.entries(limit=1)[0]
    assert entry["action"] == "settings_changed"


def test_bad_values_are_named_and_nothing_is_stored(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer, username="quantri")
    dialog = window.open_settings()
    assert dialog is not None
    before = station.store.config.get("office")
    dialog.edits["lookup_url"].setText("ftp://example")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.error_label.text().startswith(t.SETTINGS_LABELS["lookup_url"])
    dialog.edits["lookup_url"].setText("https://dichvucong.example.gov.vn/tra-cuu")
    dialog.edits["agency_id"].setText("not an id")
    dialog.save_button.click()
    assert "Mã định danh cơ quan" in dialog.error_label.text()
    assert station.store.config.get("office") == before


def test_an_officer_cannot_open_the_settings(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer, username="canbo")
    assert not window.settings_action.isEnabled()
    assert window.open_settings() is None
    (box,) = message_boxes()
    assert "không có quyền" in box.text()
    with pytest.raises(DomainError) as refused:
        update_settings(station, read_settings(station), officer="lanhdao")
    assert refused.value.code is ErrorCode.OFFICER_NOT_ALLOWED


def test_office_hours_are_checked_by_the_domain(station: StationContext) -> None:
    current = read_settings(station)
    overlapping = replace(current, sessions=(("07:00", "12:00"), ("11:00", "17:00")))
    with pytest.raises(DomainError) as refused:
        update_settings(station, overlapping, officer="quantri")
    assert refused.value.code is ErrorCode.OFFICE_HOURS_INVALID
    with pytest.raises(DomainError) as bad_size:
        update_settings(station, replace(current, paper_size="a3"), officer="quantri")
    assert bad_size.value.code is ErrorCode.PAPER_SIZE_INVALID
    saved, changes = update_settings(station, current, officer="quantri")
    assert saved == current and changes.config
