"""A station context for a worker thread: the same station on its own SQLite connection.

sqlite objects belong to the thread that made them (style.md §6.5), so long reads (reports,
exports, the register) run on a second connection opened here and closed afterwards. The
window hands ``in_worker(ctx, fn)`` to its background runner; nothing here knows Qt.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from counter_app.services.station import StationContext
from counter_app.storage.blobs import BlobRepository
from counter_app.storage.db import Database
from counter_app.storage.repositories import (
    ConfigRepository,
    DossierRepository,
    OfficerRepository,
    PrintArchiveRepository,
    ReferenceRepository,
)

T = TypeVar("T")


@contextmanager
def reading_context(ctx: StationContext) -> Iterator[StationContext]:
    """A copy of ``ctx`` whose store reads through a new connection (closed on exit)."""
    db = Database(ctx.store.db_path, check=False)
    store = copy.copy(ctx.store)
    store.db = db
    store.config = ConfigRepository(db)
    store.reference = ReferenceRepository(db)
    store.officers = OfficerRepository(db)
    store.dossiers = DossierRepository(db)
    store.prints = PrintArchiveRepository(db)
    store.blobs = BlobRepository(db, ctx.store.blobs.folder)
    try:
        yield StationContext(store=store, clock=ctx.clock, new_id=ctx.new_id)
    finally:
        db.close()


def in_worker(ctx: StationContext, fn: Callable[[StationContext], T]) -> Callable[[], T]:
    """``fn(worker_ctx)`` packaged for ``run_in_background``."""

    def job() -> T:
        with reading_context(ctx) as worker_ctx:
            return fn(worker_ctx)

    return job
