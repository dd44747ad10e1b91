"""Support: the rotating log file (no personal data in it) and the diagnostic information.

Log policy: log what happened and to which dossier *code* or uuid (neither is personal
data), never applicant fields (name, ID number, birth date, address, phone) nor passwords
or tokens. As a safety net every line, tracebacks included, goes through
:class:`RedactingFormatter`: runs of 9 to 12 digits (old and new ID numbers, phone numbers
written without separators) and Vietnamese phone numbers written with spaces, dots or dashes
(``0912 345 678``, ``+84 912.345.678``) are masked before they reach the file.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import platform
import re
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from counter_app import __version__
from counter_app.services.station import StationContext
from counter_app.storage.blob_sync import BlobSyncRepository
from counter_app.storage.migrations import MIGRATIONS, applied_migrations
from counter_app.storage.station_secrets import station_token
from counter_app.texts import support as t

LOG_DIR = "logs"
LOG_NAME = "counter-app.log"
LOG_MAX_BYTES = 2_000_000
LOG_BACKUPS = 5
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
ERROR_LINES = 20

# 9-12 digits in one run: an ID card number (9: old CMND, 12: CCCD) or a phone number.
_DIGIT_RUN = re.compile(r"(?<!\d)\d{9,12}(?!\d)")
# A phone number with separators: 0 or +84/84, then 8-10 more digits in groups.
_PHONE = re.compile(r"(?<![\w.+])(?:\+84|84|0)(?:[ .-]?\d){8,10}(?![\w])")


def redact(text: str) -> str:
    """``text`` with ID-number-like and phone-like numbers masked (first 3 digits kept)."""

    def mask(found: re.Match[str]) -> str:
        value = found.group(0)
        kept = 0
        out = []
        for ch in value:
            if ch.isdigit():
                kept += 1
                out.append(ch if kept <= 3 else "*")
            else:
                out.append(ch)
        return "".join(out)

    return _DIGIT_RUN.sub(mask, _PHONE.sub(mask, text))


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then masks personal numbers in the whole line and its traceback."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RedactIdNumbers(logging.Filter):
    """Masks personal numbers in a record's message (for handlers with their own format)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def log_path(data_dir: Path) -> Path:
    return data_dir / LOG_DIR / LOG_NAME


def setup_logging(data_dir: Path, *, level: int = logging.INFO) -> Path:
    """Add (once per file) a size-rotated log file in ``<data dir>/logs``; return its path.

    2 MB per file, 5 old files kept; every line goes through the redaction above.
    """
    path = log_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    if not any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        )
        handler.setFormatter(RedactingFormatter(LOG_FORMAT))
        handler.addFilter(RedactIdNumbers())
        root.addHandler(handler)
        if root.level == logging.NOTSET or root.level > level:
            root.setLevel(level)
    return path


def last_error_lines(data_dir: Path, *, limit: int = ERROR_LINES) -> list[str]:
    """The newest WARNING/ERROR/CRITICAL lines of the log (oldest first; none: [])."""
    found: deque[str] = deque(maxlen=limit)
    path = log_path(data_dir)
    for candidate in [Path(f"{path}.1"), path]:
        try:
            with candidate.open(encoding="utf-8", errors="replace") as lines:
                for line in lines:
                    if " WARNING " in line or " ERROR " in line or " CRITICAL " in line:
                        found.append(redact(line.rstrip("\n")))
        except OSError:
            continue
    return list(found)


@dataclass(frozen=True, slots=True)
class Diagnostics:
    """What support needs to know about this station (no personal data, no token)."""

    app_version: str
    python_version: str
    qt_version: str
    system: str
    data_dir: str
    database: str
    database_bytes: int
    mirror_dir: str
    migrations: tuple[str, ...]
    migrations_known: int
    station_id: str
    station_prefix: str
    agency_id: str
    demo: bool
    dossiers: int
    last_code: str | None
    backups: int
    last_backup: str | None
    enrolled: bool
    server_url: str | None
    last_sync_success: str | None
    last_sync_status: str | None
    last_sync_error: str | None
    events_waiting: int
    events_rejected: int
    attachments_waiting: int
    log_file: str
    error_lines: tuple[str, ...]


