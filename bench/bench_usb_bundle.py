"""USB sync bundles (issue 15 item 2): bundle size per dossier and import time for 10,000 events.

Run: ``python bench/bench_usb_bundle.py [--dossiers 2500] [--runs 3]``. Needs PostgreSQL (as
the server tests: ``PROVINCE_TEST_ADMIN_URL``). One throwaway database, the real server on a
loopback port (enrolment and the baseline), a real station filled through the real services
with ``--dossiers`` dossiers of 4 events each (received, handed over, result, returned: 10,000
events by default, as ``bench_sync.py``). Then, ``--runs`` times, interleaved, each on a fresh
copy of the filled station and an emptied province:

- **bundle**: ``export_bundle`` (station side: read the outbox, build the push batches,
  deflate, encrypt, sign, write), ``import_bundle`` at the province (verify, decrypt, every
  batch through ``sync.service.push`` in its own transaction, the return bundle built from
  the pull), ``import_return`` at the station (acknowledgements, pull pages, marks);
- **baseline**: the same events pushed over loopback HTTP by the engine (``push_outbox``,
  the dictionary deflate encoding, one transaction per batch), the bytes on the wire counted.

Prints one JSON object: medians (and all runs) of each step, the ratio of the province's
import to the HTTP push, the bundle's bytes per dossier against the push's bytes on the wire
per dossier, and the return bundle's size.
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
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import psycopg
from bench_sync import WireMeter, _enrolled, _fill

from counter_app.services.station import StationContext, opened_station
from counter_app.storage.station_secrets import station_token
from counter_app.sync.client import HttpSyncClient
from counter_app.sync.engine import push_outbox
from counter_app.sync.usb_bundle import export_bundle, import_return
from province_server.sync import bundles
from province_server.testing import ServerProcess, ThrowawayDatabase

os.environ.setdefault("COUNTER_APP_SECRETS", "file")  # the station's copies carry their keys
_EMPTIED = (
    "TRUNCATE events, dossiers, dossier_states, code_high_water, dossier_digitisation,"
    " bundle_imports, station_bundle_keys CASCADE"
)


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def _copy(source: Path, target: Path) -> None:
    shutil.copytree(source, target)


def _bundle_run(
    folder: Path, mirror: Path, db_url: str, keys: bundles.BundleKeys, work: Path
) -> dict[str, Any]:
    with opened_station(folder, mirror_dir=mirror, clock=_clock()) as ctx:
        events = ctx.store.sync.waiting()
        started = time.perf_counter()
        exported = export_bundle(ctx, work / "station.qmcsync")
        export_s = time.perf_counter() - started
        data = exported.path.read_bytes()
        with psycopg.connect(db_url, autocommit=True) as conn:
            started = time.perf_counter()
            result = bundles.import_bundle(conn, data, keys)
            import_s = time.perf_counter() - started
        assert result.accepted == events, (result.accepted, events)
        back = work / "return.qmcsync"
        back.write_bytes(result.return_bundle)
        started = time.perf_counter()
        report = import_return(ctx, back)
        return_s = time.perf_counter() - started
        assert ctx.store.sync.waiting() == 0 and report.acknowledged == events
    return {
        "export_s": export_s,
        "import_s": import_s,
        "return_s": return_s,
        "bundle_bytes": len(data),
        "return_bytes": len(result.return_bundle),
    }


def _http_run(folder: Path, mirror: Path, url: str) -> dict[str, Any]:
    meter = WireMeter()
    hooks: dict[str, Any] = {"request": [meter.on_request], "response": [meter.on_response]}
    with (
        opened_station(folder, mirror_dir=mirror, clock=_clock()) as ctx,
        httpx.Client(timeout=120, event_hooks=hooks) as http,
    ):
        events = ctx.store.sync.waiting()
        client = HttpSyncClient(url, station_token(folder), http)
        started = time.perf_counter()
        tally = push_outbox(ctx, client)
        push_s = time.perf_counter() - started
        assert tally.pushed == events and ctx.store.sync.waiting() == 0
    return {"push_s": push_s, "wire_sent": meter.sent, "wire_received": meter.received}


def _clock() -> Any:
    from counter_app.domain.clock import SystemClock

    return SystemClock()


def run(dossiers: int, runs: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-usb-"))
    mirror = work / "mirror"
    os.environ["COUNTER_APP_MIRROR_DIR"] = str(mirror)
    key_file = work / "province-keys.json"
    bundles.generate_keys(key_file)
    keys = bundles.province_keys(str(key_file))
    assert keys is not None
    database = ThrowawayDatabase(prefix="province_bench")
    db_url = database.create()
    server = ServerProcess(db_url, env={"PROVINCE_BUNDLE_KEY_FILE": str(key_file)})
    server.start()
    bundle_runs: list[dict[str, Any]] = []
    http_runs: list[dict[str, Any]] = []
    try:
        with httpx.Client(timeout=60) as plain:
            station: StationContext = _enrolled(work / "filled", server, db_url, 1, plain)
            _fill(station, dossiers)
            events = station.store.sync.waiting()
            station.store.close()
        for index in range(runs):
            for kind in ("bundle", "http") if index % 2 == 0 else ("http", "bundle"):
                with psycopg.connect(db_url, autocommit=True) as conn:
                    conn.execute(_EMPTIED)
                copy = work / f"{kind}-{index}"
                _copy(work / "filled", copy)
                if kind == "bundle":
                    bundle_runs.append(_bundle_run(copy, mirror, db_url, keys, copy))
                else:
                    http_runs.append(_http_run(copy, mirror, server.url))
                shutil.rmtree(copy, ignore_errors=True)
    finally:
        server.stop()
        database.drop()
        shutil.rmtree(work, ignore_errors=True)
    import_s = _median([r["import_s"] for r in bundle_runs])
    push_s = _median([r["push_s"] for r in http_runs])
    bundle_bytes = bundle_runs[0]["bundle_bytes"]
    wire_sent = http_runs[0]["wire_sent"]
    return {
        "python": platform.python_version(),
        "dossiers": dossiers,
        "events": events,
        "runs": runs,
        "bundle": {
            "export_s_median": _median([r["export_s"] for r in bundle_runs]),
            "province_import_s_median": import_s,
            "province_import_events_per_s": round(events / import_s) if import_s else None,
            "return_import_s_median": _median([r["return_s"] for r in bundle_runs]),
            "bytes": bundle_bytes,
            "bytes_per_dossier": round(bundle_bytes / dossiers),
            "return_bytes": bundle_runs[0]["return_bytes"],
            "import_s_runs": [round(r["import_s"], 3) for r in bundle_runs],
        },
        "baseline_http_push": {
            "push_s_median": push_s,
            "events_per_s": round(events / push_s) if push_s else None,
            "wire_sent_bytes": wire_sent,
            "wire_sent_per_dossier": round(wire_sent / dossiers),
            "push_s_runs": [round(r["push_s"], 3) for r in http_runs],
        },
        "ratios": {
            "province_import_over_http_push": round(import_s / push_s, 2) if push_s else None,
            "bundle_bytes_over_wire_bytes": round(bundle_bytes / wire_sent, 2),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=2_500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (tests)")
    args = parser.parse_args()
    if args.smoke:  # run by tests/bench/test_bench_smoke.py
        args.dossiers, args.runs = 5, 1
    print(json.dumps(run(args.dossiers, args.runs), indent=2))


if __name__ == "__main__":
    main()
