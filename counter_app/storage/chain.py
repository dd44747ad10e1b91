"""The station's history chain: its own events and its audit entries, linked by hash.

Every event this station makes and every audit entry gets one row in ``chain`` (in the same
transaction): ``content`` is the SHA-256 of the row's canonical content (its columns, as
stored, in a JSON array) and ``hash`` the SHA-256 of the previous row's ``hash`` followed by
``content`` (both computed on their hex forms; stored as 32-byte BLOBs since m0025). So an
event or audit row edited in the file no longer matches its ``content``; a row deleted leaves
its chain row pointing at nothing; a chain row deleted too breaks the link of the next one;
rows added outside the program are not in the chain.

What the database alone cannot show, a chain rewritten whole or cut at its end, is shown by
the head kept outside it: ``chain-head`` in the data folder and in the ledger's mirror folder
(``<position> <hash>``), written when the store opens (after a clean check) and closes. At
open only the last :data:`TAIL_AT_OPEN` rows and the head are checked (milliseconds);
``counter-app check`` checks every row. The head also goes with every push: the province
sees a history that does not extend the one it was sent before (see sync/engine.py).

A restore (by ``counter-app restore`` or a backup copied back by hand) takes the history back
on purpose: the head files are then rewritten from the restored database.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


class _Connected(Protocol):
    """A Database, or sqlite-utils' one inside a migration: anything with ``conn``."""

    @property
    def conn(self) -> sqlite3.Connection: ...


GENESIS = "0" * 64
TAIL_AT_OPEN = 200
HEAD_NAME = "chain-head"
SENT_KEY = "chain_sent"  # config: positions of the heads pushed since the last acknowledged
MAX_SENT = 32
SOURCE_EVENT = "event"
SOURCE_AUDIT = "audit"
# What a break is (the texts say it in Vietnamese): a row's content changed, a chained row
# gone, the link to the previous row broken (a chain row removed or forged), the end of the
# chain before the head kept outside the database, a row that is not in the chain.
EDITED = "edited"
MISSING = "missing"
LINK = "link"
TRUNCATED = "truncated"
UNCHAINED = "unchained"

_SELECT = {
    SOURCE_EVENT: "SELECT uuid, dossier_uuid, kind, station_id, seq, officer, at, payload "
    "FROM events WHERE uuid = ?",
    SOURCE_AUDIT: "SELECT id, at, officer, action, dossier_uuid, detail FROM audit_log "
    "WHERE id = ?",
}

# Every chain row with the row it points at, in one pass (a row per chain row: the join keys
# are the events' primary key and the audit log's rowid).
_VERIFY_SQL = (
    "SELECT c.pos, c.source, c.content, c.hash,"
    " e.uuid, e.dossier_uuid, e.kind, e.station_id, e.seq, e.officer, e.at, e.payload,"
    " a.id, a.at, a.officer, a.action, a.dossier_uuid, a.detail"
    " FROM chain c"
    " LEFT JOIN events e ON c.source = 'event' AND e.uuid = c.ref"
    " LEFT JOIN audit_log a ON c.source = 'audit' AND a.id = CAST(c.ref AS INTEGER)"
    " WHERE c.pos > ? ORDER BY c.pos"
)

CREATE_SQL = (
    "CREATE TABLE chain (pos INTEGER PRIMARY KEY, source TEXT NOT NULL, ref TEXT NOT NULL,"
    " content TEXT NOT NULL, hash TEXT NOT NULL)",
    # Not unique: an audit id can come again after a row was deleted in the file (SQLite
    # reuses the highest rowid); the new row is chained, the old chain row reports the edit.
    "CREATE INDEX chain_ref ON chain (source, ref)",
)
# m0025 (issue 12 item 7): the digests as 32-byte BLOBs, not 64 hex characters (about 128
# bytes a dossier less: its event and its audit entry). Computed and compared in hex as before.
BLOB_TABLE_SQL = (
    "CREATE TABLE chain_blob (pos INTEGER PRIMARY KEY, source TEXT NOT NULL, ref TEXT NOT NULL,"
    " content BLOB NOT NULL, hash BLOB NOT NULL)"
)


