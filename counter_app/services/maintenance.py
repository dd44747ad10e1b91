"""Backups, restore and checks, with their audit entries.

Kinds of backup (``storage.store.BACKUP_KINDS``): ``daily`` (the first start of a day, and
hourly checks while the window is open), ``exit`` (when the window closes), ``manual`` (an
officer asked for it; audited) and ``upgrade`` (made by the store before migrating a database
of an older version). Every backup is also copied into the station's second backup folder
(``backup_dir`` setting, e.g. a USB stick) when one is set; if that copy fails the backup in
the data folder still counts and the outcome says why the second copy is missing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.services.station import StationContext
from counter_app.storage.store import (
    BACKUP_DIR,
    BackupInfo,
    Store,
    inspect_backup,
    list_backups,
    restore_backup,
)

BACKUP_DIR_KEY = "backup_dir"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BackupOutcome:
    """A backup written in the data folder, and what happened to its second copy."""

    path: Path
    kind: str
    extra_dir: Path | None
    copy_error: DomainError | None = None

    @property
    def copied(self) -> bool:
        return self.extra_dir is not None and self.copy_error is None


def extra_backup_dir(ctx: StationContext) -> Path | None:
    """This station's folder inside the second backup place set by the administrator (None:
    not set).

    Each station writes into a folder of its own there (``<agency>-quay<prefix>-<station>``):
    the two PCs of an office may share one USB stick, and each rotates its own backups only.
    """
    value = str(ctx.setting(BACKUP_DIR_KEY, "") or "").strip()
    if not value:
        return None
    office = ctx.office()
    name = f"{office.agency_id}-quay{office.station_prefix}-{office.station_id[:8]}"
    return Path(value) / "".join(c if c.isalnum() or c in ".-_" else "_" for c in name)


def write_backup(
    store: Store, *, kind: str, extra_dir: Path | None, now: datetime | None = None
) -> BackupOutcome:
    """Write one backup of ``kind`` (and its second copy); safe on a worker thread.

    ``now`` (the station clock; default the system time) names the file, so "was today's
    daily backup made" is answered on the station's own clock.

    Reads the database through its own connection and writes nothing into it. Raises
    BACKUP_FAILED when the data folder copy cannot be written; a failed second copy is
    reported in the outcome instead.
    """
    try:
        path = store.backup(kind=kind, extra_dir=extra_dir, now=now)
    except DomainError as exc:
        if exc.code is not ErrorCode.BACKUP_COPY_FAILED:
            raise
        log.warning("backup %s: second copy failed (%s)", kind, exc.params.get("detail"))
        return BackupOutcome(Path(exc.params["path"]), kind, extra_dir, exc)
    except Exception as exc:  # disk full, folder not writable, database locked
        log.exception("backup %s failed", kind)
        raise DomainError(ErrorCode.BACKUP_FAILED, detail=str(exc)) from exc
    log.info("backup %s written: %s", kind, path.name)
    return BackupOutcome(path, kind, extra_dir)


def record_backup(ctx: StationContext, outcome: BackupOutcome, *, officer: str) -> None:
    """The audit entry of a backup an officer asked for (one transaction)."""
    with ctx.store.db.atomic():
        ctx.store.audit.record(
            at=ctx.clock.now(),
            officer=officer,
            action="backup",
            dossier_uuid=None,
            detail={"file": outcome.path.name, "kind": outcome.kind, "copied": outcome.copied},
        )


def backup(ctx: StationContext, *, extra_dir: Path | None, officer: str) -> Path:
    """A manual backup (and a copy in ``extra_dir``), audited; the command line's.

    When the copy in ``extra_dir`` fails, the backup in the data folder is kept and audited
    and BACKUP_COPY_FAILED is raised (its message names both).
    """
    outcome = write_backup(ctx.store, kind="manual", extra_dir=extra_dir, now=ctx.clock.now())
    record_backup(ctx, outcome, officer=officer)
    if outcome.copy_error is not None:
        raise outcome.copy_error
    return outcome.path


def daily_backup_due(store: Store, today: date) -> bool:
    """True when no daily backup was made on ``today`` (Vietnam date) or later."""
    dailies = [b for b in list_backups(store.data_dir / BACKUP_DIR) if b.kind == "daily"]
    if not dailies:
        return True
    return dailies[-1].made_at.astimezone(VN_TZ).date() < today


@dataclass(frozen=True, slots=True)
class BackupEntry:
    """A backup as the restore dialog lists it: where it is and what it holds."""

    info: BackupInfo | None  # None: the file could not be read as a backup
    path: Path
    kind: str
    made_at: datetime
    in_extra_dir: bool


def list_restorable(ctx: StationContext) -> list[BackupEntry]:
    """Backups of the data folder and of the second backup folder, newest first.

    Each is inspected read-only; a file that is not a readable backup is listed with no
    info (the dialog shows it as unusable) rather than hidden.
    """
    folders = [(ctx.store.data_dir / BACKUP_DIR, False)]
    extra = extra_backup_dir(ctx)
    if extra is not None:
        folders.append((extra, True))
    entries = []
    for folder, is_extra in folders:
        for found in list_backups(folder):
            try:
                info: BackupInfo | None = inspect_backup(found.path)
            except DomainError:
                info = None
            entries.append(BackupEntry(info, found.path, found.kind, found.made_at, is_extra))
    return sorted(entries, key=lambda e: e.made_at, reverse=True)


def describe_backup(path: Path) -> BackupInfo:
    """Date, dossier count and last code of a backup, read without changing anything."""
    return inspect_backup(path)


def restore(data_dir: Path, backup_file: Path, *, mirror_dir: Path, officer: str) -> BackupInfo:
    """Restore ``backup_file`` as the live database of ``data_dir`` (the station is closed).

    No code printed before the restore can be minted again afterwards. The restore is
    written to the restored database's audit log.
    """
    info = restore_backup(data_dir, backup_file, mirror_dir=mirror_dir)
    store = Store(data_dir, mirror_dir=mirror_dir)
    try:
        _audit_restore(store, info, officer=officer)
    finally:
        store.close()
    return info


def restore_station(ctx: StationContext, backup_file: Path, *, officer: str) -> BackupInfo:
    """Restore ``backup_file`` under the open station ``ctx`` and reopen it in place.

    The station's store is closed, the backup restored (codes and event numbers move past
    every reservation, so nothing is minted twice; events already sent go again and the
    server answers "duplicate"), and ``ctx.store`` is replaced by the reopened store. An
    invalid backup is refused before anything is closed; if the restore itself fails the
    previous database is reopened.
    """
    info = inspect_backup(backup_file)
    store = ctx.store
    data_dir, mirror_dir = store.data_dir, store.mirror_dir
    store.close()
    try:
        restored = restore_backup(data_dir, backup_file, mirror_dir=mirror_dir)
    finally:
        ctx.store = Store(data_dir, mirror_dir=mirror_dir)
        ctx.forget_calendar()
    _audit_restore(ctx.store, restored, officer=officer)
    log.info("restored %s (%s, %d dossiers)", backup_file.name, info.kind, info.dossiers)
    return restored


def _audit_restore(store: Store, info: BackupInfo, *, officer: str) -> None:
    with store.db.atomic():
        store.audit.record(
            at=datetime.now(UTC),
            officer=officer,
            action="restore",
            dossier_uuid=None,
            detail={
                "file": info.path.name,
                "kind": info.kind,
                "made_at": info.made_at,
                "dossiers": info.dossiers,
            },
        )


def check_database(ctx: StationContext) -> list[str]:
    """Full integrity and consistency check of the live database; empty when healthy."""
    problems = ctx.store.check()
    if problems:
        log.warning("database check found %d problem(s)", len(problems))
    else:
        log.info("database check passed")
    return problems
