"""Registered schema migrations of the counter database.

Each migration is a function registered in order with a unique name; ``migrate`` applies the
missing ones, each in its own transaction together with its row in ``_migrations``. An
applied migration is never edited: change the schema with a new one. A database that holds a
migration this version does not know was made by a newer version: ``migrate`` refuses it
(DATABASE_TOO_NEW) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.storage.db import Database

Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def migration(name: str) -> Callable[[Migration], Migration]:
    def register(fn: Migration) -> Migration:
        if any(existing == name for existing, _ in MIGRATIONS):
            raise ValueError(f"duplicate migration {name}")
        MIGRATIONS.append((name, fn))
        return fn

    return register


@migration("m0001_initial")
def m0001_initial(db: sqlite_utils.Database) -> None:
    db.table("config").create({"key": str, "value": str}, pk="key")
    db.table("procedures").create(
        {
            "code": str,
            "name": str,
            "field": str,
            "level": str,
            "time_unit": str,
            "time_amount": float,
            "processing_text": str,
            "documents": str,
            "fee_text": str,
            "decision_no": str,
            "catalogue_version": str,
            "use_count": int,
            "folded": str,
        },
        pk="code",
        not_null={"name", "time_unit"},
        defaults={"use_count": 0},
    )
    db.table("officers").create(
        {
            "username": str,
            "full_name": str,
            "role": str,
            "password_hash": str,
            "active": int,
            "created_at": str,
        },
        pk="username",
        not_null={"full_name", "role", "password_hash"},
    )
    db.table("dossiers").create(
        {
            "uuid": str,
            "code": str,
            "agency_id": str,
            "station_id": str,
            "procedure_code": str,
            "status": str,
            "received_at": str,
            "due_at": str,
            "finished_at": str,
            "applicant_name": str,
            "officer": str,
            "updated_at": str,
            "data": str,
        },
        pk="uuid",
        not_null={"status", "received_at", "data"},
    )
    db.execute("CREATE UNIQUE INDEX dossiers_code ON dossiers(code) WHERE code IS NOT NULL")
    db.table("dossiers").create_index(["status", "due_at"])
    db.table("dossiers").create_index(["received_at"])
    db.table("events").create(
        {
            "uuid": str,
            "dossier_uuid": str,
            "kind": str,
            "station_id": str,
            "seq": int,
            "officer": str,
            "at": str,
            "payload": str,
        },
        pk="uuid",
        not_null={"dossier_uuid", "kind", "station_id", "seq", "at", "payload"},
    )
    db.table("events").create_index(["dossier_uuid"])
    db.table("events").create_index(["station_id", "seq"], unique=True)
    db.execute(
        "CREATE TABLE outbox (event_uuid TEXT PRIMARY KEY REFERENCES events(uuid),"
        " queued_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT)"
    )
    db.execute(
        "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID"
    )
    db.table("audit_log").create(
        {"id": int, "at": str, "officer": str, "action": str, "dossier_uuid": str, "detail": str},
        pk="id",
    )
    db.table("calendar_years").create(
        {
            "year": int,
            "confirmed": int,
            "source": str,
            "days_off": str,
            "extra_working_days": str,
            "updated_at": str,
        },
        pk="year",
    )
    db.execute(
        "CREATE VIRTUAL TABLE dossier_search USING fts5("
        "text, tokenize = 'unicode61', prefix = '2 3')"
    )


@migration("m0002_print_archive")
def m0002_print_archive(db: sqlite_utils.Database) -> None:
    db.table("prints").create(
        {
            "id": int,
            "dossier_uuid": str,
            "form": str,
            "size": str,
            "sha256": str,
            "path": str,
            "reprint": int,
            "printed_at": str,
            "officer": str,
        },
        pk="id",
        not_null={"dossier_uuid", "form", "size", "sha256", "path", "printed_at"},
    )
    db.table("prints").create_index(["dossier_uuid"])


@migration("m0003_sync")
def m0003_sync(db: sqlite_utils.Database) -> None:
    """Sync with the province server: refused events (kept, shown) and one row per attempt."""
    db.execute(
        "CREATE TABLE sync_rejected (event_uuid TEXT PRIMARY KEY REFERENCES events(uuid),"
        " reason TEXT NOT NULL, rejected_at TEXT NOT NULL, batch_id TEXT)"
    )
    db.execute(
        "CREATE TABLE sync_log (id INTEGER PRIMARY KEY, started_at TEXT NOT NULL,"
        " finished_at TEXT NOT NULL, status TEXT NOT NULL, pushed INTEGER NOT NULL DEFAULT 0,"
        " duplicates INTEGER NOT NULL DEFAULT 0, rejected INTEGER NOT NULL DEFAULT 0,"
        " pulled INTEGER NOT NULL DEFAULT 0, waiting INTEGER NOT NULL DEFAULT 0,"
        " server_time TEXT, error TEXT)"
    )
    db.execute("CREATE INDEX sync_log_status ON sync_log(status, id)")


@migration("m0004_search_prefixes")
def m0004_search_prefixes(db: sqlite_utils.Database) -> None:
    """Prefix indexes up to 6 letters: every word is searched as a prefix, and without them a
    4+ letter word ("nguyen", "dang") merged its whole posting list (p95 42 ms on 1M dossiers;
    12 ms with them, bench/bench_search.py)."""
    db.execute(
        "CREATE VIRTUAL TABLE dossier_search_new USING fts5("
        "text, tokenize = 'unicode61', prefix = '2 3 4 5 6')"
    )
    db.execute(
        "INSERT INTO dossier_search_new (rowid, text) SELECT rowid, text FROM dossier_search"
    )
    db.execute("DROP TABLE dossier_search")
    db.execute("ALTER TABLE dossier_search_new RENAME TO dossier_search")


@migration("m0005_dossier_list")
def m0005_dossier_list(db: sqlite_utils.Database) -> None:
    """Indexes of the lazily loaded dossier list (storage/dossier_list.py): sorted by due
    date across statuses, and the status / procedure / officer filters in reception order,
    so each page of 200 rows is an index range scan even over 1,000,000 dossiers."""
    db.execute("CREATE INDEX IF NOT EXISTS dossiers_due_list ON dossiers(due_at)")
    for column in ("status", "procedure_code", "officer"):
        db.execute(
            f"CREATE INDEX IF NOT EXISTS dossiers_{column}_list ON dossiers({column}, received_at)"
        )


@migration("m0006_report_columns")
def m0006_report_columns(db: sqlite_utils.Database) -> None:
    """What the period report needs, as columns: a year of a busy office (100,000 dossiers)
    is counted without decoding any dossier's JSON."""
    for column, kind in (
        ("channel", "INTEGER"),
        ("procedure_field", "TEXT"),
        ("procedure_name", "TEXT"),
        ("stats_due_at", "TEXT"),
    ):
        db.execute(f"ALTER TABLE dossiers ADD COLUMN {column} {kind}")
    db.execute(
        "UPDATE dossiers SET channel = json_extract(data, '$.channel'),"
        " procedure_field = json_extract(data, '$.procedure_field'),"
        " procedure_name = json_extract(data, '$.procedure_name'),"
        " stats_due_at = CASE WHEN json_extract(data, '$.apology_issued')"
        " THEN json_extract(data, '$.original_due_at') ELSE due_at END"
    )


