"""The window's status bar shows the office's counters seen on the LAN and when each last
synced (issue 15 item 1): a real peer server of another station, the window's own LAN round."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path

import pytest

from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.printing.printer import FolderPrinter
from counter_app.services import lan as lan_service
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.sync.lan.server import PeerServer
from counter_app.texts import lan as t
from counter_app.ui import lan_controller
from counter_app.ui.main_window import MainWindow
from tests.conftest import make_applicant


def test_the_status_bar_lists_the_peers_seen_and_their_last_sync(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
    tmp_path: Path,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer)
    assert window.lan_indicator.text() == t.STATUS_NOT_PAIRED  # the demo: no LAN
    window.close()
    monkeypatch.setattr(lan_controller, "LAN_PORT", 0)
    monkeypatch.setattr(lan_controller, "MDNS", False)
    with station.store.db.atomic():
        office = replace(station.office(), is_demo=False)
        station.store.config.set("office", asdict(office))
    peer = open_station(tmp_path / "peer", clock=clock)
    peer.store.config.set("office", {**asdict(peer.office()), "station_prefix": "00002"})
    code = lan_service.pairing_code(station, by="quantri")
    lan_service.pair(peer, code, by="quantri")
    receive_dossier(
        peer,
        ReceptionRequest(procedure_code="1.001193", applicant=make_applicant()),
        officer="canbo",
    )
    server = PeerServer(peer.store.data_dir, clock=clock, host="127.0.0.1", port=0)
    server.start()
    try:
        lan_service.set_fixed_peers(
            station, add=[f"127.0.0.1:{server.port}"], remove=[], by="quantri"
        )
        window = make_window(folder_printer)
        assert window.lan_indicator.text() == t.STATUS_NO_PEER
        window.lan._launch()  # the round the timer starts a few seconds after opening
        qtbot.waitUntil(lambda: "1 quầy" in window.lan_indicator.text(), timeout=20_000)
        assert window.lan_indicator.text() == t.status_peers(1, clock.now())
        tip = window.lan_indicator.toolTip()
        assert t.peer_name("00002") in tip and f"127.0.0.1:{server.port}" in tip
        assert station.store.dossiers.count() == 1  # the peer's dossier is here now
        window.close()
    finally:
        server.stop()
        peer.store.close()


def test_an_admin_pairs_the_counter_and_sets_the_fixed_peers_in_the_window(
    qtbot,
    make_window: Callable[..., MainWindow],
    station: StationContext,
    folder_printer: FolderPrinter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    from counter_app.domain.errors import DomainError, ErrorCode
    from counter_app.texts import error_message
    from sync_protocol.lan import format_secret, new_secret

    monkeypatch.setattr(lan_controller, "LAN_PORT", 0)
    monkeypatch.setattr(lan_controller, "MDNS", False)
    assert not make_window(folder_printer).lan_action.isEnabled()  # an officer: not for them
    window = make_window(folder_printer, username="quantri")
    dialog = window.open_lan_settings()
    assert dialog.paired_label.text() == t.DIALOG_NOT_PAIRED
    dialog.code_edit.setText("ABCD-EFGH")
    dialog.fixed_edit.setPlainText("192.168.1.20:47615")
    dialog.save_button.click()
    assert dialog.isVisible()  # refused, nothing changed
    wrong_code = error_message(DomainError(ErrorCode.LAN_PAIRING_CODE_INVALID))
    assert dialog.error_label.text() == wrong_code
    assert not lan_service.is_paired(station) and station.store.lan.fixed_peers() == []
    code = format_secret(new_secret())
    dialog.code_edit.setText(code)
    dialog.fixed_edit.setPlainText("192.168.1.20:47615\nquay 2")
    dialog.save_button.click()
    assert dialog.isVisible() and "quay 2" in dialog.error_label.text()
    assert not lan_service.is_paired(station)
    dialog.fixed_edit.setPlainText("192.168.1.20:47615\n192.168.1.21:47615")
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert lan_service.is_paired(station)
    assert lan_service.pairing_code(station, by="quantri") == code
    assert station.store.lan.fixed_peers() == ["192.168.1.20:47615", "192.168.1.21:47615"]
    shown = window.open_lan_settings()
    assert shown.paired_label.text() == t.DIALOG_PAIRED
    shown.show_button.click()
    assert shown.shown_code.text() == code
    shown.reject()
