"""Composition root: paths, logging, store (opened, migrated, seeded), station context."""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

from counter_app import paths
from counter_app.domain.clock import Clock, SystemClock
from counter_app.services.setup import ensure_seeded
from counter_app.services.station import StationContext
from counter_app.storage.store import Store

_ID_LIKE = re.compile(r"(?<!\d)(\d{9}|\d{12})(?!\d)")


class RedactIdNumbers(logging.Filter):
    """Personal data stays out of logs: 9- and 12-digit numbers are masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _ID_LIKE.sub(lambda m: m.group(1)[:3] + "*" * (len(m.group(1)) - 3), message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def setup_logging(data_dir: Path) -> Path:
    """A rotating log file in the data folder, with ID numbers redacted."""
    folder = data_dir / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    log_path = folder / "counter-app.log"
    root = logging.getLogger()
    if not any(getattr(h, "baseFilename", None) == str(log_path) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(
            log_path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        handler.addFilter(RedactIdNumbers())
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return log_path


def open_station(data_dir: Path, *, clock: Clock | None = None) -> StationContext:
    """Open (creating and seeding on first start) the station stored in ``data_dir``."""
    store = Store(data_dir, mirror_dir=paths.mirror_dir())
    ctx = StationContext(store=store, clock=clock or SystemClock())
    ensure_seeded(ctx)
    return ctx
