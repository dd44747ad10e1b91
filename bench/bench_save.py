"""Cost of saving a received dossier vs one bare durable SQLite commit (DESIGN §9: ≤ 2×).

Run: ``python bench/bench_save.py [--dir PARENT] [--rounds 15] [--ops 50]``. Everything is
written into a fresh temporary folder under ``--dir`` (default: the system temp folder, so
choose ``--dir`` to measure another disk); it is deleted at the end.

Two measurements are interleaved on the same disk, round after round (A B A B …):

- baseline: one sqlite3 connection to its own new file (``journal_mode=WAL``,
  ``synchronous=FULL``), per operation ``BEGIN; INSERT`` of a ~1 KB row ``; COMMIT``;
- save: ``receive_dossier`` on a station opened with ``open_station`` (the real service: it
  validates, computes the due date, mints the code, writes the dossier row, its event, its
  outbox entry, its search entry and the audit entry in one transaction, with the reservation
  ledger's fsyncs every ``BLOCK`` numbers). The pages counted against the target are those
  of the durable file ``counter.db`` (flushed at every commit); those of the projection file
  (storage/projection.py: the row, its indexes, the outbox, flushed only at checkpoints) are
  reported beside them;
- diagnostic (not part of the target): the same service on a second station whose connection
  was switched to ``synchronous=OFF`` after opening, i.e. the save without any database
  fsync. ``save - no_fsync`` is what durability costs the save; ``no_fsync`` alone is the
  Python and SQL work, which a faster disk cannot reduce.

Prints one JSON object: per-operation median, p95 and mean (ms) of each, the ratio of the
medians (the target), the median of the per-round ratios, the ratio of the means (which
includes the ledger's periodic fsyncs and WAL checkpoints) and each round's medians. Takes a
few seconds on an SSD (most of it opening the two stations).
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
import struct
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from counter_app import paths
from counter_app.app import open_station
from counter_app.domain.models import VN_TZ, Applicant
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.storage.ledger import BLOCK

ROUNDS = 15
OPS = 50
WARMUP = 20
PROCEDURE = "1.001193"  # Thủ tục đăng ký khai sinh (same day), the commonest at a commune
OFFICER = "canbo"
TARGET_RATIO = 2.0
TARGET_WAL_PAGES = 8.0
PAGES_OPS = 100  # operations whose WAL frames are counted, after the timed rounds
_FRAME_HEADER = 24
_WAL_HEADER = 32

_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng")
_MIDDLE = ("Văn", "Thị", "Minh", "Đức", "Ngọc", "Thanh")
_GIVEN = ("Đức", "Thủy", "Hoà", "Anh", "Hùng", "Lan", "Dũng", "Hương", "Tuấn", "Mai")


def _percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (fraction in 0..1) of a non-empty list."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def _summary(samples_s: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples_s]
    return {
        "median_ms": round(statistics.median(ms), 3),
        "p95_ms": round(_percentile(ms, 0.95), 3),
        "mean_ms": round(statistics.fmean(ms), 3),
        "max_ms": round(max(ms), 3),
    }


def _applicants(count: int, rng: random.Random) -> list[Applicant]:
    out = []
    for _ in range(count):
        year = rng.randint(1950, 2005)
        male = rng.random() < 0.5
        id_number = f"0{rng.randint(1, 96):02d}{(0 if male else 1) + (2 if year >= 2000 else 0)}"
        id_number += f"{year % 100:02d}{rng.randrange(10**6):06d}"
        out.append(
            Applicant(
                name=f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}",
                id_number=id_number,
                birth_date=date(year, rng.randint(1, 12), rng.randint(1, 28)),
                sex="Nam" if male else "Nữ",
                address="Thôn Đông, xã Minh Hòa",
                phone=f"09{rng.randrange(10**8):08d}",
            )
        )
    return out


class Baseline:
    """One bare durable commit of a ~1 KB row into its own WAL database."""

    def __init__(self, path: Path, rng: random.Random) -> None:
        self.conn = sqlite3.connect(str(path), isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, uuid TEXT NOT NULL, "
            "at TEXT NOT NULL, data TEXT NOT NULL)"
        )
        letters = "abcdefghijklmnopqrstuvwxyzàáảãạăâđêôơư "
        self.payloads = ["".join(rng.choice(letters) for _ in range(1000)) for _ in range(64)]
        self.count = 0

    def op(self) -> None:
        self.count += 1
        row = (
            str(uuid.uuid4()),
            datetime.now(VN_TZ).isoformat(),
            self.payloads[self.count % len(self.payloads)],
        )
        self.conn.execute("BEGIN")
        self.conn.execute("INSERT INTO t (uuid, at, data) VALUES (?, ?, ?)", row)
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def wal_pages(
    conn: sqlite3.Connection,
    wals: dict[str, Path],
    op: Callable[[], None],
    count: int,
) -> dict[str, tuple[float, dict[str, float]]]:
    """For each schema of ``wals`` (its WAL file): the frames (pages) each of ``count`` calls
    of ``op`` appends to it, on average, and the B-tree (table or index, from ``dbstat``)
    each page belongs to. Automatic checkpoints are off meanwhile, so every commit's frames
    are appended after the previous ones."""
    frames = dict.fromkeys(wals, 0)
    trees: dict[str, Counter[str]] = {schema: Counter() for schema in wals}
    pages = {}
    for schema in wals:
        conn.execute(f"PRAGMA {schema}.wal_autocheckpoint = 0")
        conn.execute(f"PRAGMA {schema}.wal_checkpoint(TRUNCATE)")
        pages[schema] = int(conn.execute(f"PRAGMA {schema}.page_size").fetchone()[0])
    try:
        for _ in range(count):
            starts = {
                schema: max(wal.stat().st_size if wal.exists() else 0, _WAL_HEADER)
                for schema, wal in wals.items()
            }
            op()
            for schema, wal in wals.items():
                data = wal.read_bytes()[starts[schema] :]
                numbers = [
                    struct.unpack(">I", data[i : i + 4])[0]
                    for i in range(0, len(data), _FRAME_HEADER + pages[schema])
                ]
                frames[schema] += len(numbers)
                marks = ",".join(str(n) for n in set(numbers)) or "0"
                names = dict(
                    conn.execute(
                        f"SELECT pageno, name FROM dbstat(?) WHERE pageno IN ({marks})", (schema,)
                    )
                )
                trees[schema].update(names.get(n, "(new page)") for n in numbers)
    finally:
        for schema in wals:
            conn.execute(f"PRAGMA {schema}.wal_autocheckpoint = 1000")
    return {
        schema: (
            frames[schema] / count,
            {k: round(v / count, 2) for k, v in trees[schema].most_common()},
        )
        for schema in wals
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="parent folder on the disk to measure (default: system temp)",
    )
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--ops", type=int, default=OPS, help="operations per round and kind")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (tests)")
    args = parser.parse_args()
    if args.smoke:  # run by tests/bench/test_bench_smoke.py
        args.rounds, args.ops = 2, 5

    work = Path(tempfile.mkdtemp(prefix="bench-save-", dir=args.dir))
    os.environ[paths.MIRROR_DIR_ENV] = str(work / "mirror")  # never the user's folders
    os.environ[paths.DATA_DIR_ENV] = str(work / "unused-default-station")
    rng = random.Random(20260213)
    try:
        ctx = open_station(work / "station")  # real SystemClock: receptions "now"
        nosync = open_station(work / "station-nosync")
        nosync.store.db.conn.execute("PRAGMA synchronous = OFF")  # diagnostic only
        baseline = Baseline(work / "baseline.db", rng)
        pages_ops = 10 if args.smoke else PAGES_OPS
        total = WARMUP + args.rounds * args.ops + pages_ops
        requests = [
            ReceptionRequest(procedure_code=PROCEDURE, applicant=a) for a in _applicants(total, rng)
        ]
        pending = iter(requests)
        pending_nosync = iter(requests)

        def save() -> None:
            receive_dossier(ctx, next(pending), officer=OFFICER)

        def save_nosync() -> None:
            receive_dossier(nosync, next(pending_nosync), officer=OFFICER)

        for _ in range(WARMUP):  # warm caches, the calendar, the first ledger block
            baseline.op()
            save()
            save_nosync()

        kinds = {"baseline": baseline.op, "save": save, "no_fsync": save_nosync}
        samples: dict[str, list[float]] = {kind: [] for kind in kinds}
        rounds: list[dict[str, float]] = []
        for _ in range(args.rounds):
            medians = {}
            for kind, op in kinds.items():  # A B (C) A B (C) …, each kind ``ops`` in a row
                run = []
                for _ in range(args.ops):
                    started = time.perf_counter()
                    op()
                    run.append(time.perf_counter() - started)
                samples[kind] += run
                medians[kind] = statistics.median(run) * 1000
            rounds.append(medians)
        round_ratios = [r["save"] / r["baseline"] for r in rounds]
        base_pages, _ = wal_pages(
            baseline.conn, {"main": work / "baseline.db-wal"}, baseline.op, pages_ops
        )["main"]
        station = work / "station"
        measured = wal_pages(
            ctx.store.db.conn,
            {"main": station / "counter.db-wal", "proj": station / "counter.db-projection-wal"},
            save,
            pages_ops,
        )
        save_pages, by_tree = measured["main"]
        projection_pages, projection_trees = measured["proj"]

        stored = ctx.store.dossiers.count()
        assert stored == total, (stored, total)
        disk = {name: (work / name).stat().st_size for name in ("baseline.db",)}
        baseline.close()
        ctx.store.close()
        nosync.store.close()

        base, saved = _summary(samples["baseline"]), _summary(samples["save"])
        no_fsync = _summary(samples["no_fsync"])
        ratio = saved["median_ms"] / base["median_ms"]
        report = {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "dir": str(work.parent),
            "rounds": args.rounds,
            "ops_per_round": args.ops,
            "warmup_ops": WARMUP,
            "ledger_block": BLOCK,
            "baseline_bare_commit": base,
            "receive_dossier": saved,
            "ratio_of_medians": round(ratio, 2),
            "median_of_round_ratios": round(statistics.median(round_ratios), 2),
            "ratio_of_means": round(saved["mean_ms"] / base["mean_ms"], 2),
            "diagnostic_receive_dossier_synchronous_off": no_fsync,
            "durability_share_of_save_median_ms": round(
                saved["median_ms"] - no_fsync["median_ms"], 3
            ),
            "round_medians_ms": [
                {kind: round(value, 3) for kind, value in r.items()} for r in rounds
            ],
            "round_ratios": [round(r, 2) for r in round_ratios],
            "target_ratio": TARGET_RATIO,
            "meets_target": ratio <= TARGET_RATIO,
            "wal_pages_per_save": round(save_pages, 2),
            "wal_pages_per_bare_commit": round(base_pages, 2),
            "wal_pages_target": TARGET_WAL_PAGES,
            "wal_pages_meet_target": save_pages <= TARGET_WAL_PAGES,
            "wal_pages_by_btree": by_tree,
            # The projection file (storage/projection.py): written with synchronous=NORMAL,
            # never flushed by the save (its pages reach the disk at checkpoints).
            "projection_wal_pages_per_save_not_flushed": round(projection_pages, 2),
            "projection_wal_pages_by_btree": projection_trees,
            "dossiers_saved": stored,
            "baseline_db_bytes": disk["baseline.db"],
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
