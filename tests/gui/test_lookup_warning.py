"""An administrator sees when the slips' QR leads to a placeholder address (item 9)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from counter_app.printing.printer import FolderPrinter
from counter_app.services.setup import DEFAULT_LOOKUP_URL
from counter_app.services.station import StationContext
from counter_app.sync.engine import SyncReport
from counter_app.texts import lookup as t
from counter_app.ui.main_window import MainWindow


def _real_office_on_the_example_address(station: StationContext) -> None:
    office = replace(station.office(), is_demo=False, lookup_url=DEFAULT_LOOKUP_URL)
    station.store.config.set("office", asdict(office))


def test_the_admin_is_warned_in_the_status_bar_and_the_settings(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    _real_office_on_the_example_address(station)
    window = make_window(folder_printer, username="quantri")
    label = window.lookup_warning_label
    assert label.isVisible() and label.text() == t.LOOKUP_URL_WARNING_SHORT
    assert DEFAULT_LOOKUP_URL in label.toolTip()
    dialog = window.open_settings()
    assert dialog is not None
    warning = dialog.lookup_warning_label
    assert warning.isVisible() and DEFAULT_LOOKUP_URL in warning.text()
    edit = dialog.edits["lookup_url"]
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, "https://dichvucong.phutho.gov.vn/tra-cuu")
    assert warning.isHidden()  # a real address: the warning goes as it is typed
    QTest.keyClick(dialog, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert station.office().lookup_url == "https://dichvucong.phutho.gov.vn/tra-cuu"
    assert label.isHidden()


def test_an_officer_is_not_bothered_with_it(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    _real_office_on_the_example_address(station)
    window = make_window(folder_printer, username="canbo")
    assert window.lookup_warning_label.isHidden()


def test_the_warning_goes_when_the_province_sends_the_address(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
) -> None:  # type: ignore[no-untyped-def]
    _real_office_on_the_example_address(station)
    window = make_window(folder_printer, username="quantri")
    assert window.lookup_warning_label.isVisible()
    # what a reference pull stores (counter_app.sync.engine), then reports
    office = replace(station.office(), lookup_url="https://dichvucong.phutho.gov.vn/tra-cuu")
    station.store.config.set("office", asdict(office))
    at = station.clock.now()
    report = SyncReport(0, 0, 0, 0, 0, None, at, at, reference_changes=1)
    window.sync.sync_finished.emit(report)
    assert window.lookup_warning_label.isHidden()