def collect_diagnostics(ctx: StationContext, *, qt_version: str = "") -> Diagnostics:
    """Versions, paths, schema, station, sync state and the last error lines of the log."""
    store = ctx.store
    office = ctx.office()
    sync = store.config.get("sync")
    sync_settings = sync if isinstance(sync, dict) else {}
    attempts = store.sync.attempts(limit=1)
    last_success = store.sync.last_success()
    db_bytes = sum(
        Path(f"{store.db_path}{suffix}").stat().st_size
        for suffix in ("", "-wal")
        if Path(f"{store.db_path}{suffix}").exists()
    )
    backups = store.backups()
    return Diagnostics(
        app_version=__version__,
        python_version=platform.python_version(),
        qt_version=qt_version,
        system=f"{platform.system()} {platform.release()} ({os.name})",
        data_dir=str(store.data_dir),
        database=str(store.db_path),
        database_bytes=db_bytes,
        mirror_dir=str(store.mirror_dir),
        migrations=tuple(applied_migrations(store.db)),
        migrations_known=len(MIGRATIONS),
        station_id=office.station_id,
        station_prefix=office.station_prefix,
        agency_id=office.agency_id,
        demo=office.is_demo,
        dossiers=store.dossiers.count(),
        last_code=store.dossiers.last_code(),
        backups=len(backups),
        last_backup=backups[-1].name if backups else None,
        enrolled=bool(sync_settings.get("url") and station_token(store.data_dir)),
        server_url=str(sync_settings["url"]) if sync_settings.get("url") else None,
        last_sync_success=last_success.isoformat() if last_success else None,
        last_sync_status=attempts[0].status if attempts else None,
        last_sync_error=redact(attempts[0].error) if attempts and attempts[0].error else None,
        events_waiting=store.sync.waiting(),
        events_rejected=len(store.sync.rejected()),
        attachments_waiting=BlobSyncRepository(store.db, store.blobs).waiting(),
        log_file=str(log_path(store.data_dir)),
        error_lines=tuple(last_error_lines(store.data_dir)),
    )


def diagnostics_text(diag: Diagnostics) -> str:
    """The plain text the officer copies and sends to support (Vietnamese labels)."""
    values = {
        "app_version": diag.app_version,
        "python_version": diag.python_version,
        "qt_version": diag.qt_version or t.DIAG_NONE,
        "system": diag.system,
        "data_dir": diag.data_dir,
        "database": t.diag_database(diag.database, diag.database_bytes),
        "mirror_dir": diag.mirror_dir,
        "migrations": t.diag_migrations(
            len(diag.migrations), diag.migrations_known, diag.migrations[-1:]
        ),
        "station": t.diag_station(diag.station_id, diag.station_prefix, diag.agency_id, diag.demo),
        "dossiers": t.diag_dossiers(diag.dossiers, diag.last_code),
        "backups": t.diag_backups(diag.backups, diag.last_backup),
        "sync": t.diag_sync(diag.enrolled, diag.server_url),
        "last_sync_success": diag.last_sync_success or t.DIAG_NEVER,
        "last_sync_status": diag.last_sync_status or t.DIAG_NONE,
        "last_sync_error": diag.last_sync_error or t.DIAG_NONE,
        "events_waiting": str(diag.events_waiting),
        "events_rejected": str(diag.events_rejected),
        "attachments_waiting": str(diag.attachments_waiting),
        "log_file": diag.log_file,
    }
    lines = [t.DIAG_HEADING]
    lines += [f"{t.DIAG_LABELS[key]}: {value}" for key, value in values.items()]
    lines.append(f"{t.DIAG_ERRORS_HEADING}:")
    lines += [f"  {line}" for line in diag.error_lines] or [f"  {t.DIAG_NONE}"]
    return "\n".join(lines)
