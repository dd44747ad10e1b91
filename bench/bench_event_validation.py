"""Cost of the shared event validator on the push path (issue 17), per event.

The events are those of ``bench_sync.py`` (real receptions: a ``received`` event of about
3 KB, then ``handed_over``, ``result_received``, ``returned``), read from a station's outbox
as the engine sends them. For each one, interleaved over ``--repeats`` rounds:

- **baseline**: ``EventWire.from_json(event.to_json())``, the envelope parsing the server
  already does for every pushed event;
- **validate**: ``sync_protocol.events.event_problem``, what the server (and the counter
  before sending) now adds.

Output: median µs per event of each (all kinds, and received events alone), the ratio
validate / baseline, and the events per second validation alone allows (the push target is
2,000 events/s end to end; see ``bench_sync.py`` for the whole path).

``--server``: also the server's push function itself (``province_server.sync.service.push``,
one PostgreSQL transaction per batch of 170 events, on a throwaway database), batch after
batch alternately with the validator and with it switched off (two sets of fresh events, so
both insert): events/s of each and their ratio (the validator's share of the server's work).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sync import AGENCY, _fill

from counter_app.app import open_station
from counter_app.sync.engine import _to_wire
from sync_protocol import EventWire
from sync_protocol.events import event_problem


def _server_push(dossiers: int) -> dict[str, Any]:
    """The server's push with and without the validator, batch after batch (module doc)."""
    import uuid

    import psycopg

    from counter_app.sync.engine import enrol
    from province_server.stations import service as stations
    from province_server.sync import service
    from province_server.testing import ThrowawayDatabase
    from sync_protocol import PushRequest

    database = ThrowawayDatabase(prefix="bench_validation")
    url = database.create()
    try:
        with tempfile.TemporaryDirectory() as tmp, psycopg.connect(url) as conn:
            conn.autocommit = True
            os.environ["COUNTER_APP_MIRROR_DIR"] = str(Path(tmp) / "mirror")
            issued = stations.issue_code(conn, agency_id=AGENCY, station_number=1, ttl_hours=1)

            class _InProcess:
                def enrol(self, code: str) -> Any:
                    return stations.enrol(conn, code)

            ctx = open_station(Path(tmp) / "station")
            enrol(ctx, _InProcess(), url="http://127.0.0.1:1", code=issued.code)  # type: ignore[arg-type]
            station = stations.Station(issued.station_id, AGENCY, issued.station_prefix)
            _fill(ctx, 2 * dossiers)
            wire = [_to_wire(e) for e in ctx.store.sync.pending(10**9, max_events=10**6)]
            ctx.store.close()
            order = list(dict.fromkeys(e.dossier_uuid for e in wire))
            first = set(order[: len(order) // 2])  # the same kinds in both halves
            halves = {
                "validated": [e for e in wire if e.dossier_uuid in first],
                "unvalidated": [e for e in wire if e.dossier_uuid not in first],
            }
            seconds = {name: 0.0 for name in halves}
            real = service.event_problem
            for start in range(0, len(wire) // 2, 170):
                for name, events in halves.items():
                    service.event_problem = real if name == "validated" else lambda e: None  # type: ignore[assignment]
                    batch = PushRequest(
                        str(uuid.uuid4()), station.id, tuple(events[start : start + 170])
                    )
                    started = time.perf_counter()
                    answer = service.push(conn, station, batch)
                    seconds[name] += time.perf_counter() - started
                    refused = {r.reason for r in answer.results if r.status.value != "accepted"}
                    assert not refused, refused
            service.event_problem = real
    finally:
        database.drop()
    per_s = {name: round(len(halves[name]) / seconds[name]) for name in halves}
    return {
        "events_each": len(halves["validated"]),
        "events_per_s": per_s,
        "validated_over_unvalidated_time": round(seconds["validated"] / seconds["unvalidated"], 3),
    }


def _per_event_us(events: list[EventWire], fn: Any) -> float:
    started = time.perf_counter()
    for event in events:
        fn(event)
    return (time.perf_counter() - started) / len(events) * 1e6


def run(dossiers: int, repeats: int, server: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["COUNTER_APP_MIRROR_DIR"] = str(Path(tmp) / "mirror")
        ctx = open_station(Path(tmp) / "station")
        _fill(ctx, dossiers)
        events = [_to_wire(e) for e in ctx.store.sync.pending(10**9, max_events=10**6)]
        ctx.store.close()
    assert all(event_problem(e) is None for e in events)
    received = [e for e in events if e.kind == "received"]

    def baseline(e: EventWire) -> None:
        EventWire.from_json(e.to_json())

    samples: dict[str, list[float]] = {k: [] for k in ("base", "val", "base_rec", "val_rec")}
    for _ in range(repeats):
        samples["base"].append(_per_event_us(events, baseline))
        samples["val"].append(_per_event_us(events, event_problem))
        samples["base_rec"].append(_per_event_us(received, baseline))
        samples["val_rec"].append(_per_event_us(received, event_problem))
    med = {k: statistics.median(v) for k, v in samples.items()}
    extra = {"server_push": _server_push(dossiers)} if server else {}
    return {
        **extra,
        "events": len(events),
        "received_events": len(received),
        "repeats": repeats,
        "all_kinds": {
            "baseline_parse_us": round(med["base"], 2),
            "validate_us": round(med["val"], 2),
            "ratio": round(med["val"] / med["base"], 2),
            "validation_alone_events_per_s": round(1e6 / med["val"]),
        },
        "received_only": {
            "baseline_parse_us": round(med["base_rec"], 2),
            "validate_us": round(med["val_rec"], 2),
            "ratio": round(med["val_rec"] / med["base_rec"], 2),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--server", action="store_true", help="also the server's push A/B")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (tests)")
    args = parser.parse_args()
    if args.smoke:  # run by tests/bench/test_bench_smoke.py
        args.dossiers, args.repeats, args.server = 5, 2, True
    print(json.dumps(run(args.dossiers, args.repeats, args.server), indent=2))


if __name__ == "__main__":
    main()