@migration("m0007_report_index")
def m0007_report_index(db: sqlite_utils.Database) -> None:
    """A covering index for the period report: its query reads the index only, never the
    dossier rows with their JSON (1.2 s → see bench/bench_report.py for a year of 100,000)."""
    db.execute(
        "CREATE INDEX dossiers_report ON dossiers (received_at, finished_at, status, channel,"
        " stats_due_at, procedure_code, procedure_field, procedure_name, uuid)"
    )


@migration("m0008_blobs")
def m0008_blobs(db: sqlite_utils.Database) -> None:
    """Scanned and signed documents (issue 6), content-addressed by their SHA-256.

    ``blobs`` lists them; the bytes are files in the data folder's ``scans/`` (see
    storage/blobs.py: gigabytes a year must not go into every daily database backup).
    ``origin`` is ``local`` (made at this station, to upload) or ``remote`` (fetched from the
    province on demand).
    ``blob_uploads`` is the upload progress of a local blob: the bytes the server has
    acknowledged, so an interrupted upload resumes from its last chunk, and when it finished.
    """
    db.execute(
        "CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL,"
        " mime TEXT NOT NULL, origin TEXT NOT NULL DEFAULT 'local', created_at TEXT NOT NULL)"
    )
    db.execute(
        "CREATE TABLE blob_uploads (sha256 TEXT PRIMARY KEY REFERENCES blobs(sha256),"
        " acknowledged INTEGER NOT NULL DEFAULT 0, done_at TEXT)"
    )
    db.execute("CREATE INDEX blob_uploads_pending ON blob_uploads (done_at, sha256)")


