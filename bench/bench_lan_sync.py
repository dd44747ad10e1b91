"""Office LAN sync throughput (issue 15): 10,000 events between two peers, in events/s,
against the same events pushed to the province server on loopback, in the same run.

Run: ``python bench/bench_lan_sync.py [--dossiers 2500] [--repeats 3]``. Needs PostgreSQL
(like ``bench_sync.py``). Each repeat, from nothing:

- a throwaway database and the real province server (uvicorn, one process) on loopback;
- station A enrolled there (it gets the office secret), filled by ``bench_sync._fill``:
  ``--dossiers`` dossiers received through the real service with their three status events
  (4 events each, 10,000 by default), all waiting in A's outbox;
- station B of the same office (same agency, the office secret; not enrolled, never talks
  to the province): an empty peer;
- LAN: A's real peer server (HTTPS, certificate pinned, the office secret's challenge) on
  loopback; timed ``lan_sync`` of B from A until B holds every event (pages of 1,000, each
  applied and projected in one transaction, the relays queued);
- baseline: timed ``push_outbox`` of A to the province (the same events, the HTTP client,
  the dictionary encoding, the server's validation and PostgreSQL transactions);
- diagnostic: a third counter, enrolled, pulls the same events from the province in pages
  of the same size: the receiving side's cost (apply, projection) is the LAN's too.

Prints one JSON object: the medians of both in events/s and their ratio (LAN / province),
with every repeat's figures. ``--smoke``: 5 dossiers, one repeat.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from bench_sync import _enrolled, _fill

from counter_app.app import open_station
from counter_app.domain.clock import SystemClock
from counter_app.services.station import new_station_id
from counter_app.storage.station_secrets import office_secret, set_office_secret, station_token
from counter_app.sync.client import HttpSyncClient
from counter_app.sync.engine import pull_remote, push_outbox
from counter_app.sync.lan.engine import LAN_PAGE, PeerAddress, lan_sync
from counter_app.sync.lan.server import PeerServer
from province_server.testing import ServerProcess, ThrowawayDatabase


def _peer_of(folder: Path, office: dict[str, Any], secret: str) -> Any:
    """A new station of the same office holding the office secret (never enrolled)."""
    ctx = open_station(folder)
    with ctx.store.db.atomic():
        ctx.store.config.set(
            "office", {**office, "station_id": new_station_id(), "station_prefix": "00002"}
        )
    set_office_secret(folder, secret)
    return ctx


def _repeat(work: Path, dossiers: int) -> dict[str, Any]:
    database = ThrowawayDatabase(prefix="province_bench_lan")
    db_url = database.create()
    server = ServerProcess(db_url)
    server.start()
    try:
        with httpx.Client(timeout=60) as http:
            a = _enrolled(work / "a", server, db_url, 1, http)
            _fill(a, dossiers)
            events = a.store.sync.waiting()
            secret = office_secret(a.store.data_dir)
            assert secret
            b = _peer_of(work / "b", asdict(a.office()), secret)
            peer = PeerServer(a.store.data_dir, clock=SystemClock(), host="127.0.0.1", port=0)
            peer.start()
            try:
                started = time.perf_counter()
                report = lan_sync(b, [PeerAddress(f"127.0.0.1:{peer.port}")])
                lan_s = time.perf_counter() - started
            finally:
                peer.stop()
            assert report.failed == 0 and report.pulled == events, report
            assert report.conflicts == 0
            client = HttpSyncClient(server.url, station_token(a.store.data_dir), http)
            started = time.perf_counter()
            tally = push_outbox(a, client)
            push_s = time.perf_counter() - started
            assert tally.pushed == events and a.store.sync.waiting() == 0
            # diagnostic: a third counter pulls the same events from the province (the same
            # apply and projection code as a LAN page)
            c = _enrolled(work / "c", server, db_url, 2, http)
            reader = HttpSyncClient(server.url, station_token(c.store.data_dir), http)
            started = time.perf_counter()
            pulled = pull_remote(c, reader, limit=LAN_PAGE)
            pull_s = time.perf_counter() - started
            assert pulled.pulled == events
            for ctx in (a, b, c):
                ctx.store.close()
    finally:
        server.stop()
        database.drop()
        shutil.rmtree(work, ignore_errors=True)
    return {
        "events": events,
        "lan_seconds": round(lan_s, 3),
        "lan_events_per_s": round(events / lan_s),
        "push_seconds": round(push_s, 3),
        "push_events_per_s": round(events / push_s),
        "ratio": round(push_s / lan_s, 2),
        "province_pull_seconds": round(pull_s, 3),
        "province_pull_events_per_s": round(events / pull_s),
    }


def run(dossiers: int, repeats: int) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="bench-lan-"))
    os.environ["COUNTER_APP_MIRROR_DIR"] = str(root / "mirror")
    os.environ.setdefault("COUNTER_APP_SECRETS", "file")
    try:
        runs = [_repeat(root / f"run{i}", dossiers) for i in range(repeats)]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    lan = statistics.median(r["lan_events_per_s"] for r in runs)
    push = statistics.median(r["push_events_per_s"] for r in runs)
    return {
        "python": platform.python_version(),
        "dossiers": dossiers,
        "events": runs[0]["events"],
        "repeats": repeats,
        "lan_events_per_s_median": round(lan),
        "province_push_events_per_s_median": round(push),
        "lan_over_province_ratio": round(lan / push, 2),
        "diagnostic_province_pull_events_per_s_median": round(
            statistics.median(r["province_pull_events_per_s"] for r in runs)
        ),
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=2_500)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (tests)")
    args = parser.parse_args()
    if args.smoke:  # run by tests/bench/test_bench_smoke.py
        args.dossiers, args.repeats = 5, 1
    print(json.dumps(run(args.dossiers, args.repeats), indent=2))


if __name__ == "__main__":
    main()
