"""Before opening a station: is its data folder usable, and is its database where it was?

Both checks run before anything is written (the log file included), so a folder that cannot
be written or a full disk is said in one sentence (DATA_FOLDER_READ_ONLY, DATA_FOLDER_FULL)
instead of ending in a traceback, and a database that disappeared (a USB or network drive
not connected, a file moved) is not silently replaced by a new, empty demo station
(DATABASE_MISSING).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.storage.db import storage_fault
from counter_app.storage.ledger import read_ledger_file
from counter_app.storage.store import BACKUP_DIR, DB_NAME, LEDGER_NAME, list_backups, mirror_path

PROBE_BYTES = 64 * 1024  # what a save needs at least (a WAL frame or two, the ledger line)


def check_data_folder(data_dir: Path) -> None:
    """Create ``data_dir`` if needed and write (then delete) a small file in it.

    Raises DATA_FOLDER_READ_ONLY (no right to write, read-only disk), DATA_FOLDER_FULL (no
    room for :data:`PROBE_BYTES`) or STORAGE_IO_ERROR, with the folder as ``path``.
    """
    probe = data_dir / f".write-check-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            with probe.open("xb") as handle:
                handle.write(b"\0" * PROBE_BYTES)
                handle.flush()
                os.fsync(handle.fileno())
        finally:
            probe.unlink(missing_ok=True)
    except OSError as exc:
        raise storage_fault(exc, data_dir / DB_NAME) from exc


def check_database_present(data_dir: Path, *, mirror_dir: Path) -> None:
    """DATABASE_MISSING when ``counter.db`` is absent but the folder shows the station existed.

    The traces: reservations in the ledger (in the data folder or its mirror: codes were
    minted here) or backups in ``backups/``. A fresh folder has none of them, so the first
    start still creates and seeds the database.
    """
    database = data_dir / DB_NAME
    if database.exists():
        return
    ledgers = (data_dir / LEDGER_NAME, mirror_path(mirror_dir, data_dir))
    minted = any(read_ledger_file(path) for path in ledgers)
    if minted or list_backups(data_dir / BACKUP_DIR):
        raise DomainError(ErrorCode.DATABASE_MISSING, path=str(database))
