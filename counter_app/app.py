"""Composition root: paths, logging, store (opened, migrated, seeded), station context.

Faults of the data folder are refused before anything is written, each with its own code
(``storage.faults``, ``storage.db.storage_fault``): a folder that cannot be written or a full
disk (also before the log file is opened), a database that is gone while the folder shows the
station existed, a database locked by another program. The callers (the command line, the
window) show the sentence of the code; none of them is a traceback.
"""

from __future__ import annotations

from pathlib import Path

from counter_app import paths
from counter_app.domain.clock import Clock, SystemClock
from counter_app.services import support
from counter_app.services.setup import ensure_seeded
from counter_app.services.station import StationContext
from counter_app.services.support import RedactIdNumbers
from counter_app.storage.db import STORAGE_ERRORS, is_fault, storage_fault
from counter_app.storage.faults import check_data_folder, check_database_present
from counter_app.storage.loss import check_database_file
from counter_app.storage.recovery import check_at_open
from counter_app.storage.store import DB_NAME, Store

__all__ = ["RedactIdNumbers", "open_station", "setup_logging"]


def setup_logging(data_dir: Path) -> Path:
    """The log file in ``<data dir>/logs`` (``services.support.setup_logging``), once the data
    folder proved writable (DATA_FOLDER_READ_ONLY, DATA_FOLDER_FULL)."""
    check_data_folder(data_dir)
    return support.setup_logging(data_dir)


def open_station(data_dir: Path, *, clock: Clock | None = None) -> StationContext:
    """Open (creating and seeding on first start) the station stored in ``data_dir``.

    Refusals (nothing written): DATABASE_MISSING, DATABASE_EMPTY, DATABASE_NOT_SQLITE,
    DATA_FOLDER_READ_ONLY, DATA_FOLDER_FULL,
    DATABASE_LOCKED, STORAGE_IO_ERROR, DATABASE_DAMAGED, DATABASE_TOO_NEW.
    """
    mirror = paths.mirror_dir()
    check_database_present(data_dir, mirror_dir=mirror)
    check_database_file(data_dir)  # 0 bytes or not SQLite: never a new demo (storage/loss.py)
    check_data_folder(data_dir)
    try:
        store = Store(data_dir, mirror_dir=mirror)
    except STORAGE_ERRORS as exc:
        if isinstance(exc, OSError) or is_fault(exc):
            raise storage_fault(exc, data_dir / DB_NAME) from exc
        raise
    ctx = StationContext(store=store, clock=clock or SystemClock())
    try:
        ensure_seeded(ctx)
        # A restore, or the ledger and its mirror both gone: no code until the station knows
        # its last ones (storage/recovery.py).
        check_at_open(store.db, store.config, store.counters, now=ctx.clock.now())
    except BaseException:
        store.close()
        raise
    return ctx
