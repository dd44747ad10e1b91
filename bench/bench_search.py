"""Diacritics-insensitive search over 1,000,000 dossiers (DESIGN §9: ≤ 30 ms p95).

Run: ``python bench/bench_search.py [--size N] [--passes 3] [--variants] [--rebuild]
[--skip-quick-check] [--smoke]``. The first run with the default size builds the station
through the real repository (about an hour and a half for 1M on a shared 2-core machine, once);
later runs take minutes, most of it ``open_station``'s integrity check of the big file
(``--skip-quick-check`` skips it).

Fixture: ``bench/fixtures.py`` (the shared builder, through the real code paths: the real
service's received event as template, the real repository storing row, event, history chain
and search index), ``--size`` dossiers received over working days (≈ 400 a day: DESIGN §10's
busy office; just received, no later events), realistic Vietnamese applicants
(``fixtures.Generator``: family names with their real frequencies, 4-word names, both tone
placements of Hoà/Thuỷ, CCCD-shaped ID numbers), procedures of the shipped catalogue (mostly
the commune's civil-status, certification and residence ones). Built once and cached in
``bench/.cache/search-v<FORMAT>-<N>-<key>/`` (``--rebuild`` to rebuild); ``bench_list.py``
uses the same station. ``--smoke``: 300 dossiers in a temporary folder, one pass, seconds.

Measurement. About 200 queries, drawn from the stored rows, of several kinds (full names
without and with diacritics, a lone given name, family name plus a prefix, đ-names typed with
d, ID numbers and their prefix, dossier codes, procedure words, name plus procedure word, no
match) go through the real service ``lookup.search(ctx, text, limit=50)`` on a station opened
with ``open_station``: one warm-up pass, then ``--passes`` measured passes in shuffled order.
Baseline, measured in the same run between the passes: ``SELECT data FROM dossiers WHERE
rowid = ?`` for random rowids. Prints one JSON object: p50/p95/max (ms) per query kind and
overall, the baseline's p50/p95, the ratios, the database size, the build time, and the time
``open_station`` took on this database (it runs ``PRAGMA quick_check``, which reads the whole
file). ``--variants`` also times alternative SQL and alternative search indexes for the same
queries directly on a connection (what a change to ``DossierRepository.search`` or to the
``dossier_search`` table would give), interleaved with the current SQL.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fixtures import Plan, build_station, cached_station, isolated_dirs
from counter_app.app import open_station
from counter_app.domain.text import fold, search_tokens
from counter_app.services import lookup
from counter_app.services.station import StationContext
from counter_app.storage import db as db_module
from counter_app.storage import projection
from counter_app.storage.repositories import (
    DossierRepository,
    _search_text,
)
from counter_app.storage.store import DB_NAME

DEFAULT_SIZE = 1_000_000  # DESIGN §10: a decade of a busy office
BATCH = 50_000
PASSES = 3
LIMIT = 50
TARGET_P95_MS = 30.0
PROCEDURE_QUERIES = (
    "khai sinh",
    "ket hon",
    "khai tu",
    "chung thuc",
    "chứng thực bản sao",
    "dang ky khai sinh",
    "thuong tru",
    "tam tru",
    "xac nhan tinh trang hon nhan",
    "Đăng ký kết hôn",
    "giam ho",
    "nhan cha me con",
    "cap ban sao trich luc",
    "chung thuc chu ky",
    "dat dai",
    "xay dung",
    "thay doi cai chinh",
    "ho tich",
    "đăng ký thường trú",
    "khai tử",
)
NO_MATCH = (
    "zzyzx",
    "nguyen zxqv",
    "qwrtpl",
    "999999999999",
    "Ưxyzq",
    "tran thi xqz",
    "khai sinh zzz",
    "000.00.19.h99",
    "kkkkk",
    "jjjj wwww",
)


# --- statistics --------------------------------------------------------------------------


def _percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (fraction in 0..1) of a non-empty list."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def _summary(ms: list[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 3),
        "p95_ms": round(_percentile(ms, 0.95), 3),
        "max_ms": round(max(ms), 3),
    }


# --- fixture -----------------------------------------------------------------------------


def search_plan(size: int) -> Plan:
    """The station of the search and list benches: ``size`` dossiers just received."""
    return Plan(size=size, last_day=date(2026, 11, 30), lifecycle=False)


# --- queries -----------------------------------------------------------------------------


def _queries(
    conn: sqlite3.Connection, repo: DossierRepository, size: int, rng: random.Random
) -> list[tuple[str, str]]:
    """About 200 (kind, text) queries drawn from stored dossiers."""
    rowids = sorted({rng.randint(1, size) for _ in range(min(3000, size))})
    sample = [
        d
        for (uuid_,) in conn.execute(
            "SELECT uuid FROM dossiers WHERE rowid IN (SELECT value FROM json_each(?))",
            (json.dumps(rowids),),
        )
        if (d := repo.by_uuid(uuid_)) is not None
    ]
    rng.shuffle(sample)
    names = [d.applicant.name for d in sample]
    d_names = [n for n in names if "Đ" in n or "đ" in n]
    out: list[tuple[str, str]] = []
    out += [("name_plain", fold(n)) for n in names[:30]]
    out += [("name_diacritics", n) for n in names[30:60]]
    out += [("given_name_only", fold(n.split()[-1])) for n in names[60:80]]
    out += [
        ("family_and_given_prefix", f"{fold(n.split()[0])} {fold(n.split()[-1])[:3]}")
        for n in names[80:100]
    ]
    out += [("d_typed_as_d", fold(n)) for n in d_names[:20]]
    out += [("id_number", d.applicant.id_number) for d in sample[100:120]]
    out += [("id_prefix_8", d.applicant.id_number[:8]) for d in sample[120:130]]
    out += [("code", d.code or "") for d in sample[130:150]]
    out += [("procedure_words", q) for q in PROCEDURE_QUERIES]
    out += [
        (
            "name_and_procedure",
            f"{fold(d.applicant.name.split()[-1])} {_procedure_word(d.procedure_name)}",
        )
        for d in sample[150:160]
    ]
    out += [("no_match", q) for q in NO_MATCH]
    return out


def _procedure_word(name: str) -> str:
    """The last real word of a procedure's name ("Thủ tục đăng ký khai sinh" -> "sinh")."""
    words = [w for w in search_tokens(name) if w.isalpha() and len(w) >= 3]
    return words[-1] if words else "thu"


