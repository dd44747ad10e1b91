"""Office LAN sync in the window (issue 15 item 1): the peer server, mDNS, periodic pulls.

Once the station holds the office secret (enrolment or pairing) and is not the demo, the
controller runs the station's peer server (a thread) and its mDNS announcement and browser,
and every :data:`LAN_SYNC_MS` pulls from the peers found (and the fixed list, and those met
before) on its own worker lane, with the station opened on the worker's own connection. After
each round it re-reads the peers on the GUI thread and emits ``peers_changed`` for the status
bar. A port already taken (another copy of the application) leaves the server off; pulling
from the others still works. Nothing here blocks the window.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from counter_app.domain.clock import Clock
from counter_app.services import lan as lan_service
from counter_app.services.station import StationContext, opened_station
from counter_app.sync.lan.engine import LanReport, PeerAddress, known_addresses, lan_sync
from counter_app.ui.workers import run_in_background
from sync_protocol.lan import DEFAULT_PORT

log = logging.getLogger(__name__)
LAN_LANE = "lan"
LAN_SYNC_MS = 30_000
FIRST_LAN_SYNC_MS = 5_000
LAN_PORT: int | None = None  # None: the peer server's default port (tests: 0, any free one)
MDNS = True  # tests without multicast switch the announcement and the browser off


@dataclass(frozen=True, slots=True)
class LanJob:
    data_dir: Path
    mirror_dir: Path
    clock: Clock
    found: tuple[PeerAddress, ...]

    def __call__(self) -> LanReport:
        with opened_station(self.data_dir, mirror_dir=self.mirror_dir, clock=self.clock) as ctx:
            return lan_sync(ctx, [*self.found, *known_addresses(ctx)])


class LanController(QObject):
    peers_changed = Signal(object)  # list[PeerStatus]

    def __init__(self, ctx: StationContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.server: object | None = None
        self.discovery: object | None = None
        self.running = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._launch)

    def active(self) -> bool:
        return lan_service.is_paired(self.ctx) and not self.ctx.office().is_demo

    def start(self) -> None:
        if not self.active():
            self.refresh()
            return
        from counter_app.sync.lan.discovery import Discovery
        from counter_app.sync.lan.engine import lan_secret
        from counter_app.sync.lan.server import PeerServer
        from sync_protocol.lan import office_tag

        port: int | None = None
        try:
            server = PeerServer(
                self.ctx.store.data_dir,
                clock=self.ctx.clock,
                port=DEFAULT_PORT if LAN_PORT is None else LAN_PORT,
            )
            server.start()
            self.server, port = server, server.port
        except OSError as error:
            log.warning("LAN peer server not started: %s", error)
        office = self.ctx.office()
        discovery = Discovery(
            station_id=office.station_id, office_tag=office_tag(lan_secret(self.ctx)), port=port
        )
        if MDNS and discovery.start():
            self.discovery = discovery
        self.refresh()
        self.timer.start(FIRST_LAN_SYNC_MS)

    def stop(self) -> None:
        self.timer.stop()
        from counter_app.sync.lan.discovery import Discovery
        from counter_app.sync.lan.server import PeerServer

        if isinstance(self.discovery, Discovery):
            self.discovery.close()
        if isinstance(self.server, PeerServer):
            self.server.stop()
        self.discovery = self.server = None

    def refresh(self) -> None:
        self.peers_changed.emit(lan_service.peers_status(self.ctx))

    def _launch(self) -> None:
        from counter_app.sync.lan.discovery import Discovery

        if self.running:
            return
        self.running = True
        found = tuple(self.discovery.peers()) if isinstance(self.discovery, Discovery) else ()
        job = LanJob(self.ctx.store.data_dir, self.ctx.store.mirror_dir, self.ctx.clock, found)
        run_in_background(job, on_success=self._done, on_error=self._done, lane=LAN_LANE)

    def _done(self, outcome: object) -> None:
        self.running = False
        if isinstance(outcome, BaseException):
            log.warning("LAN sync round failed: %s", outcome)
        self.refresh()
        self.timer.start(LAN_SYNC_MS)
