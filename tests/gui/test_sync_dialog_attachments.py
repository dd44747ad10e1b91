"""The sync details dialog says how many scans and signed files still wait to upload."""

from __future__ import annotations

from pathlib import Path

from counter_app.printing.printer import FolderPrinter
from counter_app.services.station import StationContext
from counter_app.storage.station_secrets import set_station_token
from counter_app.ui.app import build_main_window
from tests.cli.test_sync_attachments_waiting import scan_two_components
from tests.gui.helpers import officer


def test_sync_details_dialog_shows_the_scans_waiting(
    qtbot,  # type: ignore[no-untyped-def]
    station: StationContext,
    tmp_path: Path,
) -> None:
    set_station_token(station.store.data_dir, "tok")
    with station.store.db.atomic():
        station.store.config.set(
            "sync", {"url": "https://tinh.example.vn", "token": "tok", "enrolled_at": ""}
        )
    printer = FolderPrinter(tmp_path / "printed", name="QUAY-1")
    window = build_main_window(station, officer(station), make_printer=lambda _name: printer)
    qtbot.addWidget(window)
    window.sync.stop()
    dialog = window.open_sync_details()
    lines = dialog.summary_label.text().splitlines()
    assert "Các bản số hóa và tệp đã ký số đã được gửi hết lên máy chủ tỉnh." in lines
    scan_two_components(station)
    window.sync.refresh()
    lines = dialog.summary_label.text().splitlines()
    assert "Còn 2 bản số hóa hoặc tệp đã ký số chờ gửi lên máy chủ tỉnh." in lines