@migration("m0009_digitised")
def m0009_digitised(db: sqlite_utils.Database) -> None:
    """Issue 6: whether every required component of a dossier is digitised, as a column the
    period report counts; the report's covering index is rebuilt with it (its query still
    reads the index only). Dossiers before this migration had no scans: 0."""
    db.execute("ALTER TABLE dossiers ADD COLUMN digitised INTEGER NOT NULL DEFAULT 0")
    db.execute("DROP INDEX IF EXISTS dossiers_report")
    db.execute(
        "CREATE INDEX dossiers_report_v2 ON dossiers (received_at, finished_at, status, channel,"
        " stats_due_at, procedure_code, procedure_field, procedure_name, uuid, digitised)"
    )


def applied_migrations(database: Database) -> list[str]:
    if "_migrations" not in database.utils.table_names():
        return []
    return [row[0] for row in database.conn.execute("SELECT name FROM _migrations ORDER BY rowid")]


def migrate(database: Database) -> list[str]:
    """Apply every registered migration not yet applied; return the names applied now."""
    known = [name for name, _ in MIGRATIONS]
    done = applied_migrations(database)
    unknown = [name for name in done if name not in known]
    if unknown:
        raise DomainError(ErrorCode.DATABASE_TOO_NEW, migrations=", ".join(unknown))
    if not done:
        with database.atomic():
            database.conn.execute(
                "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
            )
    applied = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        with database.atomic():
            fn(database.utils)
            database.conn.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                (name, datetime.now(UTC).isoformat()),
            )
        applied.append(name)
    return applied


@migration("m0010_checklists")
def m0010_checklists(db: sqlite_utils.Database) -> None:
    """Issue 11: the procedures' everyday rank (search ranking) as a column, and the checklists
    of a station seeded before it rebuilt from the shipped catalogue (short titles, papers only
    shown, conditional papers, notes dropped; curated for the everyday procedures). Only rows of
    the shipped catalogue version are rebuilt; dossiers keep the papers they were received with.
    """
    from counter_app.reference.catalogue import CATALOGUE_VERSION, load_catalogue
    from counter_app.storage.mapping import dumps

    db.execute("ALTER TABLE procedures ADD COLUMN everyday_rank INTEGER NOT NULL DEFAULT 0")
    if db.execute("SELECT 1 FROM procedures LIMIT 1").fetchone() is None:
        return  # a fresh station: seeding loads the catalogue as it is now
    db.conn.executemany(
        "UPDATE procedures SET documents = ?, everyday_rank = ? "
        "WHERE code = ? AND catalogue_version = ?",
        [
            (
                dumps([d.to_json() for d in p.documents]),
                p.everyday_rank,
                p.code,
                CATALOGUE_VERSION,
            )
            for p in load_catalogue()
        ],
    )


