"""The dossier list (F8) over 1,000,000 dossiers: first rows shown (target ≤ 150 ms) and
scrolling (one ``fetchMore`` per page of 200 rows).

Run: ``python bench/bench_list.py [--size N] [--repeats 15] [--pages 50] [--quick-check]
[--smoke]``.

Fixture: the station of ``bench/bench_search.py`` (``search_plan``: built once by the shared
builder ``bench/fixtures.py`` through the real code paths, cached in ``bench/.cache/``).
``open_station`` applies this version's migrations to it (their duration is in
``open_station_seconds``), and its ``PRAGMA quick_check`` of the big file is skipped unless
``--quick-check``. ``--smoke``: 300 dossiers in a temporary folder, 2 repeats, seconds.

Measured, offscreen, through the real code:

- ``open_view``: ``DossierListView(ctx)`` built, shown and painted (first page query, the
  procedure and officer choices, layout) — the "time to first rows shown";
- ``first_page``: ``DossierListModel.set_query`` for each order (received ↓, due ↑, code ↑)
  and each quick filter (overdue, due today, due on the next working day);
- ``fetch_more``: each of ``--pages`` successive pages while scrolling down, and pages
  fetched deep in the list (after 10,000 rows);
- baseline in the same run: ``SELECT data FROM dossiers WHERE rowid = ?`` (one random row),
  and ``SELECT rowid … ORDER BY rowid DESC LIMIT 200`` (the cheapest page SQLite can give).

Prints one JSON object (ms: p50, p95, max).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication

from bench.bench_search import search_plan
from bench.fixtures import build_station, cached_station, isolated_dirs
from counter_app.app import open_station
from counter_app.storage import db as db_module
from counter_app.storage.dossier_list import DossierListQuery, ListSort
from counter_app.storage.migrations import applied_migrations
from counter_app.ui.models.dossier_list_model import DossierListModel
from counter_app.ui.views.dossier_list_view import (
    QUICK_NEXT,
    QUICK_OVERDUE,
    QUICK_TODAY,
    DossierListView,
    quick_query,
    today_of,
)

TARGET_FIRST_ROWS_MS = 150.0


def _summary(ms: list[float]) -> dict[str, float]:
    if not ms:  # nothing to fetch (a small station)
        return {"n": 0}
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(p95, 3),
        "max_ms": round(ordered[-1], 3),
    }


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--quick-check", action="store_true", help="keep open_station's check")
    parser.add_argument("--smoke", action="store_true", help="300 dossiers, seconds")
    args = parser.parse_args()
    if args.smoke:
        args.size, args.repeats, args.pages = 300, 2, 2
    with isolated_dirs() as tmp:
        if args.smoke:
            folder, built = tmp / "station", True
            build_station(folder, search_plan(args.size), quiet=True)
        else:
            folder, _, built = cached_station("search", search_plan(args.size))
        _run(args, folder, built)


def _run(args: argparse.Namespace, folder: Path, built: bool) -> None:
    if not args.quick_check:
        db_module.quick_check = lambda conn, **_: None  # bench-only shortcut, reported below
    app = QApplication.instance() or QApplication([])
    started = time.perf_counter()
    ctx = open_station(folder)
    open_seconds = time.perf_counter() - started
    conn = ctx.store.db.conn
    size = ctx.store.dossiers.count()
    rng = random.Random(11)

    def load(q: DossierListQuery, a: Any, n: int) -> Any:
        return ctx.store.dossiers.list_page(q, after=a, limit=n)

    model = DossierListModel(load, lambda: today_of(ctx))
    today = today_of(ctx)
    queries = {
        "received_desc": DossierListQuery(),
        "due_asc": DossierListQuery(sort=ListSort.DUE, descending=False),
        "code_asc": DossierListQuery(sort=ListSort.CODE, descending=False),
        "overdue": quick_query(DossierListQuery(), QUICK_OVERDUE, today),
        "due_today": quick_query(DossierListQuery(), QUICK_TODAY, today),
        "due_next_working_day": quick_query(DossierListQuery(), QUICK_NEXT, today),
    }

    def open_view() -> None:
        view = DossierListView(ctx)
        view.resize(1300, 700)
        view.show()
        app.processEvents()
        view.grab()  # painted
        view.close()
        view.deleteLater()

    def base_row() -> None:
        conn.execute(
            "SELECT data FROM dossiers WHERE rowid = ?", (rng.randint(1, size),)
        ).fetchone()

    def base_page() -> None:
        conn.execute("SELECT rowid FROM dossiers ORDER BY rowid DESC LIMIT 200").fetchall()

    for query in queries.values():  # warm-up (page cache, statement cache)
        model.set_query(query)
    open_view()
    view_ms: list[float] = []
    first: dict[str, list[float]] = {k: [] for k in queries}
    base_row_ms: list[float] = []
    base_page_ms: list[float] = []
    for _ in range(args.repeats):
        base_row_ms += [_timed(base_row) for _ in range(20)]
        base_page_ms.append(_timed(base_page))
        view_ms.append(_timed(open_view))
        for name, query in queries.items():
            first[name].append(_timed(lambda q=query: model.set_query(q)))
    scroll: dict[str, list[float]] = {}
    rows_seen: dict[str, int] = {}
    for name in ("received_desc", "due_asc", "overdue"):
        model.set_query(queries[name])
        scroll[name] = [_timed(model.fetchMore) for _ in range(args.pages) if model.canFetchMore()]
        rows_seen[name] = model.rowCount()
    model.set_query(queries["received_desc"])
    while model.rowCount() < 10_000 and model.canFetchMore():
        model.fetchMore()
    deep = [_timed(model.fetchMore) for _ in range(args.pages) if model.canFetchMore()]
    view_summary = _summary(view_ms)
    report = {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "dossiers": size,
        "fixture": folder.name,
        "fixture_built_this_run": built,
        "open_station_seconds": round(open_seconds, 2),
        "open_quick_check_skipped": not args.quick_check,
        "migrations": applied_migrations(ctx.store.db)[-2:],
        "page_size": model.page_size,
        "first_rows_shown_open_view": view_summary,
        "target_first_rows_ms": TARGET_FIRST_ROWS_MS,
        "meets_target_p95": view_summary["p95_ms"] <= TARGET_FIRST_ROWS_MS,
        "first_page_by_query": {k: _summary(v) for k, v in first.items()},
        "fetch_more_per_page": {k: _summary(v) for k, v in scroll.items()},
        "rows_loaded_after_scrolling": rows_seen,
        "fetch_more_after_10000_rows": _summary(deep),
        "baseline_select_by_rowid": _summary(base_row_ms),
        "baseline_rowid_page_of_200": _summary(base_page_ms),
        "ratio_open_view_p50_to_rowid_page_p50": round(
            view_summary["p50_ms"] / _summary(base_page_ms)["p50_ms"], 1
        ),
    }
    ctx.store.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
