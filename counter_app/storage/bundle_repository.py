"""Storage of USB sync bundles (issue 15 item 2): the push queue seen through an export
watermark (the outbox and the LAN relays, as a push sends them).

The watermark is the ``rowid`` of the last event an export carried: events are stored in
commit order (the outbox's queue order, ``SyncRepository.pending``), so "after the watermark"
is exactly "queued since that export". The state (watermark, export number) is one config row
written in the transaction that ends an export; like the other repositories this one never
opens a transaction.
"""

from __future__ import annotations

from typing import Any

from counter_app.domain.models import Event
from counter_app.storage.db import Database
from counter_app.storage.mapping import event_from_row
from counter_app.storage.repositories import ConfigRepository, DossierRepository
from counter_app.storage.sync_repository import _RELAY_QUEUE

STATE_KEY = "usb_bundle"
# What an export carries: the outbox and the events relayed for peers of the office (issue 15,
# ``lan_relay``), the very queue a push sends (``SyncRepository.pending``).
_QUEUE = _RELAY_QUEUE
_COLUMNS = "e.uuid, e.dossier_uuid, e.kind, e.station_id, e.seq, e.officer, e.at, e.payload"


class BundleRepository:
    """The outbox for exports, and the export state."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._config = ConfigRepository(db)
        self._dossiers = DossierRepository(db)

    def state(self) -> dict[str, Any]:
        """``{"exported_through": rowid, "number": exports so far, "province_key": text}``."""
        value = self._config.get(STATE_KEY)
        return dict(value) if isinstance(value, dict) else {}

    def set_state(self, **changes: Any) -> None:
        self._config.set(STATE_KEY, {**self.state(), **changes})

    def queued_after(self, rowid: int, *, limit: int) -> list[tuple[int, Event]]:
        """Queued events stored after ``rowid``, in queue order, as they are sent (the
        catalogue texts written back, as ``SyncRepository.pending`` gives them)."""
        rows = self.db.conn.execute(
            f"SELECT e.rowid, {_COLUMNS} FROM {_QUEUE} o JOIN events e ON e.uuid = o.event_uuid"
            " WHERE e.rowid > ? ORDER BY e.rowid LIMIT ?",
            (rowid, limit),
        ).fetchall()
        return [(int(r[0]), self._dossiers.sent(event_from_row(r[1:]))) for r in rows]

    def count_after(self, rowid: int) -> int:
        row = self.db.conn.execute(
            f"SELECT count(*) FROM {_QUEUE} o JOIN events e ON e.uuid = o.event_uuid"
            " WHERE e.rowid > ?",
            (rowid,),
        ).fetchone()
        return int(row[0])

    def queued_through(self, rowid: int) -> list[str]:
        """The uuids of queued events an earlier export carried (rowid <= watermark)."""
        rows = self.db.conn.execute(
            f"SELECT e.uuid FROM {_QUEUE} o JOIN events e ON e.uuid = o.event_uuid"
            " WHERE e.rowid <= ? ORDER BY e.rowid",
            (rowid,),
        ).fetchall()
        return [str(r[0]) for r in rows]

    def first_rowid(self, uuids: list[str]) -> int | None:
        """The smallest rowid of these events still queued (None: none is)."""
        found: int | None = None
        for start in range(0, len(uuids), 500):
            chunk = uuids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            row = self.db.conn.execute(
                f"SELECT min(e.rowid) FROM {_QUEUE} o JOIN events e ON e.uuid = o.event_uuid"
                f" WHERE e.uuid IN ({marks})",
                chunk,
            ).fetchone()
            if row and row[0] is not None:
                found = int(row[0]) if found is None else min(found, int(row[0]))
        return found