@migration("m0011_conflicts")
def m0011_conflicts(db: sqlite_utils.Database) -> None:
    """Issue 17: the events a dossier's projection had to skip (set aside, in conflict), with
    why; rewritten at each re-projection of the dossier (``SyncRepository.set_conflicts``).
    """
    db.execute(
        "CREATE TABLE sync_conflicts (event_uuid TEXT PRIMARY KEY, dossier_uuid TEXT NOT NULL,"
        " reason TEXT NOT NULL, detected_at TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX sync_conflicts_dossier ON sync_conflicts (dossier_uuid)")


@migration("m0014_history_chain")
def m0014_history_chain(db: sqlite_utils.Database) -> None:
    """Issue 17 item 9: the hash chain of the station's own events and audit entries
    (storage/chain.py), computed here for the rows stored before it, in that order."""
    from counter_app.storage import chain

    for statement in chain.CREATE_SQL:
        db.execute(statement)
    row = db.execute(
        "SELECT json_extract(value, '$.station_id') FROM config WHERE key = 'office'"
    ).fetchone()
    chain.chain_existing(db, station_id=row[0] if row else None)


@migration("m0013_token_out_of_database")
def m0013_token_out_of_database(db: sqlite_utils.Database) -> None:
    """Issue 17: the station token leaves the database (and so every later backup) for the
    station's secret store (OS keyring or a 0600 file, ``storage.station_secrets``); its bytes
    are zeroed in the file and it is taken out of the older backups of the station's folders.
    """
    from counter_app.storage.station_secrets import move_token_out

    move_token_out(db.conn)


@migration("m0015_order")
def m0015_order(db: sqlite_utils.Database) -> None:
    """Issue 12 item 1: each conflict names the event it clashed with (``clashed_with``, NULL
    when none), and the station's hybrid logical clock (config ``hlc``, ``sync_protocol.hlc``)
    starts past every event already held, so what it does next is ordered after them."""
    import json
    from dataclasses import dataclass

    from sync_protocol.hlc import ZERO, Hlc, received_stamp
    from sync_protocol.order import instant

    db.execute("ALTER TABLE sync_conflicts ADD COLUMN clashed_with TEXT")

    @dataclass(frozen=True)
    class _Held:
        at: datetime
        payload: dict[str, object]

    last = ZERO
    for at, stamp in db.execute("SELECT at, json_extract(payload, '$.hlc') FROM events"):
        seen = received_stamp(_Held(instant(at), {"hlc": stamp} if stamp else {}))
        last = max(last, seen)
    held = db.execute("SELECT value FROM config WHERE key = 'hlc'").fetchone()
    if held is not None:
        last = max(last, Hlc.parse(json.loads(held[0])) or ZERO)
    if last != ZERO:
        db.execute(
            "INSERT OR REPLACE INTO config (key, value) VALUES ('hlc', ?)",
            (json.dumps(last.text()),),
        )


@migration("m0019_checklist_once")
def m0019_checklist_once(db: sqlite_utils.Database) -> None:
    """Issues 12 and 16 (SAVE): checklists stored once and dossier rows narrowed, outbox keyed
    by its event alone, search index batched (storage/checklists.py ``migrate_m0019``)."""
    from counter_app.storage.checklists import migrate_m0019

    migrate_m0019(db.conn)


