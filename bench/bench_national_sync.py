"""National portal connector throughput and lag (issue 14 item 1).

Run: ``python bench/bench_national_sync.py [--dossiers 300] [--burst 100] [--repeats 3]``;
``--smoke`` runs in seconds. Needs PostgreSQL as the server tests (``PROVINCE_TEST_ADMIN_URL``):
a throwaway database, the real server (``ThrowawayDatabase``, ``ServerProcess``), a real
station that receives ``--dossiers`` dossiers through the real service, each with 3 steps
(handed over, result, returned), pushed; then the contract fake of the gateway
(``tests/server/national_fake.py``, no faults) on loopback and the real ``Connector``:

- throughput: dossiers/s (and portal calls/s) to drain the whole outbox (TraCuuHoSo,
  DongBoHoSoMC and 4 CapNhatTienDoHoSoMC per dossier), median over ``--repeats`` fresh fakes
  (the outbox is reset between repeats);
- baseline in the same run: bare httpx POSTs of TraCuuHoSo to the same fake, as many calls as
  the connector made: calls/s, and the ratio;
- lag after a burst: ``--burst`` new dossiers pushed at once, then the time until the fake
  holds every one of them with its first step.

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
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
from counter_app.sync.client import HttpSyncClient
from counter_app.sync.engine import enrol, push_outbox, sync_settings
from province_server.national.client import PortalClient
from province_server.national.config import NationalSettings
from province_server.national.service import Connector, pending
from province_server.stations.service import issue_code
from province_server.testing import ServerProcess, ThrowawayDatabase
from tests.server.national_fake import FakeGateway

AGENCY = "000.00.19.H56"
STEPS = (
    ("handed_over", {"to": "Phòng Tư pháp", "note": ""}),
    ("result_received", {"outcome": "resolved", "result_no": "12/GKS"}),
    ("returned", {"to": "Nguyễn Văn A", "originals_returned": True}),
)


def _fill(ctx: StationContext, count: int, start: int) -> list[str]:
    ctx.store.db.conn.execute("PRAGMA synchronous = OFF")
    codes = []
    for i in range(start, start + count):
        name = "Nguyễn Văn " + "ABCDEGHK"[i % 8]
        applicant = Applicant(name=name, id_number=f"0010{i:08d}", address="Xã A")
        request = ReceptionRequest(procedure_code="1.001193", applicant=applicant)
        dossier = receive_dossier(ctx, request, officer="canbo")[0]
        codes.append(dossier.code or "")
        current = dossier
        with ctx.store.db.atomic():
            for kind, payload in STEPS:
                event = ctx.new_event(
                    dossier_uuid=dossier.uuid,
                    kind=kind,
                    officer="canbo",
                    at=ctx.clock.now(),
                    payload=payload,
                )
                current = apply_event(current, event)
                ctx.store.dossiers.append(current, event, queued_at=ctx.clock.now())
    return codes


def _push(ctx: StationContext) -> None:
    settings = sync_settings(ctx)
    with httpx.Client() as http:
        push_outbox(ctx, HttpSyncClient(settings["url"], settings["token"], http))


def _drain(db_url: str, fake: FakeGateway) -> tuple[float, int]:
    settings = NationalSettings.from_env({**fake.env(), "PROVINCE_NATIONAL_BATCH": "100"})
    assert settings is not None
    client = PortalClient(settings)
    with psycopg.connect(db_url, autocommit=True) as conn:
        connector = Connector(conn, client, settings, backoff_base_s=0.01)
        started = time.perf_counter()
        while True:
            report = connector.round()
            if not report.claimed and not report.scanned and pending(conn)["waiting"] == 0:
                break
        elapsed = time.perf_counter() - started
    client.close()
    return elapsed, fake.state.total_calls()


def _baseline(fake: FakeGateway, calls: int) -> float:
    with httpx.Client() as http:
        session = http.post(fake.url + "/auth", json=fake.env_login()).json()["session"]
        body = {"session": session, "madonvi": AGENCY, "service": "TraCuuHoSo", "mahoso": "X"}
        started = time.perf_counter()
        for _ in range(calls):
            http.post(fake.url + "/integration", json=body).raise_for_status()
        return time.perf_counter() - started


def _reset(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("TRUNCATE national_outbox, national_steps, national_cursors")


def run(dossiers: int, burst: int, repeats: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-national-sync-"))
    os.environ["COUNTER_APP_MIRROR_DIR"] = str(work / "mirror")
    database = ThrowawayDatabase(prefix="province_bench")
    db_url = database.create()
    server = ServerProcess(db_url)
    server.start()
    try:
        ctx = open_station(work / "station")
        with psycopg.connect(db_url, autocommit=True) as conn:
            code = issue_code(conn, agency_id=AGENCY, station_number=1, ttl_hours=1).code
        with httpx.Client() as http:
            enrol(ctx, HttpSyncClient(server.url, None, http), url=server.url, code=code)
        _fill(ctx, dossiers, 0)
        _push(ctx)
        rates, call_rates, base_rates = [], [], []
        for _ in range(repeats):
            _reset(db_url)
            fake = FakeGateway()
            fake.start()
            try:
                elapsed, calls = _drain(db_url, fake)
                assert len(fake.state.dossiers) == dossiers and not fake.state.violations
                base = _baseline(fake, calls)
            finally:
                fake.stop()
            rates.append(dossiers / elapsed)
            call_rates.append(calls / elapsed)
            base_rates.append(calls / base)
        # lag after a burst: the outbox is drained; a burst arrives
        fake = FakeGateway()
        fake.start()
        try:
            _reset(db_url)
            _drain(db_url, fake)
            codes = _fill(ctx, burst, dossiers)
            _push(ctx)
            pushed = time.perf_counter()
            _drain(db_url, fake)
            lag = time.perf_counter() - pushed
            assert all(fake.state.steps.get(c) for c in codes)
        finally:
            fake.stop()
        ctx.store.close()
    finally:
        server.stop()
        database.drop()
        shutil.rmtree(work, ignore_errors=True)
    median_calls = statistics.median(call_rates)
    median_base = statistics.median(base_rates)
    return {
        "dossiers": dossiers,
        "steps_per_dossier": 4,
        "dossiers_per_s_median": round(statistics.median(rates), 1),
        "dossiers_per_s": [round(r, 1) for r in rates],
        "portal_calls_per_s_median": round(median_calls, 1),
        "baseline_bare_calls_per_s_median": round(median_base, 1),
        "ratio_calls_to_baseline": round(median_calls / median_base, 3),
        "burst": burst,
        "lag_after_burst_s": round(lag, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=300)
    parser.add_argument("--burst", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.dossiers, args.burst, args.repeats = 10, 5, 1
    print(json.dumps(run(args.dossiers, args.burst, args.repeats), ensure_ascii=False))


if __name__ == "__main__":
    main()
