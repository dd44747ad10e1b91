"""The projection file: what the save writes cheaply and the station can always rebuild.

Issue 16 item 1 (a save that writes little). ``counter.db`` keeps what cannot be rebuilt:
the events, the counters, the history chain, the audit log, the acknowledgements. Everything
derived from the events lives in a second SQLite file beside it, ``counter.db-projection``,
attached to every connection as the schema ``proj``:

- ``dossiers`` (the rows, the list and report indexes) and ``dossier_search`` (FTS5);
- ``outbox``: the events still to push to the province;
- ``event_dossiers``: each event's dossier (the index ``events(dossier_uuid)`` was, moved out
  of the durable file);
- ``projection_meta``: the schema version of the file and the search index's watermark.

Unqualified table names resolve to it (SQLite looks in ``main`` first, then in the attached
files), so queries do not name the file. The projection file runs with
``synchronous=NORMAL``: its commits are not flushed to the disk one by one, and a power cut
may lose its last ones (never half of one: it is a WAL file too). ``counter.db`` keeps
``synchronous=FULL``, and SQLite commits the main file first, so the projection can only lag
behind the events, never run ahead of them.

When the station opens, :func:`catch_up` brings the projection level with the events: every
event after the last one ``event_dossiers`` holds (its watermark) is projected again (its
dossier rebuilt from all its events by the shared total projection, its outbox entry put
back when it is this station's and the province has not acknowledged it). A missing,
damaged or outdated projection file is rebuilt from scratch the same way; a backup carries
only ``counter.db``, and a restore rebuilds the projection at the next open.

The outbox lost with a projection is rebuilt from ``outbox_acked`` (config, in the durable
file, written by every acknowledgement): this station's events after it that the province did
not refuse. Acknowledgements lost with the projection's last commits make events go again:
the province answers them as duplicates (sync is idempotent by event uuid).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

log = logging.getLogger(__name__)

SCHEMA = "proj"
SUFFIX = "-projection"
VERSION = 1
VERSION_KEY = "schema_version"
ACKED_KEY = "outbox_acked"  # config (durable): own events up to this rowid are acknowledged
CHUNK = 2_000  # events read at a time while catching up

# The projection's tables, in the attached schema. ``dossiers`` has exactly the columns the
# durable file's table had at m0037 (m0038 copies them across by name).
DDL = (
    f"CREATE TABLE {SCHEMA}.dossiers (uuid TEXT PRIMARY KEY, code TEXT, agency_id TEXT,"
    " station_id TEXT, procedure_code TEXT, status TEXT NOT NULL, received_at TEXT NOT NULL,"
    " due_at TEXT, finished_at TEXT, applicant_name TEXT, officer TEXT, updated_at TEXT,"
    " data TEXT NOT NULL, channel INTEGER, procedure_field TEXT, procedure_name TEXT,"
    " stats_due_at TEXT, digitised INTEGER NOT NULL DEFAULT 0, received_day TEXT,"
    " finished_day TEXT, stats_due_day TEXT, fee_due INTEGER,"
    " fee_collected INTEGER NOT NULL DEFAULT 0, fee_exempt INTEGER NOT NULL DEFAULT 0)",
    f"CREATE UNIQUE INDEX {SCHEMA}.dossiers_code ON dossiers(code) WHERE code IS NOT NULL",
    f"CREATE INDEX {SCHEMA}.idx_dossiers_received_at ON dossiers (received_at)",
    f"CREATE INDEX {SCHEMA}.dossiers_due_list ON dossiers(due_at)",
    f"CREATE INDEX {SCHEMA}.dossiers_status_list ON dossiers(status, received_at)",
    f"CREATE INDEX {SCHEMA}.dossiers_procedure_code_list ON dossiers(procedure_code, received_at)",
    f"CREATE INDEX {SCHEMA}.dossiers_officer_list ON dossiers(officer, received_at)",
    f"CREATE INDEX {SCHEMA}.dossiers_report_keys ON dossiers (procedure_field, procedure_code,"
    " finished_day, received_day, stats_due_day, status, channel, digitised, fee_due,"
    " fee_collected, fee_exempt)",
    f"CREATE INDEX {SCHEMA}.dossiers_finished_first ON dossiers (received_day)"
    " WHERE finished_day < received_day",
    f"CREATE VIRTUAL TABLE {SCHEMA}.dossier_search USING fts5(text, tokenize = 'unicode61',"
    " prefix = '2 3 4 5 6', detail = none, columnsize = 0)",
    f"CREATE TABLE {SCHEMA}.outbox (event_uuid TEXT PRIMARY KEY, queued_at TEXT NOT NULL,"
    " attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, chain_pos INTEGER) WITHOUT ROWID",
    f"CREATE TABLE {SCHEMA}.event_dossiers (dossier_uuid TEXT NOT NULL,"
    " event_rowid INTEGER NOT NULL, PRIMARY KEY (dossier_uuid, event_rowid)) WITHOUT ROWID",
    f"CREATE INDEX {SCHEMA}.event_dossiers_rowid ON event_dossiers (event_rowid)",
    f"CREATE TABLE {SCHEMA}.projection_meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID",
)


def projection_path(db_path: Path) -> Path:
    """The projection file of the database at ``db_path`` (``counter.db-projection``)."""
    return db_path.with_name(db_path.name + SUFFIX)


def projection_files(db_path: Path) -> list[Path]:
    """The projection file and its WAL companions (what a restore removes)."""
    base = projection_path(db_path)
    return [base, Path(f"{base}-wal"), Path(f"{base}-shm")]


def remove_projection(db_path: Path) -> None:
    for path in projection_files(db_path):
        path.unlink(missing_ok=True)


def attach(conn: sqlite3.Connection, db_path: Path, *, read_only: bool = False) -> None:
    """Attach the projection file of ``db_path`` as :data:`SCHEMA` (created when missing;
    outside any transaction). Read-only connections attach it read-only, if it exists."""
    path = projection_path(db_path)
    if read_only:
        if path.exists():
            uri = path.resolve().as_uri() + "?mode=ro"
            conn.execute(f"ATTACH DATABASE ? AS {SCHEMA}", (uri,))
        return
    conn.execute(f"ATTACH DATABASE ? AS {SCHEMA}", (str(path),))
    conn.execute(f"PRAGMA {SCHEMA}.journal_mode = WAL")
    conn.execute(f"PRAGMA {SCHEMA}.synchronous = NORMAL")


def version(conn: sqlite3.Connection) -> int | None:
    """The projection schema's version (None: no schema in the file yet)."""
    found = conn.execute(
        f"SELECT 1 FROM {SCHEMA}.sqlite_master WHERE name = 'projection_meta'"
    ).fetchone()
    if found is None:
        return None
    row = conn.execute(
        f"SELECT value FROM {SCHEMA}.projection_meta WHERE key = ?", (VERSION_KEY,)
    ).fetchone()
    return int(row[0]) if row else 0