@migration("m0021_report_days")
def m0021_report_days(db: sqlite_utils.Database) -> None:
    """Issue 16: the period report counted in SQL (storage/report_sql.py). The Vietnam
    calendar dates the report compares, as columns written with each row (received, finished,
    statistics due date), backfilled here; one index keyed by the finished day replaces the
    wide report index of m0009 (same count of indexes per save, narrower entries)."""
    from counter_app.storage.report_sql import vn_day_sql

    index = "dossiers_report_days"  # m0035 replaces it by storage.report_sql.INDEX

    columns = (
        ("received_day", "received_at"),
        ("finished_day", "finished_at"),
        ("stats_due_day", "stats_due_at"),
    )
    for column, _ in columns:
        db.execute(f"ALTER TABLE dossiers ADD COLUMN {column} TEXT")
    sets = ", ".join(f"{column} = {vn_day_sql(source)}" for column, source in columns)
    db.execute(f"UPDATE dossiers SET {sets}")  # one pass over the rows
    db.execute("DROP INDEX IF EXISTS dossiers_report_v2")
    db.execute(
        f"CREATE INDEX {index} ON dossiers (finished_day, received_day, status, channel,"
        " stats_due_day, digitised, procedure_field, procedure_code)"
    )


@migration("m0017_three_digit_prefixes")
def m0017_three_digit_prefixes(db: sqlite_utils.Database) -> None:
    """Issue 12 item 4: the office's 2-digit prefix becomes 3 digits (``07`` -> ``007``), the
    old one kept as a former prefix (its codes stay the station's); restores made before
    start no numbering recovery (storage/recovery.py)."""
    from counter_app.storage.recovery import upgrade_prefixes

    upgrade_prefixes(db)


@migration("m0023_procedure_texts")
def m0023_procedure_texts(db: sqlite_utils.Database) -> None:
    """Issue 12 item 7 (STORAGE2): the catalogue texts of each procedure and version kept once;
    creating payloads equal to them leave them out (storage/checklists.py ``migrate_m0023``)."""
    from counter_app.storage.checklists import migrate_m0023

    migrate_m0023(db.conn)


@migration("m0030_calendar_days")
def m0030_calendar_days(db: sqlite_utils.Database) -> None:
    """Issue 13 item 5 (CAL): each day of a stored year carries its name, source and whether it
    is announced (``days``, JSON). Years stored before keep an empty list: their days are
    announced when the year was confirmed (``YearCalendar.notes``), as they were read."""
    db.execute("ALTER TABLE calendar_years ADD COLUMN days TEXT NOT NULL DEFAULT '[]'")


@migration("m0024_search_detail_none")
def m0024_search_detail_none(db: sqlite_utils.Database) -> None:
    """Issue 12 item 7 (BYTES): the search index keeps which rows hold each word (and its
    prefixes), no longer where in the row (``detail = none``) nor each row's length
    (``columnsize = 0``): a search is every typed word as a prefix, anywhere in the row, in
    rowid order (``DossierRepository.search``), which needs neither. About 220 bytes a dossier
    less; the indexed text stays in the table, so rows are still deleted and re-indexed."""
    db.execute(
        "CREATE VIRTUAL TABLE dossier_search_new USING fts5(text, tokenize = 'unicode61',"
        " prefix = '2 3 4 5 6', detail = none, columnsize = 0)"
    )
    db.execute(
        "INSERT INTO dossier_search_new (rowid, text) SELECT rowid, text FROM dossier_search"
    )
    db.execute("DROP TABLE dossier_search")
    db.execute("ALTER TABLE dossier_search_new RENAME TO dossier_search")


@migration("m0025_chain_blobs")
def m0025_chain_blobs(db: sqlite_utils.Database) -> None:
    """Issue 12 item 7 (BYTES): the history chain's digests as 32-byte BLOBs instead of hex
    text (storage/chain.py ``migrate_m0025``): same values, so the chain still verifies and its
    head is unchanged."""
    from counter_app.storage.chain import migrate_m0025

    migrate_m0025(db)


