"""The period report (Biểu 06, by field and by procedure): ≤ 200 ms at 100k, ≤ 1 s at 1M.

Run: ``python bench/bench_report.py [--size N] [--scale K] [--repeats 5] [--rebuild]
[--smoke] [--sql-only]``.

Fixture (``bench/fixtures.py``, through the real code paths): a station with ``--size``
dossiers (default 100,000: a year of a busy office, ≈ 400 a working day ending 31 December
2026), received by the real service's event shape and lived through the real projection
(hand-overs, supplement requests, apologies, results, returns, withdrawals, stops; the newest
still open), stored by the real repository; cached in ``bench/.cache/``. ``--scale K`` then
copies the rows K-1 times in SQL, each copy 52 weeks earlier (``fixtures.replicate``:
``--size 100000 --scale 10`` gives 1,000,000 dossiers over ten years; the copies' JSON is not
rewritten, the report reads columns only).

Measured, same run, medians of ``--repeats`` after one warm-up:

* ``services.reports.report`` (SQL: ``storage.report_sql``) for the year 2026 and for
  everything ("all": every dossier counted), by field and by procedure;
* the old domain path, ``reports.reference_report`` (every counted dossier read as facts and
  classified in Python), on the same periods, and the ratio old / SQL;
* baseline: ``SELECT count(*) FROM dossiers`` (the cheapest full count SQLite can give);
* memory: the Python heap's peak during one SQL report and one old-path report
  (``tracemalloc``), and the process's peak RSS after the SQL runs and after the old ones.

The SQL and the old path must give the same report (asserted). Prints one JSON object.
``--smoke``: 300 dossiers in a temporary folder, one repeat, seconds (run by
``tests/bench/test_bench_smoke.py``).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sqlite3
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fixtures import Plan, build_station, cached_station, isolated_dirs, replicate
from counter_app.app import open_station
from counter_app.services.reports import GroupBy, reference_report, report
from counter_app.storage import report_sql

YEAR = 2026
TARGET_MS = {100_000: 200.0, 1_000_000: 1000.0}


def _median_ms(call: Callable[[], object], repeats: int) -> tuple[float, list[float]]:
    call()  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1), [round(t, 1) for t in times]


def _heap_peak_mb(call: Callable[[], object]) -> float:
    tracemalloc.start()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return round(peak / 2**20, 1)


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _station(args: argparse.Namespace, tmp: Path) -> tuple[Path, dict[str, Any], bool]:
    plan = Plan(size=args.size, last_day=date(YEAR, 12, 31))
    if args.smoke:  # a few weeks, so that periods have carried-over and finished dossiers
        folder = tmp / "station"
        return folder, build_station(folder, replace(plan, per_day=10), quiet=True), True
    folder, info, built = cached_station("report", plan, rebuild=args.rebuild)
    if args.scale > 1:
        scaled = folder.with_name(f"{folder.name}-x{args.scale}")
        if not (scaled / "bench-build.json").exists() or built:
            import shutil

            shutil.rmtree(scaled, ignore_errors=True)
            shutil.copytree(folder, scaled)
            info = {**info, "rows_after_scale": replicate(scaled, times=args.scale)}
            (scaled / "bench-build.json").write_text(json.dumps(info, default=str))
        folder = scaled
        info = json.loads((folder / "bench-build.json").read_text())
    return folder, info, built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--scale", type=int, default=1, help="copy the rows K times (1M: 10)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="300 dossiers, seconds")
    parser.add_argument(
        "--sql-only", action="store_true", help="skip the old domain path (minutes at 100k)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.size, args.scale, args.repeats = 300, 1, 1
    with isolated_dirs() as tmp:
        folder, info, built = _station(args, tmp)
        ctx = open_station(folder)
        try:
            out = _measure(ctx, args)
        finally:
            ctx.store.close()
    out.update(
        {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "build": info,
            "built_this_run": built,
        }
    )
    print(json.dumps(out, indent=2, ensure_ascii=False, default=str))


def _measure(ctx: Any, args: argparse.Namespace) -> dict[str, Any]:
    conn = ctx.store.db.conn
    dossiers = int(conn.execute("SELECT count(*) FROM dossiers").fetchone()[0])
    first = conn.execute("SELECT min(received_day) FROM dossiers").fetchone()[0]
    periods = {"year": (date(YEAR, 1, 1), date(YEAR, 12, 31)),
               "all": (date.fromisoformat(first), date(YEAR, 12, 31))}  # fmt: skip
    base_ms, _ = _median_ms(lambda: conn.execute("SELECT count(*) FROM dossiers").fetchone(), 5)
    out: dict[str, Any] = {"dossiers_in_db": dossiers, "baseline_count_ms": base_ms}
    results: dict[str, Any] = {}
    for name, (start, end) in periods.items():
        for by in GroupBy:
            key = f"{name}_by_{by.value}"
            sql_ms, sql_runs = _median_ms(
                lambda s=start, e=end, b=by: report(ctx, start=s, end=e, by=b), args.repeats
            )
            results[key] = {"sql_ms": sql_ms, "sql_runs_ms": sql_runs,
                            "ratio_to_baseline": round(sql_ms / max(base_ms, 0.01), 1)}  # fmt: skip
            if dossiers >= report_sql.PARALLEL_MIN_ROWS:  # counted on two connections
                results[key].update(_one_connection(ctx, start, end, by, args.repeats, sql_ms))
    out["rss_after_sql_mb"] = _rss_mb()
    start, end = periods["all"]
    out["heap_peak_sql_mb"] = _heap_peak_mb(
        lambda: report(ctx, start=start, end=end, by=GroupBy.PROCEDURE)
    )
    if args.sql_only:
        return _verdict(out, results, {k: r["counted"] for k, r in _counted(ctx, periods).items()})
    for name, (start, end) in periods.items():
        for by in GroupBy:
            key = f"{name}_by_{by.value}"
            sql = report(ctx, start=start, end=end, by=by)
            old = reference_report(ctx, start=start, end=end, by=by)
            assert sql.to_dict() == old.to_dict(), f"SQL and domain paths disagree ({key})"
            old_ms, old_runs = _median_ms(
                lambda s=start, e=end, b=by: reference_report(ctx, start=s, end=e, by=b),
                max(1, args.repeats // 2),
            )
            results[key].update(
                counted=sql.totals.received_total,
                old_domain_path_ms=old_ms,
                old_runs_ms=old_runs,
                old_over_sql=round(old_ms / max(results[key]["sql_ms"], 0.01), 1),
            )
    out["heap_peak_old_mb"] = _heap_peak_mb(
        lambda: reference_report(ctx, start=start, end=end, by=GroupBy.PROCEDURE)
    )
    out["rss_after_old_mb"] = _rss_mb()
    return _verdict(out, results, {k: r["counted"] for k, r in results.items()})


def _one_connection(
    ctx: Any, start: date, end: date, by: GroupBy, repeats: int, two_ms: float
) -> dict[str, Any]:
    """The same report counted on one connection (the path of a smaller station), in the
    same run: what the second connection saves."""
    saved = report_sql.PARALLEL_MIN_ROWS
    report_sql.PARALLEL_MIN_ROWS = 1 << 62
    try:
        one_ms, one_runs = _median_ms(lambda: report(ctx, start=start, end=end, by=by), repeats)
    finally:
        report_sql.PARALLEL_MIN_ROWS = saved
    return {
        "one_connection_ms": one_ms,
        "one_connection_runs_ms": one_runs,
        "two_over_one": round(two_ms / max(one_ms, 0.01), 2),
    }


def _counted(ctx: Any, periods: dict[str, tuple[date, date]]) -> dict[str, dict[str, int]]:
    out = {}
    for name, (start, end) in periods.items():
        for by in GroupBy:
            sql = report(ctx, start=start, end=end, by=by)
            out[f"{name}_by_{by.value}"] = {"counted": sql.totals.received_total}
    return out


def _verdict(
    out: dict[str, Any], results: dict[str, Any], counted: dict[str, int]
) -> dict[str, Any]:
    for key, value in counted.items():
        results[key]["counted"] = value
    out["reports"] = results
    most = max(counted.values())
    target = next((t for n, t in sorted(TARGET_MS.items()) if most <= n * 1.05), None)
    worst = max(r["sql_ms"] for r in results.values())
    out["target_ms"] = target
    out["meets_target"] = None if target is None else worst <= target
    return out


if __name__ == "__main__":
    main()
