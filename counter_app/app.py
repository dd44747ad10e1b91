"""Composition root: paths, logging, store (opened, migrated, seeded), station context."""

from __future__ import annotations

from pathlib import Path

from counter_app import paths
from counter_app.domain.clock import Clock, SystemClock
from counter_app.services.setup import ensure_seeded
from counter_app.services.station import StationContext
from counter_app.services.support import RedactIdNumbers, setup_logging
from counter_app.storage.store import Store

__all__ = ["RedactIdNumbers", "open_station", "setup_logging"]


def open_station(data_dir: Path, *, clock: Clock | None = None) -> StationContext:
    """Open (creating and seeding on first start) the station stored in ``data_dir``."""
    store = Store(data_dir, mirror_dir=paths.mirror_dir())
    ctx = StationContext(store=store, clock=clock or SystemClock())
    ensure_seeded(ctx)
    return ctx
