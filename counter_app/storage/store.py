"""The station's store: database file, reservation ledger, repositories, backups, restore.

Layout of a data folder::

    counter.db (+ -wal, -shm)     the SQLite database
    reservations.log              the code/sequence reservation ledger (see ledger.py)
    backups/counter-*.db          automatic and manual backups (rotated)
    logs/                         the rotating log file

The ledger is mirrored to a second folder (``mirror_dir``) so that losing the data folder's
copy does not lose the reservations.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.storage.blobs import BlobRepository
from counter_app.storage.db import Database, integrity_check, quick_check
from counter_app.storage.ledger import ReservationLedger
from counter_app.storage.migrations import MIGRATIONS, migrate
from counter_app.storage.repositories import (
    AuditRepository,
    ConfigRepository,
    CounterRepository,
    DossierRepository,
    OfficerRepository,
    PrintArchiveRepository,
    ReferenceRepository,
)
from counter_app.storage.sync_repository import SyncRepository

DB_NAME = "counter.db"
LEDGER_NAME = "reservations.log"
BACKUP_DIR = "backups"
KEEP_BACKUPS = 14
_BACKUP_FLAG = "backup_copy"


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """What a backup holds, shown before restoring it."""

    path: Path
    made_at: str | None
    dossiers: int
    last_code: str | None
    office: str | None


def mirror_path(mirror_dir: Path, data_dir: Path) -> Path:
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return mirror_dir / f"reservations-{digest}.log"


class Store:
    """Everything the station keeps on disk, opened and migrated."""

    def __init__(self, data_dir: Path, *, mirror_dir: Path) -> None:
        self.data_dir = data_dir
        self.mirror_dir = mirror_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        self.db_path = data_dir / DB_NAME
        self.ledger = ReservationLedger([data_dir / LEDGER_NAME, mirror_path(mirror_dir, data_dir)])
        self.db = Database(self.db_path)
        try:
            migrate(self.db)
        except DomainError:
            self.db.close()
            raise
        self.config = ConfigRepository(self.db)
        self.counters = CounterRepository(self.db, self.ledger)
        self.reference = ReferenceRepository(self.db)
        self.officers = OfficerRepository(self.db)
        self.audit = AuditRepository(self.db)
        self.dossiers = DossierRepository(self.db)
        self.prints = PrintArchiveRepository(self.db)
        self.sync = SyncRepository(self.db)
        self.blobs = BlobRepository(self.db)
        self._recover_if_restored()

    def _recover_if_restored(self) -> None:
        """A backup copied back by hand still carries its flag: skip every reserved number."""
        flag = self.config.get(_BACKUP_FLAG)
        if flag is None:
            return
        with self.db.atomic():
            self.ledger.merge(flag.get("reserved", {}))
            self.counters.raise_to(self.ledger.all_reserved())
            self.config.delete(_BACKUP_FLAG)
            self.config.set("restored", {"from": flag, "at": _now()})

    def close(self) -> None:
        self.db.close()

    def check(self) -> list[str]:
        """Full integrity check plus dossier/event consistency; empty when healthy."""
        return integrity_check(self.db.conn) + self.dossiers.consistency_problems()

    # --- backups ---------------------------------------------------------------------------

    def backup(self, *, extra_dir: Path | None = None, keep: int = KEEP_BACKUPS) -> Path:
        """Write a consistent copy (SQLite online backup) into backups/, rotate, copy to extra.

        The copy is marked as a backup and carries the ledger's reservations, so that opening
        it later as the live database (by ``restore`` or by hand) skips every reserved number.
        """
        folder = self.data_dir / BACKUP_DIR
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        target = folder / f"counter-{stamp}.db"
        partial = target.with_suffix(".part")
        dest = sqlite3.connect(str(partial))
        try:
            self.db.conn.backup(dest)
            dest.execute(
                "INSERT OR REPLACE INTO config (key, value) VALUES (?, json(?))",
                (_BACKUP_FLAG, _json({"made_at": _now(), "reserved": self.ledger.all_reserved()})),
            )
            dest.commit()
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
        _fsync_file(partial)
        os.replace(partial, target)
        _rotate(folder, keep)
        if extra_dir is not None:
            extra_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy2(target, extra_dir / target.name)
            _fsync_file(extra_dir / target.name)
        return target

    def backups(self) -> list[Path]:
        folder = self.data_dir / BACKUP_DIR
        return sorted(folder.glob("counter-*.db")) if folder.exists() else []


def inspect_backup(path: Path) -> BackupInfo:
    """Read what a backup holds without changing it; BACKUP_INVALID if it is not one."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        raise DomainError(ErrorCode.BACKUP_INVALID, path=str(path)) from None
    try:
        if quick_check(conn) is not None:
            raise DomainError(ErrorCode.BACKUP_INVALID, path=str(path))
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if not {"_migrations", "dossiers", "config", "counters"} <= names:
            raise DomainError(ErrorCode.BACKUP_INVALID, path=str(path))
        known = {name for name, _ in MIGRATIONS}
        if any(r[0] not in known for r in conn.execute("SELECT name FROM _migrations")):
            raise DomainError(ErrorCode.DATABASE_TOO_NEW)
        flag = conn.execute("SELECT value FROM config WHERE key = ?", (_BACKUP_FLAG,)).fetchone()
        office = conn.execute("SELECT value FROM config WHERE key = 'office'").fetchone()
        count = conn.execute("SELECT count(*) FROM dossiers").fetchone()[0]
        last = conn.execute(
            "SELECT code FROM dossiers WHERE code IS NOT NULL ORDER BY rowid DESC LIMIT 1"
        ).fetchone()
    except sqlite3.DatabaseError:
        raise DomainError(ErrorCode.BACKUP_INVALID, path=str(path)) from None
    finally:
        conn.close()
    return BackupInfo(
        path=path,
        made_at=json.loads(flag[0]).get("made_at") if flag else None,
        dossiers=int(count),
        last_code=last[0] if last else None,
        office=json.loads(office[0]).get("unit_name") if office else None,
    )


