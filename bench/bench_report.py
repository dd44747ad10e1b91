"""The period report (Biểu 06) over a year of a busy office: 100,000 dossiers, target ≤ 1 s.

Run: ``python bench/bench_report.py [--size N] [--repeats 5] [--rebuild]``.

Fixture. Built once and cached in ``bench/.cache/report-v<FORMAT>-<N>/`` (a station data
folder; delete it or pass ``--rebuild``). One dossier is received through ``receive_dossier``
on a station opened with ``open_station``; N-1 variants of its ``received`` event are made
with ``intake._snapshot`` and ``dossier_from_snapshot`` (due dates from ``compute_due`` with
the station's calendar), then taken through the real ``apply_event`` for what happened next
(hand-over, result, withdrawal, apology with a later date), and bulk-inserted as
``DossierRepository._row_values`` rows into ``dossiers`` — exactly the rows the services
write. Only the dossiers table is filled (events, search index and outbox are not read by the
report). Receptions run from 1 November of the previous year to 31 December (≈ 400 a working
day across procedures of the shipped catalogue): about 8 % are carried over into the year;
12 % online, 5 % by post; 85 % finished, 2 % withdrawn, 3 % with an apology.

Measurement. ``services.reports.report`` for the calendar year (by field, and by procedure),
``--repeats`` times each after one warm-up; baseline in the same run: ``SELECT count(*)`` with
the report query's WHERE clause; also, for comparison, the statistics computed from
``DossierRepository.statistics_facts`` (it once decoded each dossier's JSON; since the report
columns it reads the same columns, so the ``json_decoding_path_ms`` figure is kept only for
comparison with older runs). Prints one JSON
object with medians in ms, ratios to the baseline and whether the target is met.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_search import Generator  # same realistic people
from counter_app import paths
from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import EventKind, apply_event, dossier_from_snapshot
from counter_app.domain.due import compute_due
from counter_app.domain.models import VN_TZ, Channel, Event
from counter_app.domain.processing_time import TimeUnit
from counter_app.domain.statistics import period_statistics
from counter_app.services.intake import ReceptionRequest, _snapshot, receive_dossier
from counter_app.services.reports import GroupBy, report
from counter_app.storage.repositories import DossierRepository

FORMAT = 1
DEFAULT_SIZE = 100_000
YEAR = 2026
TARGET_MS = 1000.0
CACHE_ROOT = Path(__file__).resolve().parent / ".cache"
TEMPLATE_PROCEDURE = "1.001193"
BASELINE_SQL = (
    "SELECT count(*) FROM dossiers WHERE status NOT IN ('guided', 'refused', "
    "'online_submitted') AND received_at < ? AND (finished_at IS NULL OR finished_at >= ?)"
)


def _event(template: Event, *, kind: EventKind, at: datetime, payload: dict[str, Any],
           rng: random.Random, seq: int) -> Event:  # fmt: skip
    return replace(
        template, uuid=str(uuid.UUID(int=rng.getrandbits(128), version=4)), kind=kind.value,
        at=at, payload=payload, seq=seq,
    )  # fmt: skip


def build(folder: Path, size: int) -> dict[str, Any]:
    started = time.perf_counter()
    building = folder.with_name(folder.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    clock = FixedClock(datetime(YEAR, 1, 2, 9, 0, tzinfo=VN_TZ))
    ctx = open_station(building, clock=clock)
    procedures = [
        p for code in _codes(ctx) if (p := ctx.store.reference.procedure(code)) is not None
    ]
    generator = Generator(procedures, seed=YEAR)
    first = receive_dossier(
        ctx,
        ReceptionRequest(procedure_code=TEMPLATE_PROCEDURE, applicant=generator.applicant()),
        officer="canbo",
    )[0]
    template = ctx.store.dossiers.events_of(first.uuid)[0]
    calendar, hours, office = ctx.calendar(), ctx.hours(), ctx.office()
    days: list[date] = []
    day = date(YEAR - 1, 11, 1)
    while day <= date(YEAR, 12, 31):
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    per_day = max(1, -(-size // len(days)))
    rng = generator.rng
    repo = DossierRepository.__new__(DossierRepository)
    rows = []
    register: dict[int, int] = {}
    for index in range(1, size):
        d = days[min(index // per_day, len(days) - 1)]
        minute = 7 * 60 + 30 + rng.randrange(9 * 60)
        received_at = datetime(d.year, d.month, d.day, minute // 60, minute % 60, tzinfo=VN_TZ)
        procedure = generator.procedure()
        due = compute_due(
            received_at=received_at, time=procedure.processing_time, calendar=calendar, hours=hours
        )
        roll = rng.random()
        channel = (
            Channel.ONLINE if roll < 0.12 else Channel.POSTAL if roll < 0.17 else Channel.DIRECT
        )
        request = ReceptionRequest(
            procedure_code=procedure.code, applicant=generator.applicant(), channel=channel
        )
        payload = _snapshot(
            None, request, procedure,  # type: ignore[arg-type]
            code=f"{office.agency_id}-{d:%y%m%d}-{office.station_prefix}{index:06d}",
            agency_id=office.agency_id, time=procedure.processing_time, due=due,
        )  # fmt: skip
        register[d.year] = register.get(d.year, 0) + 1
        payload["register_no"] = register[d.year]
        seq = template.seq + index * 4
        event = _event(template, kind=EventKind.RECEIVED, at=received_at, payload=payload,
                       rng=rng, seq=seq)  # fmt: skip
        event = replace(event, dossier_uuid=str(uuid.UUID(int=rng.getrandbits(128), version=4)))
        dossier = dossier_from_snapshot(event)
        steps: list[tuple[EventKind, datetime, dict[str, Any]]] = []
        later = received_at + timedelta(hours=2)
        steps.append((EventKind.HANDED_OVER, later, {"to": "Công chức chuyên môn", "note": ""}))
        due_at = dossier.due_at or received_at + timedelta(days=10)
        if rng.random() < 0.03 and due_at - received_at > timedelta(days=2):
            steps.append((EventKind.APOLOGY_ISSUED, due_at - timedelta(days=2),
                          {"new_due_at": (due_at + timedelta(days=5)).isoformat(),
                           "reason": "Chờ xác minh"}))  # fmt: skip
        fate = rng.random()
        if fate < 0.02:
            steps.append((EventKind.WITHDRAWN, later + timedelta(days=1), {"reason": "Xin rút"}))
        elif fate < 0.87:
            spread = (due_at - received_at) * rng.uniform(0.3, 1.25)
            finish = max(received_at + spread, later + timedelta(hours=1))
            steps.append((EventKind.RESULT_RECEIVED, finish,
                          {"outcome": "approved", "note": "", "result_number": ""}))  # fmt: skip
        for offset, (kind, when, body) in enumerate(steps, 1):
            if when > datetime(YEAR, 12, 31, 17, tzinfo=VN_TZ):
                break
            step = _event(template, kind=kind, at=when, payload=body, rng=rng, seq=seq + offset)
            dossier = apply_event(dossier, replace(step, dossier_uuid=dossier.uuid))
        rows.append((*repo._row_values(dossier), dossier.uuid))
    ctx.store.close()
    conn = sqlite3.connect(str(building / "counter.db"), isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO dossiers (code, agency_id, station_id, procedure_code, status, "
            "received_at, due_at, finished_at, applicant_name, officer, updated_at, data, uuid)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    info = {
        "size": size,
        "format": FORMAT,
        "build_seconds": round(time.perf_counter() - started, 1),
    }
    (building / "bench-build.json").write_text(json.dumps(info))
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(building, folder)
    return info


def _codes(ctx: Any) -> list[str]:
    found = ctx.store.reference.find_procedures("", limit=5000)
    return [p.code for p in found if p.processing_time.unit is not TimeUnit.UNKNOWN]


def _median_ms(call: Any, repeats: int) -> tuple[float, list[float]]:
    call()  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1), [round(t, 1) for t in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    mirror = Path(tempfile.mkdtemp(prefix="bench-report-mirror-"))
    os.environ[paths.MIRROR_DIR_ENV] = str(mirror)
    os.environ[paths.DATA_DIR_ENV] = str(mirror / "unused-default-station")
    try:
        folder = CACHE_ROOT / f"report-v{FORMAT}-{args.size}"
        info_path = folder / "bench-build.json"
        cached = info_path.exists() and not args.rebuild
        if cached:
            info = json.loads(info_path.read_text())
        else:
            CACHE_ROOT.mkdir(parents=True, exist_ok=True)
            print(f"building {args.size:,} dossiers …", file=sys.stderr)
            info = build(folder, args.size)
        ctx = open_station(folder)
        start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
        conn = ctx.store.db.conn
        bounds = ((end + timedelta(days=2)).isoformat(), (start - timedelta(days=2)).isoformat())

        def baseline() -> object:
            return conn.execute(BASELINE_SQL, bounds).fetchone()

        def by_field() -> object:
            return report(ctx, start=start, end=end)

        def by_procedure() -> object:
            return report(ctx, start=start, end=end, by=GroupBy.PROCEDURE)

        def json_path() -> object:
            facts = ctx.store.dossiers.statistics_facts(start=start, end=end)
            return period_statistics(facts, start=start, end=end)

        base_ms, base_all = _median_ms(baseline, args.repeats)
        field_ms, field_all = _median_ms(by_field, args.repeats)
        proc_ms, proc_all = _median_ms(by_procedure, args.repeats)
        json_ms, json_all = _median_ms(json_path, max(1, args.repeats // 2))
        result = report(ctx, start=start, end=end)
        assert result.statistics == json_path(), "column and JSON paths disagree"
        out = {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "dossiers_in_db": ctx.store.dossiers.count(),
            "counted_in_report": result.totals.received_total,
            "totals": result.totals.to_dict(),
            "build_seconds": info.get("build_seconds"),
            "built_this_run": not cached,
            "report_by_field_ms": field_ms,
            "report_by_procedure_ms": proc_ms,
            "runs_by_field_ms": field_all,
            "runs_by_procedure_ms": proc_all,
            "baseline_select_count_ms": base_ms,
            "baseline_runs_ms": base_all,
            "ratio_by_field_to_baseline": round(field_ms / base_ms, 1),
            "ratio_by_procedure_to_baseline": round(proc_ms / base_ms, 1),
            "json_decoding_path_ms": json_ms,
            "json_decoding_runs_ms": json_all,
            "target_ms": TARGET_MS,
            "meets_target": max(field_ms, proc_ms) <= TARGET_MS,
        }
        ctx.store.close()
        print(json.dumps(out, indent=2, ensure_ascii=False))
    finally:
        shutil.rmtree(mirror, ignore_errors=True)


if __name__ == "__main__":
    main()
