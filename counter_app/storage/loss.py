"""A lost, emptied or foreign database file never re-mints a printed code (issue 17 item 5).

The reservation ledger (``reservations.log`` in the data folder, mirrored to the user config
folder; see ledger.py) outlives the database. Two rules follow:

- :func:`check_database_file` runs at open, before anything is written: a ``counter.db`` of
  0 bytes (a crash of a copy, a file emptied by a tool) is DATABASE_EMPTY and a file that is
  not SQLite is DATABASE_NOT_SQLITE, each a Vietnamese sentence; SQLite would otherwise turn
  such a file into a brand-new demo office whose counters start at 1 again. Nothing changes.
- :func:`recreate_database` (``counter-app new-database``) is the deliberate way on when the
  database is really lost (missing, emptied, overwritten, damaged) and no backup is left (a
  backup: ``counter-app restore``, which also skips every reservation): the unusable file is
  kept aside as ``backups/lost-<stamp>.db``, and the new database's counters start after
  every block reserved in the ledger or its mirror, so the next code's counter is past every
  one minted before. The office identity is not in the ledger: the new database opens as the
  demo office until the station is set up or enrolled again (``counter-app enrol``), which
  the command says. With no reservation left at all (the ledger and its mirror lost too),
  minting waits for a sync or the officer's confirmation (storage/recovery.py, issue 12).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.storage.db import Database, storage_fault
from counter_app.storage.ledger import ReservationLedger
from counter_app.storage.recovery import require_recovery
from counter_app.storage.store import BACKUP_DIR, DB_NAME, LEDGER_NAME, Store, mirror_path

SQLITE_MAGIC = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite 3 database
RECREATED_KEY = "recreated"  # config: when and past which reservations the database was made
_SIDE_FILES = ("", "-wal", "-shm")


def _head(path: Path) -> bytes | None:
    """The first bytes of ``path``; None when it does not exist (other faults: the open's)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        return None


def _wal_has_frames(path: Path) -> bool:
    """A 0-byte database whose WAL holds pages is a database that was never checkpointed."""
    try:
        return Path(f"{path}-wal").stat().st_size > 0
    except FileNotFoundError:
        return False


def check_database_file(data_dir: Path) -> None:
    """DATABASE_EMPTY (0 bytes) or DATABASE_NOT_SQLITE for ``counter.db``; nothing written.

    A missing file passes (``faults.check_database_present`` decides); a file that cannot be
    read passes too, so the open reports the fault of the disk in its own words.
    """
    path = data_dir / DB_NAME
    try:
        head = _head(path)
    except OSError:
        return
    if head is None:
        return
    if head == b"":
        if not _wal_has_frames(path):
            raise DomainError(ErrorCode.DATABASE_EMPTY, path=str(path))
        return
    if head != SQLITE_MAGIC:
        raise DomainError(ErrorCode.DATABASE_NOT_SQLITE, path=str(path))


@dataclass(frozen=True, slots=True)
class RecreatedDatabase:
    path: Path
    kept: Path | None  # the unusable file, moved aside (None: it was missing)
    reserved: dict[str, int]  # the counters' new floor, from the ledger and its mirror


def _usable(path: Path) -> bool:
    """Whether ``counter.db`` opens as a sound SQLite database (then it is never replaced).

    A fault of the disk or a lock is raised as such (never a reason to move a file aside);
    a file of 0 bytes, not SQLite, or that SQLite finds damaged is not usable.
    """
    try:
        head = _head(path)
    except OSError as exc:
        raise storage_fault(exc, path) from exc
    if not (head == SQLITE_MAGIC or (head == b"" and _wal_has_frames(path))):
        return False
    try:
        Database(path).close()  # integrity check of the open; nothing is written
    except DomainError as error:
        if error.code is ErrorCode.DATABASE_DAMAGED:
            return False
        raise
    return True


def recreate_database(
    data_dir: Path, *, mirror_dir: Path, now: datetime | None = None
) -> RecreatedDatabase:
    """A new database in ``data_dir`` whose counters continue past every reservation.

    Refused with DATABASE_PRESENT (nothing changed) when ``counter.db`` opens as a sound
    SQLite database. Otherwise (missing, 0 bytes, not SQLite, damaged beyond opening: a
    backup, when there is one, is better — ``counter-app restore``) the unusable file (and
    its -wal/-shm) moves to ``backups/lost-<stamp>.db``, the new database is created and
    migrated, and in one transaction its counters are raised to the ledger's reservations
    and the recreation is recorded (config ``recreated`` and the audit log).
    """
    path = data_dir / DB_NAME
    if path.exists() and _usable(path):
        raise DomainError(ErrorCode.DATABASE_PRESENT, path=str(path))
    when = (now or datetime.now(UTC)).astimezone(UTC)
    stamp = when.strftime("%Y%m%dT%H%M%SZ")
    kept: Path | None = None
    if path.exists():
        folder = data_dir / BACKUP_DIR
        folder.mkdir(parents=True, exist_ok=True)
        kept = folder / f"lost-{stamp}.db"
        for suffix in _SIDE_FILES:
            side = Path(f"{path}{suffix}")
            if side.exists():
                side.replace(Path(f"{kept}{suffix}"))
    ledger = ReservationLedger([data_dir / LEDGER_NAME, mirror_path(mirror_dir, data_dir)])
    reserved = ledger.all_reserved()
    store = Store(data_dir, mirror_dir=mirror_dir)
    try:
        with store.db.atomic():
            store.counters.raise_to(reserved)
            detail = {"kept": kept.name if kept else None, "reserved": reserved}
            store.config.set(RECREATED_KEY, {"at": stamp, **detail})
            if not reserved:  # no ledger left: the last codes are unknown (storage/recovery.py)
                require_recovery(store.config, reason="new_database", at=when)
            store.audit.record(
                at=when, officer="system", action=RECREATED_KEY, dossier_uuid=None, detail=detail
            )
        # The old history is gone with its file: the head files restart from the new one
        # (as after a restore), else every open would report the history as rewritten.
        store.chain.save_head()
    finally:
        store.close()
    return RecreatedDatabase(path=path, kept=kept, reserved=reserved)
