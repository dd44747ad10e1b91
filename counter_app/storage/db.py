"""Opening the counter database: durable PRAGMAs, integrity check, explicit transactions.

Guarantees: WAL journal with ``synchronous=FULL`` (a committed use case survives a power
cut), foreign keys on, a 5 s busy timeout, and transactions that are either wholly committed
or wholly rolled back (``Database.atomic``). sqlite-utils is used for schema work; writes in
a use case go through plain SQL on the same connection because sqlite-utils' own helpers
commit on their own.

Faults are told apart from damage (:func:`storage_fault`): a database or folder that cannot be
written, a full disk, a lock held by another program and a disk error become their own
``DomainError`` (DATA_FOLDER_READ_ONLY, DATA_FOLDER_FULL, DATABASE_LOCKED, STORAGE_IO_ERROR),
at open and in every transaction; only what SQLite reports as corrupt (or not a database) is
DATABASE_DAMAGED. The open also starts and rolls back a write transaction, so a database that
cannot be written or is locked is reported when the station opens, not at the first save.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.storage import projection

# What the composition root turns into faults when opening the store (``storage_fault``).
STORAGE_ERRORS = (OSError, sqlite3.Error)
log = logging.getLogger(__name__)
BUSY_TIMEOUT = 5.0  # seconds a write waits for another connection's lock
# SQLite primary result codes (sqlite3.h) and the fault each one is.
_SQLITE_FAULTS = {
    3: ErrorCode.DATA_FOLDER_READ_ONLY,  # SQLITE_PERM
    5: ErrorCode.DATABASE_LOCKED,  # SQLITE_BUSY
    6: ErrorCode.DATABASE_LOCKED,  # SQLITE_LOCKED
    8: ErrorCode.DATA_FOLDER_READ_ONLY,  # SQLITE_READONLY
    10: ErrorCode.STORAGE_IO_ERROR,  # SQLITE_IOERR
    13: ErrorCode.DATA_FOLDER_FULL,  # SQLITE_FULL
    14: ErrorCode.DATA_FOLDER_READ_ONLY,  # SQLITE_CANTOPEN: no right to open or create it
}
# Disk faults whatever file they hit (a transaction may also write the ledger file) ...
_DISK_ERRNOS = {
    errno.ENOSPC: ErrorCode.DATA_FOLDER_FULL,
    getattr(errno, "EDQUOT", errno.ENOSPC): ErrorCode.DATA_FOLDER_FULL,
    errno.EROFS: ErrorCode.DATA_FOLDER_READ_ONLY,
}
# ... and, met on the data folder itself, missing rights.
_OS_FAULTS = {
    **_DISK_ERRNOS,
    errno.EACCES: ErrorCode.DATA_FOLDER_READ_ONLY,
    errno.EPERM: ErrorCode.DATA_FOLDER_READ_ONLY,
}


def _fault_code(exc: BaseException) -> ErrorCode | None:
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        return _SQLITE_FAULTS.get(code & 0xFF) if isinstance(code, int) else None
    if isinstance(exc, OSError):
        return _OS_FAULTS.get(exc.errno or 0, ErrorCode.STORAGE_IO_ERROR)
    return None


def is_fault(exc: BaseException) -> bool:
    """Whether ``exc`` is a fault of the disk or of a lock (not damage, not a bug): an SQLite
    fault, or a full or read-only disk. Other OS errors inside a transaction (a file the
    officer chose that cannot be read) keep their own meaning."""
    if isinstance(exc, OSError):
        return exc.errno in _DISK_ERRNOS
    return _fault_code(exc) is not None


def storage_fault(exc: BaseException, path: Path | None) -> DomainError:
    """The DomainError for an OSError or SQLite error met on the database at ``path``.

    Faults (read-only, full, locked, disk error) get their own codes with the data folder
    as ``path``; anything else SQLite reports (corrupt, not a database) is DATABASE_DAMAGED.
    """
    folder = str(path.parent) if path is not None else ""
    code = _fault_code(exc)
    if code is None:
        return DomainError(ErrorCode.DATABASE_DAMAGED, detail=str(exc))
    if code is ErrorCode.DATABASE_LOCKED:
        return DomainError(code)
    return DomainError(code, path=folder, detail=_detail(exc))


def _detail(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc)


class Database:
    """One SQLite connection with explicit, nestable transactions (outermost one commits)."""

    def __init__(
        self,
        path: Path | str,
        *,
        check: bool = True,
        busy_timeout: float = BUSY_TIMEOUT,
    ) -> None:
        self.path = Path(path) if str(path) != ":memory:" else None
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(
                str(path), isolation_level=None, check_same_thread=False, timeout=busy_timeout
            )
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            if check:
                problem = open_check(conn, self.path)
                if problem:
                    raise DomainError(ErrorCode.DATABASE_DAMAGED, detail=problem)
                _write_check(conn)
            if self.path is not None:
                _attach_projection(conn, self.path, check=check)
        except (sqlite3.Error, OSError, DomainError) as exc:
            if conn is not None:
                conn.close()
            if isinstance(exc, DomainError):
                raise
            raise storage_fault(exc, self.path) from exc
        self.conn = conn
        self.utils = sqlite_utils.Database(self.conn)
        self._depth = 0
        # Set by the store once migrated: brings the projection level with the events
        # (storage/projection.py) after a commit the projection file could not finish.
        self.lag_hook: Callable[[], object] | None = None
        self._behind = False

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
        if self._behind:  # nothing more until the projection is level again
            self._level()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise storage_fault(exc, self.path) from exc
        self._depth = 1
        try:
            yield self.conn
        except BaseException as exc:
            self._depth = 0
            self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error | OSError) and is_fault(exc):
                raise storage_fault(exc, self.path) from exc
            raise
        self._depth = 0
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if not self._durable_ahead():
                raise storage_fault(exc, self.path) from exc
            # The durable file committed, then the projection file failed (SQLite commits
            # the files one by one, main first): the use case is done, its events are kept.
            # The projection catches up now, or at the next open if it still cannot.
            log.warning("projection commit failed after the events committed: %s", exc)
            self._behind = True
            try:
                self._level()
            except DomainError:
                log.warning("projection behind: no use case until it catches up", exc_info=True)

    def _level(self) -> None:
        """Run the store's catch-up (``lag_hook``); a fault raises its DomainError and the
        projection stays marked behind."""
        hook, self.lag_hook = self.lag_hook, None  # its own failure does not recurse
        try:
            if hook is not None:
                hook()
            self._behind = False
        except (sqlite3.Error, OSError) as exc:
            raise storage_fault(exc, self.path) from exc
        finally:
            self.lag_hook = hook

    def _durable_ahead(self) -> bool:
        """Whether the durable file holds events the projection file does not index."""
        if self.lag_hook is None:
            return False
        try:
            ours = self.conn.execute("SELECT max(rowid) FROM main.events").fetchone()[0]
            theirs = self.conn.execute(
                f"SELECT max(event_rowid) FROM {projection.SCHEMA}.event_dossiers"
            ).fetchone()[0]
        except sqlite3.Error:
            return False
        return int(ours or 0) > int(theirs or 0)

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def close(self) -> None:
        self.conn.close()


FULL_CHECK_AT_OPEN_MAX_BYTES = 256 * 1024 * 1024


def _attach_projection(conn: sqlite3.Connection, path: Path, *, check: bool) -> None:
    """Attach the projection file (storage/projection.py). One that is damaged is not
    damage of the station: it is removed and rebuilt from the events when the store opens."""
    projection.attach(conn, path)
    if not check:
        return
    problem: str | None
    try:
        problem = open_check(conn, projection.projection_path(path), schema=projection.SCHEMA)
    except sqlite3.DatabaseError as exc:
        if is_fault(exc):
            raise
        problem = str(exc)
    if problem is None:
        return
    log.warning("projection file damaged (%s): rebuilt from the events", problem)
    conn.execute(f"DETACH DATABASE {projection.SCHEMA}")
    projection.remove_projection(path)
    projection.attach(conn, path)


def _write_check(conn: sqlite3.Connection) -> None:
    """Write page 1 in a transaction rolled back at once: raises SQLITE_READONLY for a file
    that cannot be written and SQLITE_BUSY for one another program keeps locked."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.execute(f"PRAGMA user_version = {version}")
    finally:
        conn.execute("ROLLBACK")


