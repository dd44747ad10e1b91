"""The station's store: database file, reservation ledger, repositories, backups, restore.

Layout of a data folder::

    counter.db (+ -wal, -shm)     the durable SQLite database: events, counters, chain, audit
    counter.db-projection (+ -wal, -shm)
                                  what is rebuilt from the events: dossier rows, search,
                                  outbox (storage/projection.py; not in the backups)
    reservations.log              the code/sequence reservation ledger (see ledger.py)
    backups/counter-<stamp>-<kind>.db   backups, rotated per kind: daily, exit, manual, upgrade
    backups/pre-restore-<stamp>.db      the database a restore replaced
    scans/<2 hex>/<sha256>        scanned and signed documents, immutable (see blobs.py)
    logs/                         the rotating log file

Database backups do not carry the scans: they stay in ``scans/`` (never changed nor deleted,
so every backup's rows still find them), and a backup to the second place (a USB stick)
copies the scan files that place lacks into its own ``scans/``, which a restore from there
brings back.

The ledger is mirrored to a second folder (``mirror_dir``) so that losing the data folder's
copy does not lose the reservations.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.storage import projection
from counter_app.storage.backup_chain import point_files as chain_point_files
from counter_app.storage.blobs import (
    SCANS_DIR,
    BlobRepository,
    blob_path,
    iter_blob_files,
    write_blob_file,
)
from counter_app.storage.chain import TAIL_AT_OPEN, ChainBreak, ChainRepository, head_paths
from counter_app.storage.db import Database, integrity_check, quick_check
from counter_app.storage.lan_repository import LanRepository
from counter_app.storage.ledger import ReservationLedger
from counter_app.storage.migrations import MIGRATIONS, applied_migrations, migrate
from counter_app.storage.recovery import check_at_open
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
# How many backups of each kind are kept (the oldest go first). Kinds rotate separately, so
# a day of restarts (one "exit" backup each) never pushes the daily ones out.
BACKUP_KINDS = ("daily", "exit", "manual", "upgrade")
KEEP_PER_KIND = {"daily": KEEP_BACKUPS, "exit": 5, "manual": 20, "upgrade": 5}
_BACKUP_FLAG = "backup_copy"
# counter-20260213-030000-000123-daily.db; names without a kind come from older versions.
_BACKUP_NAME = re.compile(
    r"^counter-(\d{8}-\d{6}-\d{6})(?:-(" + "|".join(BACKUP_KINDS) + r"))?\.(?:db|qmcb)$"
)
_STAMP = "%Y%m%d-%H%M%S-%f"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """What a backup holds, shown before restoring it."""

    path: Path
    made_at: str | None
    dossiers: int
    last_code: str | None
    office: str | None
    kind: str = "manual"


@dataclass(frozen=True, slots=True)
class BackupFile:
    """A backup file found in a folder: its kind and when it was made (UTC), from its name."""

    path: Path
    kind: str
    made_at: datetime


def parse_backup_name(path: Path) -> BackupFile | None:
    """The kind and time of a backup named by :meth:`Store.backup` (None: not such a name)."""
    found = _BACKUP_NAME.match(path.name)
    if found is None:
        return None
    made = datetime.strptime(found.group(1), _STAMP).replace(tzinfo=UTC)
    return BackupFile(path=path, kind=found.group(2) or "manual", made_at=made)


def list_backups(folder: Path) -> list[BackupFile]:
    """Every backup named by :meth:`Store.backup` in ``folder``, oldest first (none: [])."""
    try:
        names = list(folder.glob("counter-*.db"))
    except OSError:
        return []
    found = [b for b in (parse_backup_name(p) for p in names) if b is not None]
    return sorted(found, key=lambda b: (b.made_at, b.path.name))


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
        if self.db_path.exists():
            _refuse_if_too_new(self.db_path)
        self.db = Database(self.db_path)
        self.upgrade_backup: Path | None = None
        try:
            self.upgrade_backup = self._backup_before_upgrade()
            self.applied_now = migrate(self.db)
        except DomainError:
            self.db.close()
            raise
        if self.applied_now and self.upgrade_backup is not None:
            log.info(
                "database upgraded (%s); the previous one is kept in %s",
                ", ".join(self.applied_now),
                self.upgrade_backup.name,
            )
        self.config = ConfigRepository(self.db)
        self.counters = CounterRepository(self.db, self.ledger)
        self.reference = ReferenceRepository(self.db)
        self.officers = OfficerRepository(self.db)
        self.audit = AuditRepository(self.db)
        self.dossiers = DossierRepository(self.db)
        self.prints = PrintArchiveRepository(self.db)
        self.sync = SyncRepository(self.db)
        self.lan = LanRepository(self.db)  # office LAN sync (issue 15)
        self.blobs = BlobRepository(self.db, data_dir / SCANS_DIR)
        self.chain = ChainRepository(
            self.db, head_paths(data_dir, mirror_path(mirror_dir, data_dir))
        )
        # The projection file (storage/projection.py) level with the events: after a crash
        # or a power cut it may lag behind; missing or damaged, it is rebuilt.
        self.catch_up()
        self.db.lag_hook = self.catch_up
        restored = self._recover_if_restored()
        self.open_breaks = self._check_history_at_open(restored=restored)
        # A restore (by any path), or the ledger and its mirror both gone: no code is minted
        # until the station knows its last ones (storage/recovery.py, issue 12).
        check_at_open(self.db, self.config, self.counters, now=datetime.now(UTC))

    def catch_up(self) -> int:
        """Bring the projection file level with the events (storage/projection.py); how many
        events were projected again (none, unless a crash or a fault left it behind)."""
        office = self.config.get("office")
        return self.sync.catch_up(
            station_id=office.get("station_id") if isinstance(office, dict) else None,
            at=datetime.now(UTC),
        )

    def _check_history_at_open(self, *, restored: bool) -> list[ChainBreak]:
        """The chain's last rows and its head against the head files (chain.py); the head
        files move on only when that is clean (a break stays reported at every open)."""
        breaks = self.chain.verify(tail=TAIL_AT_OPEN, saved=not restored)
        if breaks:
            log.warning("history chain: %d break(s) found at open", len(breaks))
        else:
            self.chain.save_head()
        return breaks

    def history_breaks(self) -> list[ChainBreak]:
        """Every break of the history chain (full check: ``counter-app check``)."""
        return self.chain.verify()

    def _backup_before_upgrade(self) -> Path | None:
        """Copy a database made by an older version into backups/ before migrating it.

        A brand-new file (no migration yet) and an up-to-date one need no copy. A database
        from a newer version is left alone: ``migrate`` refuses it and no file is written.
        A copy that cannot be written stops the upgrade (UPGRADE_BACKUP_FAILED).
        """
        known = [name for name, _ in MIGRATIONS]
        done = applied_migrations(self.db)
        if not done or any(name not in known for name in done):
            return None
        if all(name in done for name in known):
            return None
        try:
            return self.backup(kind="upgrade")
        except (OSError, sqlite3.Error, DomainError) as exc:
            raise DomainError(ErrorCode.UPGRADE_BACKUP_FAILED, detail=str(exc)) from exc

    def _recover_if_restored(self) -> bool:
        """A backup copied back by hand still carries its flag: skip every reserved number.
        True when it did (the history went back on purpose: its head files are rewritten)."""
        flag = self.config.get(_BACKUP_FLAG)
        if flag is None:
            return False
        with self.db.atomic():
            self.ledger.merge(flag.get("reserved", {}))
            self.counters.raise_to(self.ledger.all_reserved())
            self.config.delete(_BACKUP_FLAG)
            self.config.set("restored", {"from": flag, "at": _now()})
        return True

    def close(self) -> None:
        if not self.open_breaks:
            try:
                self.chain.save_head()
            except Exception:  # a closed or broken connection: the open's head stays
                log.warning("history chain head not saved at close", exc_info=True)
        self.db.close()

    def check(self) -> list[str]:
        """Full integrity check plus dossier/event consistency; empty when healthy."""
        return (
            integrity_check(self.db.conn)
            + self.dossiers.consistency_problems()
            + self.blobs.problems()
        )

    # --- backups ---------------------------------------------------------------------------

    def backup(
        self,
        *,
        kind: str = "manual",
        extra_dir: Path | None = None,
        keep: int | None = None,
        now: datetime | None = None,
    ) -> Path:
        """Write a consistent copy into backups/ as ``counter-<stamp>-<kind>.db``; rotate.

        The copy is read through its own connection (SQLite online backup of the committed
        state), so it may run on a worker thread while the station keeps working. It is
        marked as a backup and carries the ledger's reservations, read after the copy, so
        that opening it later as the live database (by ``restore`` or by hand) skips every
        reserved number. ``now`` (default: the system time) names the file, in UTC.

        With ``extra_dir`` the file is also copied there (the same rotation applies). If that
        copy fails, the backup in the data folder is kept and BACKUP_COPY_FAILED is raised
        with its ``path``.
        """
        if kind not in BACKUP_KINDS:
            raise ValueError(f"unknown backup kind {kind}")
        folder = self.data_dir / BACKUP_DIR
        folder.mkdir(parents=True, exist_ok=True)
        target = _free_name(folder, (now or datetime.now(UTC)).astimezone(UTC), kind)
        partial = target.with_suffix(".part")
        source = sqlite3.connect(_ro_uri(self.db_path), uri=True, timeout=30.0)
        projection.attach(source, self.db_path, read_only=True)
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        dest = sqlite3.connect(str(partial))
        try:
            source.backup(dest)
            reserved = ReservationLedger(self.ledger.paths).all_reserved()
            made_at = _name_time(target).isoformat()
            # The copy holds the events, not their projection (storage/projection.py): its
            # description is read here, from the projection attached to the source.
            count, last = projection.dossier_summary(source)
            flag = {
                "made_at": made_at,
                "kind": kind,
                "reserved": reserved,
                "dossiers": count,
                "last_code": last,
            }
            dest.execute(
                "INSERT OR REPLACE INTO config (key, value) VALUES (?, json(?))",
                (_BACKUP_FLAG, _json(flag)),
            )
            dest.commit()
            dest.execute("PRAGMA journal_mode = DELETE")
        except BaseException:
            dest.close()
            partial.unlink(missing_ok=True)
            raise
        finally:
            source.close()
        dest.close()
        os.chmod(partial, 0o600)  # the user's only (issue 17): it holds personal data
        _fsync_file(partial)
        os.replace(partial, target)
        _rotate(folder, kind, keep)
        if extra_dir is not None:
            try:
                copy_backup(target, extra_dir, keep=keep)
                copy_scans(self.blobs.folder, extra_dir / SCANS_DIR)
            except OSError as exc:
                raise DomainError(
                    ErrorCode.BACKUP_COPY_FAILED,
                    path=str(target),
                    folder=str(extra_dir),
                    detail=exc.strerror or str(exc),
                ) from exc
        return target

    def backups(self) -> list[Path]:
        """Backups in the data folder, oldest first: full copies and the points of the
        incremental chains (backup_chain.py)."""
        folder = self.data_dir / BACKUP_DIR
        found = list_backups(folder)
        found += [b for b in map(parse_backup_name, chain_point_files(folder)) if b is not None]
        return [b.path for b in sorted(found, key=lambda b: (b.made_at, b.path.name))]


def copy_backup(backup: Path, folder: Path, *, keep: int | None = None) -> Path:
    """Copy a backup file into ``folder`` (e.g. a USB stick), durably; rotate its kind there."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / backup.name
    partial = folder / (backup.name + ".part")
    shutil.copyfile(backup, partial)
    os.chmod(partial, 0o600)
    _fsync_file(partial)
    os.replace(partial, target)
    parsed = parse_backup_name(target)
    if parsed is not None:
        _rotate(folder, parsed.kind, keep)
    return target


