"""Three stations of one office sync through a faulty network and still converge (DESIGN §7).

The real engine and HTTP client, the real server (uvicorn + PostgreSQL, tests/server
fixtures), and between them :class:`FaultProxy`: dropped requests and answers, duplicated,
reordered, stalled and truncated requests, 500/502 answers, on a seeded schedule. Each station
runs in its own thread with its own SQLite connection: it receives dossiers, moves its own
dossiers through their life (hand over, result, return) and rates dossiers of the others that
it has pulled, syncing after every round. Then the faults stop, every station syncs until
nothing moves, and both sides are compared event by event and dossier by dossier.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import psycopg
import pytest

from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import Dossier, Status, project
from counter_app.domain.models import VN_TZ
from counter_app.services.actions import RATINGS, Action, record_action
from counter_app.services.station import StationContext
from counter_app.storage.mapping import dossier_to_json
from counter_app.storage.station_secrets import station_token
from counter_app.sync.client import HttpSyncClient
from counter_app.sync.engine import enrol, run_sync
from province_server.testing import ServerProcess
from tests.server import conftest as server_fixtures
from tests.server.conftest import IssueCode, new_agency
from tests.server.helpers import EventTuple, local_events, receive, server_events
from tests.sync.fault_proxy import Fault, FaultProxy

pytestmark = pytest.mark.server
# The real server of tests/server (throwaway PostgreSQL database + uvicorn child process).
province_db = server_fixtures.province_db
server = server_fixtures.server
issue_code = server_fixtures.issue_code
pg = server_fixtures.pg

SEED = 20260213
FAULT_RATE = 0.25  # of requests
STATIONS = 3
ROUNDS = 20
NEW_PER_ROUND = 16
RATINGS_PER_ROUND = 6
CLIENT_TIMEOUT_S = 1.0
BATCH_BYTES = 24_000
PULL_LIMIT = 150
_NEXT_STEP = {
    Status.RECEIVED: (Action.HANDOVER, {"to": "Công chức Tư pháp - Hộ tịch"}),
    Status.IN_PROGRESS: (Action.RESULT, {"outcome": "approved", "result_number": "12/GKS"}),
    Status.RESOLVED: (Action.RETURN, {"receiver_name": "Nguyễn Văn Đức"}),
}


class SharedClock:
    """One clock for the three stations (as if NTP-synchronised), strictly increasing: each
    reading is 1 ms after the previous one, whichever thread reads it."""

    def __init__(self, start: datetime) -> None:
        self.at = start
        self.lock = threading.Lock()

    def now(self) -> datetime:
        with self.lock:
            self.at += timedelta(milliseconds=1)
            return self.at

    def advance(self, **delta: float) -> None:
        with self.lock:
            self.at += timedelta(**delta)


@dataclass
class Station:
    name: str
    ctx: StationContext
    clock: SharedClock
    url: str
    token: str
    rng: random.Random
    reports: Counter[str] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)

    def client(self, http: httpx.Client) -> HttpSyncClient:
        return HttpSyncClient(self.url, self.token, http)


def _open(
    folder: Path, proxy: FaultProxy, code: str, http: httpx.Client, index: int, clock: SharedClock
) -> Station:
    ctx = open_station(folder, clock=clock)
    ctx.store.db.conn.execute("PRAGMA synchronous = OFF")  # durability is not what is tested
    enrol(ctx, HttpSyncClient(proxy.url, None, http), url=proxy.url, code=code)
    token = station_token(ctx.store.data_dir)
    return Station(folder.name, ctx, clock, proxy.url, token, random.Random(SEED + index))


def _work(station: Station) -> None:
    """One round at the counter: new dossiers, the next step of some own dossiers, ratings."""
    ctx, rng = station.ctx, station.rng
    station_id = ctx.office().station_id
    for _ in range(NEW_PER_ROUND):
        station.clock.advance(seconds=7)
        receive(ctx)
    rows = ctx.store.dossiers.received_between(
        datetime(2026, 1, 1, tzinfo=VN_TZ), datetime(2027, 1, 1, tzinfo=VN_TZ)
    )
    own = [d for d in rows if d.station_id == station_id and d.status in _NEXT_STEP]
    others = [d for d in rows if d.station_id != station_id]
    for dossier in rng.sample(own, min(len(own), NEW_PER_ROUND * 2)):
        station.clock.advance(seconds=3)
        action, payload = _NEXT_STEP[dossier.status]
        record_action(ctx, dossier, action, officer="canbo", payload=payload)
    for dossier in rng.sample(others, min(len(others), RATINGS_PER_ROUND)):
        station.clock.advance(seconds=3)
        rating = rng.choice(RATINGS)
        again = {"reason": "Công dân đánh giá lại"} if dossier.rating is not None else {}
        record_action(
            ctx, dossier, Action.RATING, officer="canbo", payload={"rating": rating, **again}
        )


def _sync(station: Station, http: httpx.Client) -> bool:
    """One attempt through the proxy; True when it fully succeeded."""
    try:
        report = run_sync(
            station.ctx, station.client(http), batch_bytes=BATCH_BYTES, pull_limit=PULL_LIMIT
        )
    except Exception as exc:  # logged in sync_log by the engine; counted here
        station.unexpected.append(type(exc).__name__)
        station.reports["unexpected"] += 1
        return False
    for error in report.errors:
        station.reports[error.code.value] += 1
    station.reports["ok" if report.ok else "failed"] += 1
    return report.ok


def _life(station: Station, failures: list[BaseException]) -> None:
    try:
        with httpx.Client(timeout=CLIENT_TIMEOUT_S) as http:
            for _ in range(ROUNDS):
                _work(station)
                _sync(station, http)
    except BaseException as exc:  # reported by the main thread
        failures.append(exc)


def _settle(stations: list[Station]) -> int:
    """Sync every station, round after round, until a round moves nothing; rounds used."""
    with httpx.Client(timeout=30) as http:
        for rounds in range(1, 8):
            moved = False
            for station in stations:
                report = run_sync(station.ctx, station.client(http))
                assert report.ok, (station.name, report.errors)
                moved |= bool(report.pushed or report.pulled or report.duplicates)
            if not moved:
                return rounds
    raise AssertionError("the stations did not settle in 7 rounds")


def _own(events: dict[str, EventTuple], station_id: str) -> dict[str, EventTuple]:
    return {uuid: e for uuid, e in events.items() if e[3] == station_id}


def _projections(ctx: StationContext) -> dict[str, str]:
    rows = ctx.store.db.conn.execute("SELECT uuid FROM dossiers").fetchall()
    found: dict[str, str] = {}
    for (uuid,) in rows:
        dossier = ctx.store.dossiers.by_uuid(uuid)
        assert dossier is not None
        assert project(ctx.store.dossiers.events_of(uuid)) == dossier, uuid
        found[uuid] = _canonical(dossier)
    return found


def _canonical(dossier: Dossier) -> str:
    return json.dumps(dossier_to_json(dossier), sort_keys=True, ensure_ascii=False)


def test_three_stations_converge_through_a_faulty_network(
    tmp_path: Path, server: ServerProcess, issue_code: IssueCode, pg: psycopg.Connection
) -> None:
    agency = new_agency()
    started = time.monotonic()
    with FaultProxy(
        server.port, seed=SEED, rate=FAULT_RATE, stall_s=CLIENT_TIMEOUT_S + 0.5
    ) as proxy:
        with httpx.Client(timeout=30) as http:  # enrolled through the proxy, faults off
            clock = SharedClock(datetime(2026, 2, 13, 8, 0, tzinfo=VN_TZ))
            stations = [
                _open(tmp_path / f"quay-{i}", proxy, issue_code(agency).code, http, i, clock)
                for i in range(STATIONS)
            ]
        proxy.faults_on = True
        failures: list[BaseException] = []
        threads = [
            threading.Thread(target=_life, args=(s, failures), name=s.name) for s in stations
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert not any(t.is_alive() for t in threads), "a station loop hung"
        assert failures == [], failures
        proxy.faults_on = False
        faulty_counts = dict(proxy.counts)
        through_faults = pg.execute("SELECT count(*) FROM events").fetchone()
        rounds = _settle(stations)
    elapsed = time.monotonic() - started
    print(
        f"\nfaults: {faulty_counts}; settle rounds: {rounds}; "
        f"server events (whole test database) after the faulty phase: {through_faults}; "
        f"{elapsed:.1f} s; stations: {[dict(s.reports) for s in stations]}; "
        f"unexpected: {[s.unexpected for s in stations]}"
    )
    # The faults really happened, every kind of them.
    assert all(faulty_counts.get(f, 0) > 0 for f in Fault), faulty_counts
    assert sum(s.reports["failed"] + s.reports["unexpected"] for s in stations) > 0

    created: dict[str, EventTuple] = {}
    for station in stations:
        created |= _own(local_events(station.ctx), station.ctx.office().station_id)
    assert len(created) >= 3_000, len(created)
    station_ids = [s.ctx.office().station_id for s in stations]
    on_server: dict[str, EventTuple] = {}
    for station_id in station_ids:
        on_server |= server_events(pg, station_id)
    assert on_server == created  # exactly the events created, content identical
    row = pg.execute(
        "SELECT count(*), count(DISTINCT uuid), count(DISTINCT (station_id, station_seq))"
        " FROM events WHERE station_id::text = ANY(%s)",
        (station_ids,),
    ).fetchone()
    assert row == (len(created),) * 3  # no duplicates

    reference = _projections(stations[0].ctx)
    for station in stations:
        assert local_events(station.ctx) == created, station.name  # every event of the office
        assert _projections(station.ctx) == reference, station.name
        assert station.ctx.store.sync.waiting() == 0
        assert station.ctx.store.sync.rejected() == []
    assert len(reference) == STATIONS * ROUNDS * NEW_PER_ROUND
    for station in stations:
        station.ctx.store.close()


def test_a_station_whose_clock_is_behind_keeps_the_same_row_as_the_others(
    tmp_path: Path, server: ServerProcess, issue_code: IssueCode
) -> None:
    """A rating recorded at a station whose clock is 25 minutes behind, after it pulled a later
    rating: every station must still hold the same row (record_action dates the new event
    after the dossier's latest one, so incremental and full projections agree)."""
    agency = new_agency()
    clocks = [FixedClock(datetime(2026, 2, 13, 10, m, tzinfo=VN_TZ)) for m in (0, 30)]
    with httpx.Client(timeout=30) as http:
        a, b = (
            _open_plain(tmp_path / n, server, issue_code(agency).code, http, c)
            for n, c in zip(("a", "b"), clocks, strict=True)
        )
        (dossier,) = receive(a.ctx)
        for station in (a, b):
            assert run_sync(station.ctx, station.client(http)).ok
        on_b = b.ctx.store.dossiers.by_uuid(dossier.uuid)
        assert on_b is not None
        record_action(b.ctx, on_b, Action.RATING, officer="canbo", payload={"rating": RATINGS[2]})
        assert run_sync(b.ctx, b.client(http)).ok
        assert run_sync(a.ctx, a.client(http)).ok  # pulls b's rating (10:30)
        clocks[0].advance(minutes=5)  # a's clock says 10:05
        on_a = a.ctx.store.dossiers.by_uuid(dossier.uuid)
        assert on_a is not None
        again = {"rating": RATINGS[1], "reason": "Công dân đánh giá lại"}  # the second rating
        record_action(a.ctx, on_a, Action.RATING, officer="canbo", payload=again)
        for station in (a, b):
            assert run_sync(station.ctx, station.client(http)).ok
    rows = [_canonical_row(s.ctx, dossier.uuid) for s in (a, b)]
    for station in (a, b):
        station.ctx.store.close()
    assert rows[0] == rows[1]


def _open_plain(
    folder: Path, server: ServerProcess, code: str, http: httpx.Client, clock: FixedClock
) -> Station:
    ctx = open_station(folder, clock=clock)
    enrol(ctx, HttpSyncClient(server.url, None, http), url=server.url, code=code)
    token = station_token(ctx.store.data_dir)
    return Station(folder.name, ctx, clock, server.url, token, random.Random(SEED))  # type: ignore[arg-type]


def _canonical_row(ctx: StationContext, uuid: str) -> str:
    dossier = ctx.store.dossiers.by_uuid(uuid)
    assert dossier is not None
    return _canonical(dossier)