def create(conn: sqlite3.Connection) -> None:
    """Drop whatever the projection file holds and create its empty schema (in the caller's
    transaction)."""
    virtual = conn.execute(
        f"SELECT name FROM {SCHEMA}.sqlite_master WHERE type = 'table'"
        " AND sql LIKE 'CREATE VIRTUAL TABLE%'"
    ).fetchall()
    for (name,) in virtual:  # FTS5's shadow tables go with their virtual table
        conn.execute(f'DROP TABLE {SCHEMA}."{name}"')
    tables = conn.execute(
        f"SELECT name FROM {SCHEMA}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    for (name,) in tables:
        conn.execute(f'DROP TABLE {SCHEMA}."{name}"')
    for statement in DDL:
        conn.execute(statement)
    conn.execute(
        f"INSERT INTO {SCHEMA}.projection_meta (key, value) VALUES (?, ?)",
        (VERSION_KEY, str(VERSION)),
    )


def record_event(conn: sqlite3.Connection, dossier_uuid: str, event_rowid: int) -> None:
    """Index a stored event by its dossier (in the transaction that stored it)."""
    conn.execute(
        f"INSERT OR IGNORE INTO {SCHEMA}.event_dossiers (dossier_uuid, event_rowid) VALUES (?, ?)",
        (dossier_uuid, event_rowid),
    )


def watermark(conn: sqlite3.Connection) -> int:
    """The last event (rowid) the projection holds."""
    row = conn.execute(f"SELECT max(event_rowid) FROM {SCHEMA}.event_dossiers").fetchone()
    return int(row[0] or 0)


def acked_up_to(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM main.config WHERE key = ?", (ACKED_KEY,)).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def save_acked(conn: sqlite3.Connection) -> None:
    """Record in the durable file up to where this station's events are all acknowledged:
    just before the first one still queued (all of them when none is). Written with every
    acknowledgement, never on the save's path."""
    conn.execute(
        "INSERT INTO main.config (key, value) VALUES (?, (SELECT coalesce("
        f" (SELECT min(e.rowid) - 1 FROM {SCHEMA}.outbox o JOIN main.events e"
        "  ON e.uuid = o.event_uuid), (SELECT max(rowid) FROM main.events), 0)))"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (ACKED_KEY,),
    )


def catch_up(
    conn: sqlite3.Connection,
    *,
    station_id: str | None,
    reproject: Callable[[str], object],
    forget: Callable[[str], object],
) -> int:
    """Bring the projection level with the events (in the caller's transaction); returns how
    many events were projected again.

    ``reproject(dossier_uuid)`` rebuilds one dossier's row from all its events;
    ``forget(dossier_uuid)`` removes the row of a dossier that has no event left. Runs at
    every open: when the projection is level (the usual case) it costs a few index lookups.
    """
    if version(conn) != VERSION:
        log.warning("projection file missing or outdated: rebuilt from the events")
        create(conn)
    top_row = conn.execute("SELECT max(rowid) FROM main.events").fetchone()
    top = int(top_row[0] or 0)
    mark = watermark(conn)
    if mark > top or (mark and not _same_event(conn, mark)):
        _roll_back(conn, top, forget)
        mark = watermark(conn)
        if mark and not _same_event(conn, mark):  # another database altogether
            log.warning("projection file of another database: rebuilt from the events")
            create(conn)
            mark = 0
    if mark >= top:
        return 0
    log.info("projection behind the events (%d to %d): catching up", mark, top)
    acked = acked_up_to(conn)
    done = 0
    queued: list[tuple[str, str]] = []
    while True:
        rows = conn.execute(
            "SELECT rowid, uuid, dossier_uuid, station_id, at FROM main.events"
            " WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (mark, CHUNK),
        ).fetchall()
        if not rows:
            break
        touched: dict[str, None] = {}
        for rowid, uuid, dossier_uuid, event_station, at in rows:
            record_event(conn, dossier_uuid, rowid)
            touched[dossier_uuid] = None
            if station_id is not None and event_station == station_id and rowid > acked:
                queued.append((uuid, at))
        for dossier_uuid in touched:
            reproject(dossier_uuid)
        mark = rows[-1][0]
        done += len(rows)
    _requeue(conn, queued)
    return done


def _same_event(conn: sqlite3.Connection, rowid: int) -> bool:
    """Whether the durable file's event ``rowid`` is the one the projection indexed."""
    ours = conn.execute(
        f"SELECT dossier_uuid FROM {SCHEMA}.event_dossiers WHERE event_rowid = ?", (rowid,)
    ).fetchone()
    theirs = conn.execute(
        "SELECT dossier_uuid FROM main.events WHERE rowid = ?", (rowid,)
    ).fetchone()
    return ours is not None and theirs is not None and ours[0] == theirs[0]


def _roll_back(conn: sqlite3.Connection, top: int, forget: Callable[[str], object]) -> None:
    """Undo the projection of events the durable file no longer holds (after ``top``)."""
    gone = [
        r[0]
        for r in conn.execute(
            f"SELECT DISTINCT dossier_uuid FROM {SCHEMA}.event_dossiers WHERE event_rowid > ?",
            (top,),
        )
    ]
    conn.execute(f"DELETE FROM {SCHEMA}.event_dossiers WHERE event_rowid > ?", (top,))
    conn.execute(
        f"DELETE FROM {SCHEMA}.outbox WHERE event_uuid NOT IN (SELECT uuid FROM main.events)"
    )
    for dossier_uuid in gone:
        forget(dossier_uuid)


def _requeue(conn: sqlite3.Connection, queued: Iterable[tuple[str, str]]) -> None:
    """Put back the outbox entries of this station's events made here (those the history
    chain holds: one pulled back from the province after a restore is not), unless refused
    or queued already."""
    refused = {r[0] for r in conn.execute("SELECT event_uuid FROM main.sync_rejected")}
    wanted = {uuid: at for uuid, at in queued if uuid not in refused}
    if not wanted:
        return
    positions = _chain_positions(conn, set(wanted))
    conn.executemany(
        f"INSERT OR IGNORE INTO {SCHEMA}.outbox (event_uuid, queued_at, chain_pos)"
        " VALUES (?, ?, ?)",
        [(uuid, at, positions[uuid]) for uuid, at in wanted.items() if uuid in positions],
    )


def _chain_positions(conn: sqlite3.Connection, uuids: set[str]) -> dict[str, int]:
    """The history chain's position of each event of ``uuids``, read from the newest end
    (the events caught up are the newest ones)."""
    found: dict[str, int] = {}
    cursor = conn.execute(
        "SELECT pos, ref FROM main.chain WHERE source = 'event' ORDER BY pos DESC"
    )
    for pos, ref in cursor:
        if ref in uuids and ref not in found:
            found[ref] = int(pos)
            if len(found) == len(uuids):
                break
    cursor.close()
    return found


def dossier_summary(conn: sqlite3.Connection) -> tuple[int, str | None]:
    """How many dossiers a database holds and the last code received, for a backup's
    description: from the dossier rows when the connection sees them (the projection
    attached, or a backup made before m0038), else from the creating events (slower: every
    event is read)."""
    seen = conn.execute("SELECT 1 FROM pragma_table_list WHERE name = 'dossiers'").fetchone()
    if seen is not None:
        count = conn.execute("SELECT count(*) FROM dossiers").fetchone()[0]
        last = conn.execute(
            "SELECT code FROM dossiers WHERE code IS NOT NULL ORDER BY rowid DESC LIMIT 1"
        ).fetchone()
        return int(count), last[0] if last else None
    creating = "kind IN ('received', 'guided', 'refused')"
    count = conn.execute(
        f"SELECT count(DISTINCT dossier_uuid) FROM events WHERE {creating}"
    ).fetchone()[0]
    last = conn.execute(
        f"SELECT json_extract(payload, '$.code') FROM events WHERE {creating}"
        " AND json_extract(payload, '$.code') IS NOT NULL ORDER BY rowid DESC LIMIT 1"
    ).fetchone()
    return int(count), last[0] if last else None