def restore_backup(data_dir: Path, backup: Path, *, mirror_dir: Path) -> BackupInfo:
    """Replace the live database with ``backup``; never lets a printed number be minted again.

    Counters become the highest of: the backup's, the current database's (when it can still
    be read), and every reservation in the ledger, its mirror and the backup. The replaced
    database is kept in backups/ as ``pre-restore-*.db``. Nothing changes if the backup is
    invalid.
    """
    info = inspect_backup(backup)
    data_dir.mkdir(parents=True, exist_ok=True)
    ledger = ReservationLedger([data_dir / LEDGER_NAME, mirror_path(mirror_dir, data_dir)])
    live = data_dir / DB_NAME
    current = _read_counters(live) if live.exists() else {}
    staging = data_dir / "counter.db.restoring"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{staging}{suffix}").unlink(missing_ok=True)
    shutil.copy2(backup, staging)
    db = Database(staging)
    try:
        migrate(db)
        repo = ConfigRepository(db)
        flag = repo.get(_BACKUP_FLAG) or {}
        ledger.merge(flag.get("reserved", {}))
        ledger.merge(current)
        with db.atomic():
            counters = CounterRepository(db, ledger)
            counters.raise_to(current)
            counters.raise_to(ledger.all_reserved())
            repo.delete(_BACKUP_FLAG)
            repo.set("restored", {"from": str(backup), "made_at": info.made_at, "at": _now()})
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    if live.exists():
        keep = data_dir / BACKUP_DIR / f"pre-restore-{datetime.now(UTC):%Y%m%d-%H%M%S-%f}.db"
        keep.parent.mkdir(parents=True, exist_ok=True)
        _copy_live(live, keep)
    for suffix in ("-wal", "-shm"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)
        Path(f"{staging}{suffix}").unlink(missing_ok=True)
    _fsync_file(staging)
    os.replace(staging, live)
    return info


def _copy_live(live: Path, target: Path) -> None:
    try:
        src = sqlite3.connect(str(live))
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    except sqlite3.DatabaseError:
        shutil.copy2(live, target)


def _read_counters(path: Path) -> dict[str, int]:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return {n: int(v) for n, v in conn.execute("SELECT name, value FROM counters")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return {}


def _rotate(folder: Path, keep: int) -> None:
    backups = sorted(folder.glob("counter-*.db"))
    for old in backups[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
