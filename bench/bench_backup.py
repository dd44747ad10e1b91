"""Daily backup of a large station: full copy vs incremental point (issue 16, DESIGN §9).

Run: ``python bench/bench_backup.py [--size N] [--scale K] [--repeats R] [--smoke]``.
The station is ``bench/fixtures.py``'s (the report bench's 100,000 dossiers, real code paths,
cached in ``bench/.cache``; ``--scale K`` copies its rows K times to grow the file), copied to a
temporary folder. Measured in one run, on the same file:

* baseline: the old daily backup, a full copy through SQLite's online backup API
  (``Store.backup``, what every daily and exit backup was): seconds and bytes;
* the base of the chain (the first point: every page, compressed);
* R times: 100 receptions through the real ``receive_dossier``, then a daily point (only the
  changed pages): seconds and bytes (median), ratios to the full copy;
* rebuilding the last point byte for byte (``materialize``: what a restore does first) and
  the chain's size against the database (limit 3x).

``--smoke``: 300 dossiers built in the temporary folder, 10 receptions, one repeat, seconds
(run by ``tests/bench/test_bench_smoke.py``). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sqlite3
import statistics
import sys
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fixtures import Plan, build_station, cached_station, isolated_dirs, replicate
from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.models import VN_TZ, Applicant
from counter_app.services import maintenance
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.storage import backup_chain

YEAR = 2026  # the report bench's plan: its cached station is reused
APPLICANT = Applicant(
    name="Nguyễn Văn Đức",
    id_number="001090123456",
    address="Thôn Đông, xã Minh Hòa",
    phone="0912345678",
)


def _station(args: argparse.Namespace, tmp: Path) -> tuple[Path, dict[str, Any]]:
    plan = Plan(size=args.size, last_day=date(YEAR, 12, 31))
    work = tmp / "station"
    if args.smoke:
        return work, build_station(work, replace(plan, per_day=10), quiet=True)
    folder, info, _built = cached_station("report", plan, rebuild=False)
    print(f"copying {folder} …", file=sys.stderr)
    shutil.copytree(folder, work)
    if args.scale > 1:
        info = {**info, "rows_after_scale": replicate(work, times=args.scale)}
    return work, info


def _timed(call: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def _tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--scale", type=int, default=1, help="copy the rows K times")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--receptions", type=int, default=100)
    parser.add_argument("--smoke", action="store_true", help="300 dossiers, seconds")
    args = parser.parse_args()
    if args.smoke:
        args.size, args.scale, args.repeats, args.receptions = 300, 1, 1, 10
    with isolated_dirs() as tmp:
        folder, info = _station(args, tmp)
        out = _measure(folder, args)
    out.update({"python": platform.python_version(), "sqlite": sqlite3.sqlite_version})
    out["build"] = info
    print(json.dumps(out, indent=2, ensure_ascii=False, default=str))


def _measure(folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    now = datetime(YEAR + 1, 1, 4, 9, 0, tzinfo=VN_TZ)
    clock = FixedClock(now)
    ctx = open_station(folder, clock=clock)
    try:
        store = ctx.store
        store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db_bytes = store.db_path.stat().st_size
        full_s, full_path = _timed(lambda: store.backup(kind="manual", now=now))
        full_bytes = full_path.stat().st_size
        full_path.unlink()
        base_s, base = _timed(
            lambda: maintenance.write_backup(store, kind="daily", extra_dir=None, now=now)
        )
        base_bytes = base.path.stat().st_size
        request = ReceptionRequest(procedure_code="1.001193", applicant=APPLICANT)
        incr_s, incr_bytes, points = [], [], []
        for day in range(1, args.repeats + 1):
            for _ in range(args.receptions):
                receive_dossier(ctx, request, officer="canbo")
            when = now + timedelta(days=day)
            seconds, outcome = _timed(
                lambda when=when: maintenance.write_backup(
                    store, kind="daily", extra_dir=None, now=when
                )
            )
            incr_s.append(seconds)
            incr_bytes.append(outcome.path.stat().st_size)
            points.append(outcome.path)
        rebuilt = folder.parent / "rebuilt.db"
        restore_s, _ = _timed(
            lambda: backup_chain.materialize(backup_chain.points_up_to(points[-1]), rebuilt)
        )
        store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        exact = rebuilt.read_bytes() == store.db_path.read_bytes()
        chain_bytes = _tree_bytes(backup_chain.chain_root(store.data_dir / "backups"))
        db_now = store.db_path.stat().st_size
    finally:
        ctx.store.close()
    incr_median = statistics.median(incr_s)
    return {
        "database_bytes": db_bytes,
        "receptions_per_point": args.receptions,
        "baseline_full_copy": {"seconds": round(full_s, 3), "bytes": full_bytes},
        "base_point": {"seconds": round(base_s, 3), "bytes": base_bytes},
        "incremental_point": {
            "seconds_median": round(incr_median, 3),
            "seconds": [round(s, 3) for s in incr_s],
            "bytes_median": int(statistics.median(incr_bytes)),
            "bytes": incr_bytes,
        },
        "ratio_time_full_over_incremental": round(full_s / incr_median, 1),
        "ratio_bytes_full_over_incremental": round(full_bytes / statistics.median(incr_bytes), 1),
        "rebuild_last_point_seconds": round(restore_s, 3),
        "rebuilt_byte_exact": exact,
        "chain_bytes": chain_bytes,
        "chain_over_database": round(chain_bytes / db_now, 2),
        "space_target_met": chain_bytes <= 3 * db_now,
    }


if __name__ == "__main__":
    main()