@migration("m0032_fees")
def m0032_fees(db: sqlite_utils.Database) -> None:
    """Issue 13 item 7 (FEES): each dossier row carries its fee figures for the report
    (storage/report_sql.py ``fee_totals``): the amount due in đồng (NULL: unknown), what was
    collected in all, whether it is exempted. Rows stored before have no fee recorded (NULL,
    0, 0); one index keyed by the reception day serves the period's sums."""
    index = "dossiers_fee_days"  # m0036 replaced it, m0037 dropped its successor

    db.execute("ALTER TABLE dossiers ADD COLUMN fee_due INTEGER")
    db.execute("ALTER TABLE dossiers ADD COLUMN fee_collected INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE dossiers ADD COLUMN fee_exempt INTEGER NOT NULL DEFAULT 0")
    db.execute(
        f"CREATE INDEX {index} ON dossiers (received_day, status, procedure_field,"
        " procedure_code, fee_due, fee_collected, fee_exempt)"
    )


@migration("m0033_outbox_chain_pos")
def m0033_outbox_chain_pos(db: sqlite_utils.Database) -> None:
    """Issue 16 item 1 (a save that writes little): the chain's ``(source, ref)`` index cost
    about 2.5 WAL pages a save (two random keys: the event and the audit entry). What used
    it: the check that every queued event is chained, now a primary-key lookup by the chain
    position its outbox row keeps (written in the save's transaction), and the full check of
    the audit entries, now one pass (``storage.chain``). Queued events get their position
    from the index before it goes."""
    db.execute("ALTER TABLE outbox ADD COLUMN chain_pos INTEGER")
    db.execute(
        "UPDATE outbox SET chain_pos = (SELECT max(c.pos) FROM chain c"
        " WHERE c.source = 'event' AND c.ref = outbox.event_uuid)"
    )
    db.execute("DROP INDEX IF EXISTS chain_ref")


@migration("m0034_lan_sync")
def m0034_lan_sync(db: sqlite_utils.Database) -> None:
    """Issue 15 item 1 (office LAN sync, ``counter_app/sync/lan``):

    - ``lan_relay``: events learned from a peer of the office that the peer did not know to
      be stored by the province: this station pushes them too (after or between its own, in
      the order it stored them) until the province answers accepted or duplicate, or a pull
      from the province brings them; ``rejected`` keeps the province's reason of one it
      refused (not re-sent; its maker pushes its own anyway);
    - ``lan_peers``: the office's counters this station met: address, pinned certificate
      (SHA-256 of its DER), where it was found (mDNS or the fixed list), when it was seen and
      last synced, the cursor in its storage order and the epoch of its database.
    """
    db.execute(
        "CREATE TABLE lan_relay (event_uuid TEXT PRIMARY KEY REFERENCES events(uuid),"
        " queued_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,"
        " rejected TEXT, rejected_at TEXT)"
    )
    db.execute(
        "CREATE TABLE lan_peers (station_id TEXT PRIMARY KEY, address TEXT NOT NULL,"
        " name TEXT NOT NULL DEFAULT '', fingerprint TEXT NOT NULL, source TEXT NOT NULL,"
        " seen_at TEXT, synced_at TEXT, cursor INTEGER NOT NULL DEFAULT 0, epoch TEXT,"
        " pulled INTEGER NOT NULL DEFAULT 0, last_error TEXT, error_at TEXT)"
    )


@migration("m0035_report_keys")
def m0035_report_keys(db: sqlite_utils.Database) -> None:
    """Issue 16 item 2: the period report's index keyed by (field, procedure) first, then the
    finished day (storage/report_sql.py): each procedure's dossiers are visited as index ranges
    (open, finished in the period, finished after it) in the report's grouping order, so
    SQLite never sorts the counted rows (the sort was half of a year report's time). Replaces
    m0021's index keyed by the finished day: the same count of indexes per save."""
    db.execute("DROP INDEX IF EXISTS dossiers_report_days")
    db.execute(  # m0037 widens it with the fee columns
        "CREATE INDEX IF NOT EXISTS dossiers_report_keys ON dossiers (procedure_field,"
        " procedure_code, finished_day, received_day, stats_due_day, status, channel, digitised)"
    )