def _check_search_finds(
    ctx: StationContext, conn: sqlite3.Connection, size: int, rng: random.Random
) -> None:
    """The index text was produced like the app's: known rows are found by what they hold."""
    for rowid in (1, 2, size // 2, size, *(rng.randint(1, size) for _ in range(20))):
        ((uuid_, text),) = conn.execute(
            "SELECT d.uuid, s.text FROM dossiers d JOIN dossier_search s ON s.rowid = d.rowid"
            " WHERE d.rowid = ?",
            (rowid,),
        )
        dossier = ctx.store.dossiers.by_uuid(uuid_)
        assert dossier is not None
        assert text == _search_text(dossier), (rowid, text)
        by_id = lookup.search(ctx, dossier.applicant.id_number, limit=LIMIT)
        assert dossier.uuid in {d.uuid for d in by_id}, ("id", rowid)
        by_code = lookup.search(ctx, dossier.code or "", limit=LIMIT)
        assert [d.uuid for d in by_code] == [dossier.uuid], ("code", rowid)
        query = f"{dossier.applicant.name} {dossier.applicant.id_number}"
        assert dossier.uuid in {d.uuid for d in lookup.search(ctx, query, limit=LIMIT)}


# --- variants (--variants): alternative SQL and search indexes, timed on the connection ---

INDEX_VARIANTS = {  # fts5 options of dossier_search (m0001: prefix = '2 3')
    "current_options_rebuilt": "prefix = '2 3'",
    "prefix_2_to_6": "prefix = '2 3 4 5 6'",
    "prefix_2_to_6_detail_none": "prefix = '2 3 4 5 6', detail = none",
}


def _all_prefix(tokens: list[str]) -> str:  # what DossierRepository.search does
    return " ".join(f'"{t}"*' for t in tokens)


def _last_prefix(tokens: list[str]) -> str:
    return " ".join([f'"{t}"' for t in tokens[:-1]] + [f'"{tokens[-1]}"*'])


def _exact(tokens: list[str]) -> str:
    return " ".join(f'"{t}"' for t in tokens)


def _runner(
    conn: sqlite3.Connection,
    table: str,
    match_of: Callable[[list[str]], str],
    *,
    join: bool = True,
    decode: bool = True,
) -> Callable[[str], list[Any]]:
    """``DossierRepository.search``'s SQL on ``table`` (schema.name), optionally cut short."""
    name = table.split(".")[-1]
    inner = f"SELECT rowid FROM {table} WHERE {name} MATCH ? ORDER BY rowid DESC LIMIT ?"
    sql = (
        (
            f"SELECT s.rowid, d.data FROM ({inner}) AS s JOIN proj.dossiers AS d "
            "ON d.rowid = s.rowid ORDER BY s.rowid DESC"
        )
        if join
        else inner
    )

    def run(text: str) -> list[Any]:
        rows = conn.execute(sql, (match_of(search_tokens(text)), LIMIT)).fetchall()
        if decode:
            return [json.loads(r[1]) for r in rows]  # the JSON decoding the search does
        return rows

    return run


def _build_index_variants(
    conn: sqlite3.Connection,
    folder: Path,
    size: int,
) -> dict[str, dict[str, Any]]:
    """Each variant index in its own attached file, filled from the station's index text in
    transactions of BATCH rows (like the fixture, so segment structure is comparable)."""
    out = {}
    for name, options in INDEX_VARIANTS.items():
        path = folder / f"{name}.db"
        conn.execute("ATTACH DATABASE ? AS " + name, (str(path),))
        conn.execute(f"PRAGMA {name}.journal_mode = OFF")
        conn.execute(f"PRAGMA {name}.synchronous = OFF")
        conn.execute(
            f"CREATE VIRTUAL TABLE {name}.idx USING fts5(text, tokenize = 'unicode61', {options})"
        )
        started = time.perf_counter()
        for low in range(0, size + 1, BATCH):
            conn.execute("BEGIN")
            conn.execute(
                f"INSERT INTO {name}.idx (rowid, text) SELECT rowid, text FROM "
                "proj.dossier_search WHERE rowid > ? AND rowid <= ?",
                (low, low + BATCH),
            )
            conn.execute("COMMIT")
        out[name] = {
            "fts5_options": options,
            "build_seconds": round(time.perf_counter() - started, 1),
            "index_bytes": path.stat().st_size,
        }
    return out


def _variants(
    db_path: Path, queries: list[tuple[str, str]], size: int, passes: int, rng: random.Random
) -> dict[str, Any]:
    """Alternative query shapes on the current index and alternative indexes, all timed
    interleaved (query by query) with the current SQL; results compared with the current."""
    texts = [t for k, t in queries if k != "code"]
    work = Path(tempfile.mkdtemp(prefix="bench-search-variants-"))
    conn = sqlite3.connect(str(db_path), isolation_level=None)
    try:
        projection.attach(conn, db_path)  # the rows and the index are in the projection file
        indexes = _build_index_variants(conn, work, size)
        current = "proj.dossier_search"
        runners = {
            "current": _runner(conn, current, _all_prefix),
            "current_without_json_decoding": _runner(conn, current, _all_prefix, decode=False),
            "current_fts_only": _runner(conn, current, _all_prefix, join=False, decode=False),
            "exact_words_then_last_prefix": _runner(conn, current, _last_prefix),
            "exact_words_only": _runner(conn, current, _exact),
        }
        for name in indexes:
            runners[name] = _runner(conn, f"{name}.idx", _all_prefix)
            runners[f"{name}_without_json_decoding"] = _runner(
                conn, f"{name}.idx", _all_prefix, decode=False
            )
        mismatches = {name: 0 for name in indexes}
        for text in texts:
            expected = [r[0] for r in runners["current_without_json_decoding"](text)]
            for name in indexes:
                got = [r[0] for r in runners[f"{name}_without_json_decoding"](text)]
                mismatches[name] += got != expected
            for run in runners.values():  # warm-up
                run(text)
        times: dict[str, list[float]] = {name: [] for name in runners}
        for _ in range(passes):
            order = texts[:]
            rng.shuffle(order)
            for text in order:
                for name, run in runners.items():
                    times[name].append(_timed(run, text))
        return {
            "queries": len(texts),
            "timings": {name: _summary(values) for name, values in times.items()},
            "index_variants": indexes,
            "index_variant_result_mismatches": mismatches,
        }
    finally:
        conn.close()
        shutil.rmtree(work, ignore_errors=True)


# --- main --------------------------------------------------------------------------------


def _timed(call: Callable[[str], object], text: str) -> float:
    started = time.perf_counter()
    call(text)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="dossiers (default 1M)")
    parser.add_argument("--passes", type=int, default=PASSES, help="measured passes")
    parser.add_argument("--variants", action="store_true", help="also time alternative SQL")
    parser.add_argument("--rebuild", action="store_true", help="ignore the cached database")
    parser.add_argument(
        "--skip-quick-check",
        action="store_true",
        help="open the station without its PRAGMA quick_check (which reads the "
        "whole ~10 GB file at every open): for quick reruns only",
    )
    parser.add_argument("--smoke", action="store_true", help="300 dossiers, one pass, seconds")
    args = parser.parse_args()
    if args.smoke:
        args.size, args.passes = 300, 1
    with isolated_dirs() as tmp:  # never the user's folders
        if args.smoke:
            folder = tmp / "station"
            info, cached = build_station(folder, search_plan(args.size), quiet=True), False
        else:
            folder, info, built = cached_station(
                "search", search_plan(args.size), rebuild=args.rebuild
            )
            cached = not built
        db_bytes = sum(p.stat().st_size for p in folder.glob(DB_NAME + "*"))

        if args.skip_quick_check:
            db_module.quick_check = lambda conn, **_: None  # bench-only shortcut, reported below
        started = time.perf_counter()
        ctx = open_station(folder)
        open_seconds = time.perf_counter() - started
        conn = ctx.store.db.conn
        size = ctx.store.dossiers.count()
        assert size == args.size, (size, args.size)
        rng = random.Random(7)
        _check_search_finds(ctx, conn, size, rng)
        queries = _queries(conn, ctx.store.dossiers, size, rng)

        def search(text: str) -> object:
            return lookup.search(ctx, text, limit=LIMIT)

        def baseline(rowid: int) -> float:
            started = time.perf_counter()
            conn.execute("SELECT data FROM dossiers WHERE rowid = ?", (rowid,)).fetchone()
            return (time.perf_counter() - started) * 1000

        for _, text in queries:  # warm-up pass (page cache, statement cache)
            search(text)
        by_kind: dict[str, list[float]] = {}
        base_ms: list[float] = []
        hits: dict[str, list[int]] = {}
        for _ in range(args.passes):
            base_ms += [baseline(rng.randint(1, size)) for _ in range(500)]
            order = queries[:]
            rng.shuffle(order)
            for kind, text in order:
                by_kind.setdefault(kind, []).append(_timed(search, text))
            base_ms += [baseline(rng.randint(1, size)) for _ in range(500)]
        for kind, text in queries:
            hits.setdefault(kind, []).append(len(lookup.search(ctx, text, limit=LIMIT)))
        overall = [ms for values in by_kind.values() for ms in values]
        summary = _summary(overall)
        base = _summary(base_ms)
        slowest = sorted(
            ((max(_timed(search, t) for _ in range(3)), k, t) for k, t in queries), reverse=True
        )[:8]
        report: dict[str, Any] = {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "dossiers": size,
            "db_bytes_on_disk": db_bytes,
            "db_gib_on_disk": round(db_bytes / 2**30, 2),
            "build_seconds": info.get("build_seconds"),
            "built_this_run": not cached,
            "open_station_seconds": round(open_seconds, 2),
            "open_quick_check_skipped": args.skip_quick_check,
            "queries": len(queries),
            "passes": args.passes,
            "limit": LIMIT,
            "search_overall": summary,
            "search_by_kind": {k: _summary(v) for k, v in by_kind.items()},
            "mean_results_by_kind": {k: round(statistics.fmean(v), 1) for k, v in hits.items()},
            "baseline_select_by_rowid": base,
            "ratio_p50_to_baseline_p50": round(summary["p50_ms"] / base["p50_ms"], 1),
            "ratio_p95_to_baseline_p95": round(summary["p95_ms"] / base["p95_ms"], 1),
            "slowest_queries_ms": [
                {"ms": round(ms, 2), "kind": k, "text": t} for ms, k, t in slowest
            ],
            "target_p95_ms": TARGET_P95_MS,
            "meets_target": summary["p95_ms"] <= TARGET_P95_MS,
        }
        ctx.store.close()
        if args.variants:
            report["variants_without_code_queries"] = _variants(
                folder / DB_NAME, queries, size, args.passes, rng
            )
        print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
