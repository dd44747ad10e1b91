"""Opening the counter database: durable PRAGMAs, integrity check, explicit transactions.

Guarantees: WAL journal with ``synchronous=FULL`` (a committed use case survives a power
cut), foreign keys on, a 5 s busy timeout, and transactions that are either wholly committed
or wholly rolled back (``Database.atomic``). sqlite-utils is used for schema work; writes in
a use case go through plain SQL on the same connection because sqlite-utils' own helpers
commit on their own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from counter_app.domain.errors import DomainError, ErrorCode


class Database:
    """One SQLite connection with explicit, nestable transactions (outermost one commits)."""

    def __init__(self, path: Path | str, *, check: bool = True) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        try:
            self.conn = sqlite3.connect(
                str(path), isolation_level=None, check_same_thread=False, timeout=5.0
            )
            self.conn.execute("PRAGMA busy_timeout = 5000")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = FULL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            if check:
                problem = open_check(self.conn, Path(path) if self.path else None)
                if problem:
                    self.conn.close()
                    raise DomainError(ErrorCode.DATABASE_DAMAGED, detail=problem)
        except sqlite3.DatabaseError as exc:
            raise DomainError(ErrorCode.DATABASE_DAMAGED, detail=str(exc)) from exc
        self.utils = sqlite_utils.Database(self.conn)
        self._depth = 0

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one transaction (BEGIN IMMEDIATE); nested blocks join the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self._depth = 0
            self.conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self.conn.execute("COMMIT")

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def close(self) -> None:
        self.conn.close()


FULL_CHECK_AT_OPEN_MAX_BYTES = 256 * 1024 * 1024


def open_check(conn: sqlite3.Connection, path: Path | None) -> str | None:
    """The check made every time the database opens.

    A database up to 256 MB (years of a commune's dossiers) gets SQLite's quick_check, which
    reads every page. A bigger one would take minutes to open (214 s for 1M dossiers,
    bench/bench_search.py), so it gets a schema read here and its full check runs with
    ``counter-app check`` and the daily backup.
    """
    size = path.stat().st_size if path is not None and path.exists() else 0
    if size <= FULL_CHECK_AT_OPEN_MAX_BYTES:
        return quick_check(conn)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None


def quick_check(conn: sqlite3.Connection) -> str | None:
    """Return None when SQLite's quick_check passes, else the first problem it reports."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    first = rows[0][0] if rows else "no answer"
    return None if first == "ok" else str(first)


def integrity_check(conn: sqlite3.Connection) -> list[str]:
    """Full integrity check (slow on big databases); an empty list means healthy."""
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
    try:
        conn.execute("INSERT INTO dossier_search(dossier_search) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as exc:
        problems.append(f"search index: {exc}")
    return problems