def open_check(conn: sqlite3.Connection, path: Path | None, *, schema: str = "main") -> str | None:
    """The check made every time the database opens.

    A database up to 256 MB (years of a commune's dossiers) gets SQLite's quick_check, which
    reads every page. A bigger one would take minutes to open (214 s for 1M dossiers,
    bench/bench_search.py), so it gets a schema read here and its full check runs with
    ``counter-app check`` and the daily backup.
    """
    size = path.stat().st_size if path is not None and path.exists() else 0
    if size <= FULL_CHECK_AT_OPEN_MAX_BYTES:
        return quick_check(conn, schema=schema)
    try:
        conn.execute(f"SELECT count(*) FROM {schema}.sqlite_master").fetchone()
        conn.execute(f"PRAGMA {schema}.schema_version").fetchone()
    except sqlite3.DatabaseError as exc:
        if is_fault(exc):
            raise
        return str(exc)
    return None


def quick_check(conn: sqlite3.Connection, *, schema: str = "main") -> str | None:
    """Return None when SQLite's quick_check passes, else the first problem it reports.

    A fault met while checking (locked, unreadable disk: :func:`is_fault`) is raised as the
    SQLite error it is, never reported as a problem of the database.
    """
    try:
        rows = conn.execute(f"PRAGMA {schema}.quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        if is_fault(exc):
            raise
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
