"""Backups, restore and checks, with their audit entries."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from counter_app.services.station import StationContext
from counter_app.storage.store import BackupInfo, Store, inspect_backup, restore_backup


def backup(ctx: StationContext, *, extra_dir: Path | None, officer: str) -> Path:
    """Write a rotated backup (and a copy in ``extra_dir``); audited."""
    path = ctx.store.backup(extra_dir=extra_dir)
    with ctx.store.db.atomic():
        ctx.store.audit.record(
            at=ctx.clock.now(),
            officer=officer,
            action="backup",
            dossier_uuid=None,
            detail={"file": path.name},
        )
    return path


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
        with store.db.atomic():
            store.audit.record(
                at=datetime.now(UTC),
                officer=officer,
                action="restore",
                dossier_uuid=None,
                detail={
                    "file": backup_file.name,
                    "made_at": info.made_at,
                    "dossiers": info.dossiers,
                },
            )
    finally:
        store.close()
    return info
