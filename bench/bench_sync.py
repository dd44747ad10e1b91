"""Sync push throughput and bytes on the wire (DESIGN §9: ≥ 2,000 events/s; ≤ 1 KB/dossier).

Run: ``python bench/bench_sync.py [--dossiers 2500]``. Needs PostgreSQL (the same one as the
server tests: ``PROVINCE_TEST_ADMIN_URL``, default the local ``postgres`` superuser). It
creates a throwaway database, starts the real server (``province-server serve``, uvicorn,
one process) on a loopback port, and a real station in a temporary folder, then:

- fills the station with ``--dossiers`` dossiers received through the real service, each with
  its usual three status events (handed over, result received, returned): 4 events each,
  10,000 by default;
- push: times ``push_outbox`` (the engine, the HTTP client, gzip, the server's validation and
  one PostgreSQL transaction per batch) until the outbox is empty; events/s is the target;
- baseline in the same run: the same 10,000 rows inserted bare with psycopg ``executemany``
  into a table of the same shape, in one transaction (what PostgreSQL alone costs);
- bytes: every request and response of the push is measured on the wire (request line,
  headers, body as sent); per dossier = total / dossiers. Also the body of a batch holding a
  single dossier's 4 events (a station that syncs after every dossier);
- pull (diagnostic): a second station of the same office pulls everything and re-projects.

Prints one JSON object. Takes about a minute, most of it filling the station.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import psycopg

from counter_app.app import open_station
from counter_app.domain.dossier import apply_event
from counter_app.domain.models import Applicant
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.storage.station_secrets import station_token
from counter_app.sync.client import HttpSyncClient
from counter_app.sync.engine import _to_wire, enrol, pull_remote, push_outbox
from province_server.stations.service import issue_code
from province_server.testing import ServerProcess, ThrowawayDatabase
from sync_protocol import PushRequest, dumps, encode_push

AGENCY = "000.00.19.H56"
PROCEDURE = "1.001193"
TARGET_EVENTS_PER_S = 2_000
TARGET_BYTES_PER_DOSSIER = 1_024
_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng")
_GIVEN = ("Văn Đức", "Thị Thủy", "Minh Hoà", "Ngọc Anh", "Đức Hùng", "Thị Lan", "Văn Dũng")


class WireMeter:
    """httpx event hooks counting bytes as sent and received (bodies as on the wire)."""

    def __init__(self) -> None:
        self.sent = 0
        self.received = 0
        self.requests = 0

    def on_request(self, request: httpx.Request) -> None:
        line = f"{request.method} {request.url.raw_path.decode()} HTTP/1.1\r\n"
        headers = sum(len(k) + len(v) + 4 for k, v in request.headers.raw)
        self.sent += len(line) + headers + 2 + len(request.content)
        self.requests += 1

    def on_response(self, response: httpx.Response) -> None:
        response.read()
        headers = sum(len(k) + len(v) + 4 for k, v in response.headers.raw)
        self.received += 17 + headers + 2 + response.num_bytes_downloaded


def _enrolled(
    folder: Path, server: ServerProcess, db_url: str, number: int, http: httpx.Client
) -> StationContext:
    ctx = open_station(folder)
    with psycopg.connect(db_url, autocommit=True) as conn:
        code = issue_code(conn, agency_id=AGENCY, station_number=number, ttl_hours=1).code
    enrol(ctx, HttpSyncClient(server.url, None, http), url=server.url, code=code)
    return ctx


def _fill(ctx: StationContext, dossiers: int) -> None:
    """Receive ``dossiers`` dossiers and give each its three usual status events."""
    ctx.store.db.conn.execute("PRAGMA synchronous = OFF")  # filling is not what is measured
    received = []
    for i in range(dossiers):
        name = f"{_FAMILY[i % len(_FAMILY)]} {_GIVEN[i % len(_GIVEN)]}"
        applicant = Applicant(name=name, id_number=f"0010{i:08d}", address="Thôn Đông, xã Minh Hòa")
        request = ReceptionRequest(procedure_code=PROCEDURE, applicant=applicant)
        received.append(receive_dossier(ctx, request, officer="canbo")[0])
    steps = (
        ("handed_over", {"to": "Phòng Tư pháp", "note": ""}),
        ("result_received", {"outcome": "resolved", "result_no": "123/GKS"}),
        ("returned", {"to": name, "originals_returned": True}),
    )
    store = ctx.store
    with store.db.atomic():
        for dossier in received:
            current = dossier
            for kind, payload in steps:
                event = ctx.new_event(
                    dossier_uuid=dossier.uuid,
                    kind=kind,
                    officer="canbo",
                    at=ctx.clock.now(),
                    payload=payload,
                )
                current = apply_event(current, event)
                store.dossiers.append(current, event, queued_at=ctx.clock.now())
    ctx.store.db.conn.execute("PRAGMA synchronous = FULL")


def _baseline(db_url: str, ctx: StationContext) -> float:
    """Seconds to insert the same rows bare (psycopg executemany, one transaction)."""
    rows = ctx.store.db.conn.execute(
        "SELECT uuid, dossier_uuid, kind, station_id, seq, officer, at, payload FROM events"
    ).fetchall()
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE bench_events (seq bigserial PRIMARY KEY, uuid uuid UNIQUE NOT NULL,"
            " dossier_uuid uuid NOT NULL, kind text NOT NULL, station_id uuid NOT NULL,"
            " station_seq bigint NOT NULL, officer text NOT NULL, at timestamptz NOT NULL,"
            " at_text text NOT NULL, payload jsonb NOT NULL)"
        )
        started = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO bench_events (uuid, dossier_uuid, kind, station_id, station_seq,"
                " officer, at, at_text, payload) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s::jsonb)",
                [(u, d, k, s, q, o, a, a, p) for u, d, k, s, q, o, a, p in rows],
            )
        return time.perf_counter() - started


def _single_dossier_body(ctx: StationContext) -> dict[str, int]:
    """Body bytes of a batch holding one dossier's 4 events (raw JSON and gzip)."""
    row = ctx.store.db.conn.execute("SELECT uuid FROM dossiers LIMIT 1").fetchone()
    events = tuple(_to_wire(e) for e in ctx.store.dossiers.events_of(row[0]))
    batch = PushRequest(ctx.new_id(), ctx.office().station_id, events)
    return {"json": len(dumps(batch.to_json()).encode()), "gzip": len(encode_push(batch))}