@migration("m0036_fee_keys")
def m0036_fee_keys(db: sqlite_utils.Database) -> None:
    """Issue 16 item 2: the fee sums' index keyed by (field, procedure) first, then the
    reception day, like m0035's: each procedure's dossiers received in the period are one
    index range, visited in the grouping order (no sort of the rows; the sort was two thirds
    of the fee sums' time). Replaces m0032's index: the same count of indexes per save."""
    db.execute("DROP INDEX IF EXISTS dossiers_fee_days")
    db.execute(  # m0037 drops it: the report's own index carries the fee columns
        "CREATE INDEX IF NOT EXISTS dossiers_fee_keys ON dossiers (procedure_field, procedure_code,"
        " received_day, status, fee_due, fee_collected, fee_exempt)"
    )


@migration("m0037_one_report_index")
def m0037_one_report_index(db: sqlite_utils.Database) -> None:
    """Issues 16 items 1 and 2: the fee sums come from the report's own visit
    (storage/report_sql.py), so the report's index carries the fee columns and m0036's fee
    index goes: one index fewer written per save. A partial index holds only the dossiers
    finished "before" their reception (a clock behind), for the fee sums of the period they
    were received in; an ordinary save never writes it."""
    db.execute("DROP INDEX IF EXISTS dossiers_fee_keys")
    db.execute("DROP INDEX IF EXISTS dossiers_report_keys")
    db.execute(
        "CREATE INDEX dossiers_report_keys ON dossiers (procedure_field, procedure_code,"
        " finished_day, received_day, stats_due_day, status, channel, digitised, fee_due,"
        " fee_collected, fee_exempt)"
    )
    db.execute(
        "CREATE INDEX dossiers_finished_first ON dossiers (received_day)"
        " WHERE finished_day < received_day"
    )


@migration("m0038_projection_file")
def m0038_projection_file(db: sqlite_utils.Database) -> None:
    """Issue 16 item 1 (a save that writes little): what can be rebuilt from the events goes
    to the projection file (storage/projection.py, attached as ``proj``): the dossier rows
    with their list and report indexes, the search index, the outbox and the events' dossier
    index. The durable file keeps the events, counters, chain, audit and acknowledgements, and
    from now on records up to where this station's events are acknowledged (``outbox_acked``),
    from which a lost outbox is rebuilt."""
    from counter_app.storage import projection

    conn = db.conn
    schema = projection.SCHEMA
    projection.create(conn)
    ours = [r[1] for r in conn.execute(f"PRAGMA {schema}.table_info(dossiers)")]
    theirs = [r[1] for r in conn.execute("PRAGMA main.table_info(dossiers)")]
    if missing := [c for c in theirs if c not in ours]:
        raise RuntimeError(f"projection file lacks dossier columns {missing}")
    columns = ", ".join(theirs)
    conn.execute(
        f"INSERT INTO {schema}.dossiers (rowid, {columns}) SELECT rowid, {columns}"
        " FROM main.dossiers"
    )
    conn.execute(
        f"INSERT INTO {schema}.dossier_search (rowid, text)"
        " SELECT rowid, text FROM main.dossier_search"
    )
    conn.execute(
        f"INSERT INTO {schema}.outbox (event_uuid, queued_at, attempts, last_error, chain_pos)"
        " SELECT event_uuid, queued_at, attempts, last_error, chain_pos FROM main.outbox"
    )
    conn.execute(
        f"INSERT INTO {schema}.event_dossiers (dossier_uuid, event_rowid)"
        " SELECT dossier_uuid, rowid FROM main.events"
    )
    conn.execute(
        f"INSERT INTO {schema}.projection_meta (key, value)"
        " SELECT key, value FROM main.config WHERE key = 'search_indexed'"
    )
    conn.execute("DELETE FROM main.config WHERE key = 'search_indexed'")
    projection.save_acked(conn)
    conn.execute("DROP TABLE main.dossier_search")
    conn.execute("DROP TABLE main.outbox")
    conn.execute("DROP TABLE main.dossiers")
    conn.execute("DROP INDEX IF EXISTS main.idx_events_dossier_uuid")
