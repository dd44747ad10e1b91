"""Turn a station's files back into the layout before m0038 (one file: the dossier rows, the
search index and the outbox in ``counter.db``), for tests of migrations written before it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from counter_app.storage import projection


def as_before_m0038(db_path: Path) -> None:
    """Move the projection file's tables back into ``db_path`` (same rows), drop the file and
    m0038's row: the next open migrates it again."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        projection.attach(conn, db_path)
        conn.execute("BEGIN IMMEDIATE")
        objects = conn.execute(
            "SELECT type, sql FROM proj.sqlite_master WHERE sql IS NOT NULL"
            " AND tbl_name IN ('dossiers', 'dossier_search', 'outbox')"
        ).fetchall()
        for kind, sql in objects:
            if kind == "table":
                head = (
                    "CREATE VIRTUAL TABLE " if sql.startswith("CREATE VIRTUAL") else "CREATE TABLE "
                )
                conn.execute(sql.replace(head, head + "main.", 1))
        for kind, sql in objects:
            if kind == "index":
                head = (
                    "CREATE UNIQUE INDEX " if sql.startswith("CREATE UNIQUE") else "CREATE INDEX "
                )
                conn.execute(sql.replace(head, head + "main.", 1))
        columns = ", ".join(r[1] for r in conn.execute("PRAGMA proj.table_info(dossiers)"))
        conn.execute(
            f"INSERT INTO main.dossiers (rowid, {columns})"
            f" SELECT rowid, {columns} FROM proj.dossiers"
        )
        conn.execute(
            "INSERT INTO main.dossier_search (rowid, text)"
            " SELECT rowid, text FROM proj.dossier_search"
        )
        conn.execute("INSERT INTO main.outbox SELECT * FROM proj.outbox")
        conn.execute("CREATE INDEX main.idx_events_dossier_uuid ON events (dossier_uuid)")
        conn.execute(
            "INSERT OR REPLACE INTO main.config (key, value) SELECT key, value"
            " FROM proj.projection_meta WHERE key = 'search_indexed'"
        )
        conn.execute("DELETE FROM main.config WHERE key = ?", (projection.ACKED_KEY,))
        conn.execute("DELETE FROM _migrations WHERE name = 'm0038_projection_file'")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE proj")
    finally:
        conn.close()
    projection.remove_projection(db_path)