def run(dossiers: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    os.environ["COUNTER_APP_MIRROR_DIR"] = str(work / "mirror")
    database = ThrowawayDatabase(prefix="province_bench")
    db_url = database.create()
    server = ServerProcess(db_url)
    server.start()
    meter = WireMeter()
    hooks: dict[str, list[Callable[..., Any]]] = {
        "request": [meter.on_request],
        "response": [meter.on_response],
    }
    try:
        with httpx.Client(timeout=60) as plain, httpx.Client(timeout=60, event_hooks=hooks) as http:
            station = _enrolled(work / "a", server, db_url, 1, plain)
            _fill(station, dossiers)
            events = station.store.sync.waiting()
            token = station_token(station.store.data_dir)
            client = HttpSyncClient(server.url, token, http)
            started = time.perf_counter()
            tally = push_outbox(station, client)
            push_s = time.perf_counter() - started
            assert tally.pushed == events and station.store.sync.waiting() == 0
            baseline_s = _baseline(db_url, station)
            single = _single_dossier_body(station)
            reader = _enrolled(work / "b", server, db_url, 2, plain)
            reader_token = station_token(reader.store.data_dir)
            started = time.perf_counter()
            pulled = pull_remote(reader, HttpSyncClient(server.url, reader_token, plain))
            pull_s = time.perf_counter() - started
            assert pulled.pulled == events and pulled.conflicts == 0
            station.store.close()
            reader.store.close()
    finally:
        server.stop()
        database.drop()
        shutil.rmtree(work, ignore_errors=True)
    per_dossier = meter.sent / dossiers
    return {
        "python": platform.python_version(),
        "dossiers": dossiers,
        "events": events,
        "push": {
            "seconds": round(push_s, 3),
            "events_per_s": round(events / push_s),
            "batches": meter.requests,
            "target_events_per_s": TARGET_EVENTS_PER_S,
            "meets_target": events / push_s >= TARGET_EVENTS_PER_S,
        },
        "baseline_bare_insert": {
            "seconds": round(baseline_s, 3),
            "events_per_s": round(events / baseline_s),
            "push_cost_ratio": round(push_s / baseline_s, 1),
        },
        "wire_bytes": {
            "sent_total": meter.sent,
            "received_total": meter.received,
            "sent_per_dossier": round(per_dossier),
            "received_per_dossier": round(meter.received / dossiers),
            "target_per_dossier": TARGET_BYTES_PER_DOSSIER,
            "meets_target": per_dossier <= TARGET_BYTES_PER_DOSSIER,
            "one_dossier_batch_body": single,
        },
        "pull_diagnostic": {
            "seconds": round(pull_s, 3),
            "events_per_s": round(events / pull_s),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=2_500)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (tests)")
    args = parser.parse_args()
    if args.smoke:  # run by tests/bench/test_bench_smoke.py
        args.dossiers = 5
    print(json.dumps(run(args.dossiers), indent=2))


if __name__ == "__main__":
    main()
