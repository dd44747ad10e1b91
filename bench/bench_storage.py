"""Bytes per dossier in the counter's SQLite file (issue 12 item 7: ≤ 3 KB for a typical one).

Run: ``python bench/bench_storage.py [--dossiers 1000] [--smoke]``. A temporary station (the
shipped catalogue loaded) receives ``--dossiers`` dossiers of everyday commune procedures
through ``receive_dossier`` (the whole checklist handed over, realistic applicants); the
search index's last batch is written and the WAL checkpointed. Bytes per dossier = growth of
the pages in use (``dbstat``: every table and index, the catalogue's fixed cost left out)
divided by the dossiers, with the growth of each table and index.

Baseline in the same run: a bare SQLite table (integer key + one JSON text) holding each
dossier as the domain sees it (``dossier_to_json``, the checklist in full) — what one row per
dossier costs with nothing else, which is about what the row alone cost before the papers went
by reference. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_save import _applicants
from bench_wire import PROCEDURES

from counter_app import paths
from counter_app.app import open_station
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.storage.mapping import dossier_to_json, dumps

TARGET_BYTES = 3_072


def _pages(conn: sqlite3.Connection) -> dict[str, int]:
    """Bytes of each B-tree, in the durable file and the projection file (prefixed proj.)."""
    out = {}
    for schema, prefix in (("main", ""), ("proj", "proj.")):
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat(?) GROUP BY name", (schema,))
        out.update({prefix + name: int(size) for name, size in rows})
    return out


def run(dossiers: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-storage-"))
    os.environ[paths.MIRROR_DIR_ENV] = str(work / "mirror")
    os.environ[paths.DATA_DIR_ENV] = str(work / "unused-default-station")
    rng = random.Random(20261202)
    try:
        ctx = open_station(work / "station")
        store = ctx.store
        conn = store.db.conn
        conn.execute("PRAGMA synchronous = OFF")  # what is measured is the size, not the time
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = _pages(conn)
        known = [c for c in PROCEDURES if store.reference.procedure(c) is not None]
        bare = sqlite3.connect(str(work / "bare.db"))
        bare.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT NOT NULL)")
        for i, applicant in enumerate(_applicants(dossiers, rng)):
            request = ReceptionRequest(procedure_code=known[i % len(known)], applicant=applicant)
            dossier, _ = receive_dossier(ctx, request, officer="canbo")
            bare.execute("INSERT INTO t (data) VALUES (?)", (dumps(dossier_to_json(dossier)),))
        bare.commit()
        store.dossiers.flush_search()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        after = _pages(conn)
        growth = {k: after.get(k, 0) - before.get(k, 0) for k in after}
        total = sum(growth.values())
        bare_bytes = sum(_pages(bare).values())
        bare.close()
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    per = total / dossiers
    return {
        "dossiers": dossiers,
        "procedures": known,
        "bytes_per_dossier": round(per),
        "baseline_bare_row_full_checklist_bytes_per_dossier": round(bare_bytes / dossiers),
        "ratio_to_baseline": round(per / (bare_bytes / dossiers), 2),
        "target_bytes": TARGET_BYTES,
        "meets_target": per <= TARGET_BYTES,
        "bytes_per_dossier_by_btree": {
            k: round(v / dossiers) for k, v in sorted(growth.items(), key=lambda kv: -kv[1]) if v
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (tests)")
    args = parser.parse_args()
    sys.stdout.write(json.dumps(run(40 if args.smoke else args.dossiers), indent=2) + "\n")


if __name__ == "__main__":
    main()