def copy_scans(source: Path, target: Path) -> int:
    """Copy the scan files ``target`` lacks (scans never change: a file present is complete,
    being written under a temporary name first). Returns how many were copied."""
    copied = 0
    for path in iter_blob_files(source):
        if not blob_path(target, path.name).exists():
            write_blob_file(target, path.name, path.read_bytes())
            copied += 1
    return copied


def _refuse_if_too_new(path: Path) -> None:
    """DATABASE_TOO_NEW, read-only, before the file is opened for writing.

    Opening for writing already changes a file (switching a rollback-journal database to
    WAL rewrites its header), so a database of a newer version is recognised first.
    Anything unreadable is left to the normal open, which reports damage.
    """
    try:
        conn = sqlite3.connect(_ro_uri(path), uri=True)
    except sqlite3.Error:
        return
    try:
        done = [r[0] for r in conn.execute("SELECT name FROM _migrations")]
    except sqlite3.Error:
        return
    finally:
        conn.close()
    known = {name for name, _ in MIGRATIONS}
    unknown = [name for name in done if name not in known]
    if unknown:
        raise DomainError(ErrorCode.DATABASE_TOO_NEW, migrations=", ".join(unknown))


def _ro_uri(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro"


def _name_time(path: Path) -> datetime:
    parsed = parse_backup_name(path)
    return parsed.made_at if parsed else datetime.now(UTC)


def _free_name(folder: Path, when: datetime, kind: str) -> Path:
    """``counter-<stamp>-<kind>.db`` not yet used (a fixed clock moves on by 1 µs)."""
    while True:
        target = folder / f"counter-{when.strftime(_STAMP)}-{kind}.db"
        if not target.exists() and not target.with_suffix(".part").exists():
            return target
        when += timedelta(microseconds=1)


def inspect_backup(path: Path) -> BackupInfo:
    """Read what a backup holds without changing it; BACKUP_INVALID if it is not one."""
    try:
        conn = sqlite3.connect(_ro_uri(path), uri=True)
    except sqlite3.Error:
        raise DomainError(ErrorCode.BACKUP_INVALID, path=str(path)) from None
    try:
        if quick_check(conn) is not None:
            raise DomainError(ErrorCode.BACKUP_INVALID, path=str(path))
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if not {"_migrations", "events", "config", "counters"} <= names:
            raise DomainError(ErrorCode.BACKUP_INVALID, path=str(path))
        known = {name for name, _ in MIGRATIONS}
        if any(r[0] not in known for r in conn.execute("SELECT name FROM _migrations")):
            raise DomainError(ErrorCode.DATABASE_TOO_NEW)
        flag = conn.execute("SELECT value FROM config WHERE key = ?", (_BACKUP_FLAG,)).fetchone()
        office = conn.execute("SELECT value FROM config WHERE key = 'office'").fetchone()
        described = json.loads(flag[0]) if flag else {}
        if "dossiers" in described:
            count, last = int(described["dossiers"]), described.get("last_code")
        else:  # made before the projection file (m0038) or by hand
            count, last = projection.dossier_summary(conn)
    except sqlite3.DatabaseError:
        raise DomainError(ErrorCode.BACKUP_INVALID, path=str(path)) from None
    finally:
        conn.close()
    parsed = parse_backup_name(path)
    return BackupInfo(
        path=path,
        made_at=described.get("made_at"),
        dossiers=count,
        last_code=last,
        office=json.loads(office[0]).get("unit_name") if office else None,
        kind=parsed.kind if parsed else "manual",
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
        # The history goes back with the database, on purpose: so does its head outside it.
        ChainRepository(db, head_paths(data_dir, mirror_path(mirror_dir, data_dir))).save_head()
    finally:
        db.close()
    if live.exists():
        keep = data_dir / BACKUP_DIR / f"pre-restore-{datetime.now(UTC):%Y%m%d-%H%M%S-%f}.db"
        keep.parent.mkdir(parents=True, exist_ok=True)
        _copy_live(live, keep)
        os.chmod(keep, 0o600)
    for suffix in ("-wal", "-shm"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)
        Path(f"{staging}{suffix}").unlink(missing_ok=True)
    # The projection is rebuilt from the restored events when the station opens.
    projection.remove_projection(staging)
    projection.remove_projection(live)
    _fsync_file(staging)
    os.replace(staging, live)
    # A backup taken from the second place (a USB stick) has the scans beside it: bring back
    # those the data folder lacks (a new disk). Backups in the data folder share its scans.
    copy_scans(backup.parent / SCANS_DIR, data_dir / SCANS_DIR)
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


def _rotate(folder: Path, kind: str, keep: int | None) -> None:
    """Keep the newest ``keep`` (default: :data:`KEEP_PER_KIND`) backups of ``kind``."""
    count = KEEP_PER_KIND[kind] if keep is None else keep
    same = [b.path for b in list_backups(folder) if b.kind == kind]
    for old in same[:-count] if count > 0 else []:
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