def _stored(digest: str) -> bytes:
    """A hex digest as stored (32 bytes)."""
    return bytes.fromhex(digest)


def _hex(value: bytes | str) -> str:
    """A stored digest as hex (a BLOB, or hex text written before m0025)."""
    return value.hex() if isinstance(value, bytes) else value


def _as_blob(value: bytes | str) -> bytes | str:
    """m0025: a hex digest stored as text, as a BLOB; anything else (a value edited in the
    file) kept as it is, so the check still reports it."""
    if isinstance(value, str) and len(value) == 64 and all(c in _HEX_DIGITS for c in value):
        return _stored(value)
    return value


_HEX_DIGITS = frozenset("0123456789abcdef")
# Each chained table's columns (``_SELECT`` order): True for INTEGER, False for TEXT. A value
# of that column's own type (or NULL in a TEXT column) reads back unchanged; anything else
# (a bool, a float, an int in a TEXT column) may not, and the row is read again.
_INTEGER_COLUMNS = {
    SOURCE_EVENT: (False, False, False, False, True, False, False, False),
    SOURCE_AUDIT: (True, False, False, False, False, False),
}


def _as_stored(source: str, row: Sequence[Any]) -> bool:
    columns = _INTEGER_COLUMNS.get(source)
    if columns is None or len(row) != len(columns):
        return False
    return all(
        type(v) is int if integer else (v is None or type(v) is str)
        for v, integer in zip(row, columns, strict=True)
    )


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The last row of the chain: its position (1, 2, …) and hash."""

    pos: int
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {"pos": self.pos, "hash": self.hash}


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """One place where the stored history is not the one written: ``kind`` (see above), the
    chain position and what the row was (``event``/``audit``; never its content)."""

    kind: str
    pos: int
    source: str = ""


def content_hash(source: str, row: Iterable[Any]) -> str:
    """SHA-256 of a row's canonical content: its columns as stored, in a JSON array."""
    text = json.dumps([source, *row], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def link_hash(previous: str, content: str) -> str:
    return hashlib.sha256((previous + content).encode("ascii")).hexdigest()


class ChainRepository:
    """Appends to and checks the chain; keeps the head outside the database."""

    def __init__(self, db: _Connected, head_paths: list[Path]) -> None:
        self.db = db
        self.head_paths = head_paths

    # --- writing --------------------------------------------------------------------------

    def append(self, source: str, ref: str, row: Sequence[Any] | None = None) -> ChainHead:
        """Chain the stored row ``ref`` of ``source``; inside the writing transaction.

        ``row``: the values just inserted, in ``_SELECT[source]``'s column order, when they
        are exactly what SQLite gives back (text, integers, None): the row is then not read
        again (the save's CPU, issue 16)."""
        if row is None or not _as_stored(source, row):
            row = self.db.conn.execute(_SELECT[source], (ref,)).fetchone()
        if row is None:
            raise ValueError(f"no {source} row {ref} to chain")
        content = content_hash(source, row)
        head = self.head()
        previous = head.hash if head else GENESIS
        pos = (head.pos if head else 0) + 1
        digest = link_hash(previous, content)
        self.db.conn.execute(
            "INSERT INTO chain (pos, source, ref, content, hash) VALUES (?,?,?,?,?)",
            (pos, source, str(ref), _stored(content), _stored(digest)),
        )
        return ChainHead(pos, digest)

    def head(self) -> ChainHead | None:
        row = self.db.conn.execute(
            "SELECT pos, hash FROM chain ORDER BY pos DESC LIMIT 1"
        ).fetchone()
        return ChainHead(int(row[0]), _hex(row[1])) if row else None

    def hash_at(self, pos: int) -> str | None:
        row = self.db.conn.execute("SELECT hash FROM chain WHERE pos = ?", (pos,)).fetchone()
        return _hex(row[0]) if row else None

    # --- checking -------------------------------------------------------------------------

    def verify(self, *, tail: int | None = None, saved: bool = True) -> list[ChainBreak]:
        """Breaks of the chain (empty: intact) and, with ``saved``, of the head kept outside
        the database (not after a restore: the history went back on purpose).

        ``tail``: only the last ``tail`` rows (at open); None: every row. Every audit entry
        (at open: those after the last chained one) and every event in the outbox must be
        chained.
        """
        conn = self.db.conn
        start = 0
        if tail is not None:
            row = conn.execute(
                "SELECT pos FROM chain ORDER BY pos DESC LIMIT 1 OFFSET ?", (tail,)
            ).fetchone()
            start = int(row[0]) if row else 0
        previous = GENESIS if start == 0 else (self.hash_at(start) or GENESIS)
        expected = start + 1
        breaks: list[ChainBreak] = []
        for pos, source, stored_content, stored_digest, *columns in conn.execute(
            _VERIFY_SQL, (start,)
        ):
            content, digest = _hex(stored_content), _hex(stored_digest)
            if pos != expected or link_hash(previous, content) != digest:
                breaks.append(ChainBreak(LINK, pos, source))
            found = columns[:8] if source == SOURCE_EVENT else columns[8:]
            if found[0] is None:
                breaks.append(ChainBreak(MISSING, pos, source))
            elif content_hash(source, found) != content:
                breaks.append(ChainBreak(EDITED, pos, source))
            previous, expected = digest, pos + 1
        if saved:
            breaks += self._against_saved_head()
        breaks += self._unchained(full=tail is None)
        return breaks

    def _against_saved_head(self) -> list[ChainBreak]:
        saved = self.saved_head()
        if saved is None:
            return []
        here = self.hash_at(saved.pos)
        if here == saved.hash:
            return []
        head = self.head()
        if head is None or head.pos < saved.pos:
            return [ChainBreak(TRUNCATED, head.pos if head else 0)]
        return [ChainBreak(LINK, saved.pos)]

    def _unchained(self, *, full: bool) -> list[ChainBreak]:
        conn = self.db.conn
        if full:  # every entry: one pass over the chain's audit refs (no index on ref)
            audit_sql = (
                "SELECT count(*) FROM audit_log a WHERE CAST(a.id AS TEXT) NOT IN"
                " (SELECT ref FROM chain WHERE source = 'audit')"
            )
        else:  # at open: the entries after the last chained one (read from the chain's end)
            audit_sql = (
                "SELECT count(*) FROM audit_log a WHERE a.id > coalesce((SELECT"
                " CAST(ref AS INTEGER) FROM chain WHERE source = 'audit'"
                " ORDER BY pos DESC LIMIT 1), 0)"
            )
        count = int(conn.execute(audit_sql).fetchone()[0])
        # Every event queued to go to the province in this station's name (own events that
        # came back by a pull, e.g. after a restore, are not queued: they are the server's),
        # at the chain position its outbox row keeps (m0033).
        count += int(
            conn.execute(
                "SELECT count(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM chain c"
                " WHERE c.pos = o.chain_pos AND c.source = 'event' AND c.ref = o.event_uuid)"
            ).fetchone()[0]
        )
        head = self.head()
        return [ChainBreak(UNCHAINED, head.pos if head else 0)] if count else []

    # --- what a push says of the chain (sync_protocol.chain) -------------------------------

    def push_claim(self) -> tuple[ChainHead, list[ChainHead]] | None:
        """The head and the anchors to send: the chain's hash now at the positions of the
        heads sent since the last acknowledged one (included). None: no chain yet."""
        head = self.head()
        if head is None:
            return None
        anchors = []
        for pos in self._sent():
            digest = self.hash_at(pos)
            if digest is not None and pos != head.pos:
                anchors.append(ChainHead(pos, digest))
        return head, anchors

    def note_sent(self, pos: int, *, acknowledged: bool) -> bool:
        """Remember a head sent (before the push) or acknowledged (after its answer): an
        acknowledged head replaces the list; at most :data:`MAX_SENT` are kept. False when
        that changed nothing (no write)."""
        before = self._sent()
        sent = [pos] if acknowledged else [p for p in before if p != pos] + [pos]
        if sent[-MAX_SENT:] == before:
            return False  # the batches of one sync share their head: nothing to write
        self.db.conn.execute(
            "INSERT INTO config (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (SENT_KEY, json.dumps(sent[-MAX_SENT:])),
        )
        return True

    def _sent(self) -> list[int]:
        row = self.db.conn.execute("SELECT value FROM config WHERE key = ?", (SENT_KEY,)).fetchone()
        try:
            values = json.loads(row[0]) if row else []
        except ValueError:
            return []
        return [v for v in values if isinstance(v, int)] if isinstance(values, list) else []

    # --- the head outside the database ----------------------------------------------------

    def saved_head(self) -> ChainHead | None:
        """The furthest head recorded in the head files (None: none yet)."""
        best: ChainHead | None = None
        for path in self.head_paths:
            found = _read_head(path)
            if found is not None and (best is None or found.pos > best.pos):
                best = found
        return best

    def save_head(self) -> None:
        """Write the database's head into every head file (atomically; errors ignored: the
        files are a second witness, never a reason to stop the desk)."""
        head = self.head()
        if head is None:
            return
        line = f"{head.pos} {head.hash}\n".encode("ascii")
        for path in self.head_paths:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_name(path.name + ".part")
                fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                try:
                    os.write(fd, line)
                    os.fsync(fd)
                finally:
                    os.close(fd)
                os.replace(partial, path)
            except OSError:
                continue


def head_paths(data_dir: Path, mirror: Path) -> list[Path]:
    """The head file in the data folder and beside the ledger's mirror ``mirror``."""
    return [data_dir / HEAD_NAME, mirror.with_name(mirror.name.replace("reservations", HEAD_NAME))]


def _read_head(path: Path) -> ChainHead | None:
    try:
        text = path.read_text(encoding="ascii", errors="replace").split()
    except OSError:
        return None
    if len(text) != 2 or not text[0].isdigit() or len(text[1]) != 64:
        return None
    return ChainHead(int(text[0]), text[1])


def migrate_m0025(db: _Connected) -> int:
    """Migration m0025: the chain rebuilt with its digests as BLOBs (same rows, same values:
    the head files and the anchors the province holds still match). Returns the rows."""
    conn = db.conn
    conn.execute(BLOB_TABLE_SQL)
    rows = conn.execute("SELECT pos, source, ref, content, hash FROM chain ORDER BY pos")
    conn.executemany(
        "INSERT INTO chain_blob (pos, source, ref, content, hash) VALUES (?,?,?,?,?)",
        (
            (pos, source, ref, _as_blob(content), _as_blob(digest))
            for pos, source, ref, content, digest in rows.fetchall()
        ),
    )
    count = int(conn.execute("SELECT count(*) FROM chain_blob").fetchone()[0])
    conn.execute("DROP TABLE chain")
    conn.execute("ALTER TABLE chain_blob RENAME TO chain")
    conn.execute(CREATE_SQL[1])  # the (source, ref) index, dropped with the old table
    return count


def _has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    return any(row[1] == column for row in conn.execute(f"PRAGMA table_info({table})"))


def chain_existing(db: _Connected, *, station_id: str | None) -> int:
    """Chain the rows stored before the chain existed (migration m0014): the station's own
    events by sequence, then the audit entries by id. Returns how many were chained."""
    conn = db.conn
    repo = ChainRepository(db, [])
    count = 0
    keeps_pos = _has_column(conn, "outbox", "chain_pos")  # run again on a newer schema
    if station_id:
        for (uuid,) in conn.execute(
            "SELECT uuid FROM events WHERE station_id = ? ORDER BY seq", (station_id,)
        ).fetchall():
            pos = repo.append(SOURCE_EVENT, uuid).pos
            count += 1
            if keeps_pos:
                conn.execute("UPDATE outbox SET chain_pos = ? WHERE event_uuid = ?", (pos, uuid))
    for (entry,) in conn.execute("SELECT id FROM audit_log ORDER BY id").fetchall():
        repo.append(SOURCE_AUDIT, str(entry))
        count += 1
    return count


__all__ = [
    "CREATE_SQL",
    "ChainBreak",
    "ChainHead",
    "ChainRepository",
    "chain_existing",
    "head_paths",
    "migrate_m0025",
]
