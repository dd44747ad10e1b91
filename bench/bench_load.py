"""Province server under 300 stations syncing every minute (DESIGN §9: p99 ≤ 200 ms, no errors).

Run: ``python bench/bench_load.py [--stations 300] [--minutes 2] [--seconds-per-minute 60]``.
Needs PostgreSQL (as the server tests: ``PROVINCE_TEST_ADMIN_URL``, default the local
``postgres`` superuser). It creates a throwaway database, starts ONE real server process
(``province-server serve``: uvicorn + PostgreSQL pool) on a loopback port, enrols
``--stations`` stations (10 per office) through the real ``/enrol`` endpoint, then:

- every station syncs once per simulated minute for ``--minutes`` minutes; a simulated minute
  lasts ``--seconds-per-minute`` real seconds (default 60: the real load of the target; 12
  gives five times that load, a stress run), and the stations' first syncs are spread over
  the first minute, as real stations are;
- one sync = one push (gzip JSON, the real wire format: one new dossier received + status
  events of earlier ones, i.e. a few events) then one pull from the station's cursor (the
  events of the other stations of its office), exactly what ``run_sync`` sends;
- baseline in the same run: ``GET /healthz`` (one database round trip, no sync work), probed
  every 100 ms during the load, and 200 times on the idle server before it.

Prints one JSON object: p50/p95/p99/max latency (ms) of push, pull and healthz (idle and under
load), request and error counts, and whether the target is met. Takes about two and a half
minutes with the defaults (2 minutes of load plus set-up); stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import psycopg

from counter_app.app import open_station
from counter_app.sync.engine import _to_wire
from counter_app.sync.transport import DEFAULT_PULL_LIMIT
from province_server.stations.service import issue_code
from province_server.testing import ServerProcess, ThrowawayDatabase
from sync_protocol import (
    GZIP_ENCODING,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    EventWire,
    PullResponse,
    PushRequest,
    PushResponse,
    encode_push,
    loads,
)
from tests.server.helpers import receive

API = "/api/v1"
STATIONS_PER_OFFICE = 9
# The server accepts at most 99 station identities (``stations.prefix`` is two digits and
# unique province-wide, not per office): beyond that, simulated stations share an identity
# (same token, disjoint sequence numbers and dossier codes); the server's work per request is
# the same.
MAX_IDENTITIES = 99
TARGET_P99_MS = 200.0
STEPS = (
    ("handed_over", {"to": "Công chức Tư pháp - Hộ tịch", "note": ""}),
    ("result_received", {"outcome": "approved", "note": "", "result_number": "123/GKS"}),
    ("returned", {"receiver_name": "Nguyễn Văn Đức", "receiver_is_applicant": True}),
)


@dataclass
class SimStation:
    """A station reduced to what it sends: its identity, token, cursor and dossiers."""

    agency: str
    station_id: str
    prefix: str
    token: str
    group: int = 0  # which of the stations sharing this identity
    cursor: int = 0
    seq: int = 0
    dossiers: list[tuple[str, int]] = field(default_factory=list)  # (uuid, steps done)

    def headers(self) -> dict[str, str]:
        return {
            PROTOCOL_HEADER: str(PROTOCOL_VERSION),
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }


@dataclass
class Results:
    push: list[float] = field(default_factory=list)
    pull: list[float] = field(default_factory=list)
    health: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    events_pushed: int = 0
    events_pulled: int = 0


def _template(work: Path) -> EventWire:
    """A real ``received`` event (payload as a real station writes it) to copy from."""
    ctx = open_station(work / "template")
    (dossier,) = receive(ctx)
    event = ctx.store.dossiers.events_of(dossier.uuid)[0]
    ctx.store.close()
    return _to_wire(event)


def _new_events(station: SimStation, template: EventWire, minute: int) -> list[EventWire]:
    """One new dossier received, and the next step of up to three earlier ones."""
    now = f"2026-02-13T{8 + minute // 60:02d}:{minute % 60:02d}:00+07:00"
    events = []
    dossier_uuid = str(uuid.uuid4())
    station.seq += 1
    number = len(station.dossiers) + 1
    payload = {
        **template.payload,
        "agency_id": station.agency,
        "code": f"{station.agency}-2602{13 + station.group}-{station.prefix}{number:04d}",
    }
    events.append(
        EventWire(
            str(uuid.uuid4()),
            dossier_uuid,
            "received",
            station.station_id,
            station.seq,
            "canbo",
            now,
            payload,
        )
    )
    advanced = []
    for index, (known, done) in enumerate(station.dossiers):
        if done < len(STEPS) and len(advanced) < 3:
            kind, body = STEPS[done]
            station.seq += 1
            events.append(
                EventWire(
                    str(uuid.uuid4()),
                    known,
                    kind,
                    station.station_id,
                    station.seq,
                    "canbo",
                    now,
                    body,
                )
            )
            advanced.append(index)
    for index in advanced:
        known, done = station.dossiers[index]
        station.dossiers[index] = (known, done + 1)
    station.dossiers.append((dossier_uuid, 0))
    return events


async def _timed(results: list[float], call: Any) -> httpx.Response:
    started = time.perf_counter()
    response: httpx.Response = await call
    results.append((time.perf_counter() - started) * 1000)
    return response


async def _sync(
    http: httpx.AsyncClient,
    url: str,
    station: SimStation,
    template: EventWire,
    minute: int,
    results: Results,
) -> None:
    events = _new_events(station, template, minute)
    batch = PushRequest(str(uuid.uuid4()), station.station_id, tuple(events))
    try:
        response = await _timed(
            results.push,
            http.post(
                url + API + "/sync/push",
                content=encode_push(batch),
                headers={**station.headers(), "Content-Encoding": GZIP_ENCODING},
            ),
        )
        if response.status_code != 200:
            results.errors.append(f"push {response.status_code}")
        else:
            answer = PushResponse.from_json(loads(response.content))
            if any(r.status.value != "accepted" for r in answer.results):
                results.errors.append("push not accepted")
            results.events_pushed += len(answer.results)
        while True:
            response = await _timed(
                results.pull,
                http.get(
                    url + API + "/sync/pull",
                    params={"cursor": station.cursor, "limit": DEFAULT_PULL_LIMIT},
                    headers=station.headers(),
                ),
            )
            if response.status_code != 200:
                results.errors.append(f"pull {response.status_code}")
                return
            page = PullResponse.from_json(loads(response.content))
            results.events_pulled += len(page.events)
            station.cursor = max(station.cursor, page.cursor)
            if not page.has_more:
                return
    except httpx.HTTPError as exc:
        results.errors.append(type(exc).__name__)


async def _station_loop(
    http: httpx.AsyncClient,
    url: str,
    station: SimStation,
    template: EventWire,
    *,
    minutes: int,
    period: float,
    offset: float,
    results: Results,
) -> None:
    start = time.perf_counter() + offset
    for minute in range(minutes):
        delay = start + minute * period - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await _sync(http, url, station, template, minute, results)


async def _probe_health(http: httpx.AsyncClient, url: str, out: list[float], stop: Any) -> None:
    while not stop.is_set():
        response = await _timed(out, http.get(url + "/healthz"))
        if response.status_code != 200:
            raise RuntimeError(f"healthz {response.status_code}")
        await asyncio.sleep(0.1)


async def _load(
    url: str, stations: list[SimStation], template: EventWire, *, minutes: int, period: float
) -> tuple[Results, list[float], float]:
    limits = httpx.Limits(max_connections=len(stations) + 10, max_keepalive_connections=None)
    results = Results()
    idle: list[float] = []
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        for _ in range(200):
            await _timed(idle, http.get(url + "/healthz"))
        stop = asyncio.Event()
        probe = asyncio.create_task(_probe_health(http, url, results.health, stop))
        rng = random.Random(7)
        started = time.perf_counter()
        await asyncio.gather(
            *(
                _station_loop(
                    http,
                    url,
                    s,
                    template,
                    minutes=minutes,
                    period=period,
                    offset=rng.uniform(0, period),
                    results=results,
                )
                for s in stations
            )
        )
        elapsed = time.perf_counter() - started
        stop.set()
        await probe
    return results, idle, elapsed


def _enrol(server: ServerProcess, db_url: str, count: int) -> list[SimStation]:
    identities = []
    with psycopg.connect(db_url, autocommit=True) as conn, httpx.Client(timeout=30) as http:
        for index in range(min(count, MAX_IDENTITIES)):
            agency = f"000.00.{30 + index // STATIONS_PER_OFFICE}.H56"
            issued = issue_code(conn, agency_id=agency, station_number=index + 1, ttl_hours=1)
            response = http.post(
                server.url + API + "/enrol",
                content=json.dumps({"code": issued.code, "app_version": "bench"}).encode(),
                headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)},
            )
            response.raise_for_status()
            body = response.json()
            identities.append((agency, body["station_id"], body["station_prefix"], body["token"]))
    stations = []
    for index in range(count):
        group, slot = divmod(index, len(identities))
        station = SimStation(*identities[slot], group=group)
        station.seq = group * 1_000_000_000
        stations.append(station)
    return stations


def _percentiles(values: list[float]) -> dict[str, float | int]:
    if not values:
        return {"count": 0}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {
        "count": len(values),
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(cuts[94], 2),
        "p99_ms": round(cuts[98], 2),
        "max_ms": round(max(values), 2),
    }


def run(stations: int, minutes: int, period: float) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    os.environ["COUNTER_APP_MIRROR_DIR"] = str(work / "mirror")
    database = ThrowawayDatabase(prefix="province_bench")
    db_url = database.create()
    server = ServerProcess(db_url)
    server.start()
    try:
        template = _template(work)
        sims = _enrol(server, db_url, stations)
        print(f"enrolled {len(sims)} stations; loading…", file=sys.stderr)
        results, idle, elapsed = asyncio.run(
            _load(server.url, sims, template, minutes=minutes, period=period)
        )
    finally:
        server.stop()
        database.drop()
        shutil.rmtree(work, ignore_errors=True)
    push, pull = _percentiles(results.push), _percentiles(results.pull)
    worst = max(float(push.get("p99_ms", 0)), float(pull.get("p99_ms", 0)))
    return {
        "python": platform.python_version(),
        "server_processes": 1,
        "stations": stations,
        "station_identities": min(stations, MAX_IDENTITIES),
        "simulated_minutes": minutes,
        "seconds_per_simulated_minute": period,
        "load_vs_real_time": round(60 / period, 2),
        "elapsed_s": round(elapsed, 1),
        "syncs_per_s": round(stations * minutes / elapsed, 1),
        "events_pushed": results.events_pushed,
        "events_pulled": results.events_pulled,
        "push": push,
        "pull": pull,
        "baseline_healthz_idle": _percentiles(idle),
        "baseline_healthz_under_load": _percentiles(results.health),
        "p99_ratio_to_idle_healthz": round(worst / max(_percentiles(idle)["p99_ms"], 1e-6), 1),
        "errors": len(results.errors),
        "error_kinds": sorted(set(results.errors)),
        "target_p99_ms": TARGET_P99_MS,
        "meets_target": worst <= TARGET_P99_MS and not results.errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=300)
    parser.add_argument("--minutes", type=int, default=2)
    parser.add_argument("--seconds-per-minute", type=float, default=60.0)
    args = parser.parse_args()
    print(json.dumps(run(args.stations, args.minutes, args.seconds_per_minute), indent=2))


if __name__ == "__main__":
    main()
