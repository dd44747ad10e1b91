"""Storage of office LAN sync (issue 15, m0034): the peers met, and what a peer page reads.

:class:`LanRepository` keeps the office's counters this station met (``lan_peers``): the
address, the pinned certificate, the cursor in the peer's storage order and when it last
synced; like every repository it never opens a transaction. :class:`PeerPageReader` is what
the station's peer server reads with, on its own connection: pages of the events the station
holds (its own and those it learned, in the order it stored them: a dossier's creating event
always before its follow-ups), which of them it does not know to be on the province server,
and scans by SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from counter_app.domain.models import Event
from counter_app.storage.blobs import BlobRepository
from counter_app.storage.db import Database
from counter_app.storage.mapping import event_from_row
from counter_app.storage.repositories import ConfigRepository, DossierRepository
from counter_app.storage.sync_repository import SyncRepository

EPOCH_KEY = "lan_epoch"
FIXED_PEERS_KEY = "lan_fixed_peers"  # the fixed peer list ("host:port"), for no multicast
_PEER_COLUMNS = (
    "station_id, address, name, fingerprint, source, seen_at, synced_at, cursor, epoch,"
    " pulled, last_error, error_at"
)


@dataclass(frozen=True, slots=True)
class PeerRecord:
    """A counter of the office this station authenticated once (its certificate pinned)."""

    station_id: str
    address: str  # host:port of its peer server
    name: str
    fingerprint: str
    source: str  # "mdns" or "fixed"
    seen_at: datetime | None
    synced_at: datetime | None
    cursor: int
    epoch: str | None
    pulled: int  # events learned from it in all
    last_error: str | None
    error_at: datetime | None


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _peer(row: tuple[Any, ...]) -> PeerRecord:
    sid, address, name, fp, source, seen, synced, cursor, epoch, pulled, error, error_at = row
    return PeerRecord(
        sid,
        address,
        name,
        fp,
        source,
        _when(seen),
        _when(synced),
        int(cursor),
        epoch,
        int(pulled),
        error,
        _when(error_at),
    )


class LanRepository:
    """The peers of the office this station met, and its fixed peer list."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._config = ConfigRepository(db)

    def peers(self) -> list[PeerRecord]:
        rows = self.db.conn.execute(
            f"SELECT {_PEER_COLUMNS} FROM lan_peers ORDER BY name, station_id"
        ).fetchall()
        return [_peer(r) for r in rows]

    def peer(self, station_id: str) -> PeerRecord | None:
        row = self.db.conn.execute(
            f"SELECT {_PEER_COLUMNS} FROM lan_peers WHERE station_id = ?", (station_id,)
        ).fetchone()
        return _peer(row) if row else None

    def met(
        self,
        station_id: str,
        *,
        address: str,
        name: str,
        fingerprint: str,
        source: str,
        at: datetime,
    ) -> None:
        """Record an authenticated contact (pins the certificate the first time)."""
        self.db.conn.execute(
            "INSERT INTO lan_peers (station_id, address, name, fingerprint, source, seen_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(station_id) DO UPDATE SET"
            " address = excluded.address, name = excluded.name, source = excluded.source,"
            " seen_at = excluded.seen_at",
            (station_id, address, name, fingerprint, source, at.isoformat()),
        )

    def synced(
        self, station_id: str, *, cursor: int, epoch: str, pulled: int, at: datetime
    ) -> None:
        """A page applied (in its transaction): the new cursor, no error."""
        self.db.conn.execute(
            "UPDATE lan_peers SET cursor = ?, epoch = ?, pulled = pulled + ?, synced_at = ?,"
            " seen_at = ?, last_error = NULL, error_at = NULL WHERE station_id = ?",
            (cursor, epoch, pulled, at.isoformat(), at.isoformat(), station_id),
        )

    def failed(self, station_id: str, error: str, *, at: datetime) -> None:
        self.db.conn.execute(
            "UPDATE lan_peers SET last_error = ?, error_at = ? WHERE station_id = ?",
            (error, at.isoformat(), station_id),
        )

    def forget(self, station_id: str) -> bool:
        """Drop a peer and its pinned certificate (a counter reinstalled); True if known."""
        cur = self.db.conn.execute("DELETE FROM lan_peers WHERE station_id = ?", (station_id,))
        return cur.rowcount > 0

    def fixed_peers(self) -> list[str]:
        value = self._config.get(FIXED_PEERS_KEY, [])
        return [str(v) for v in value] if isinstance(value, list) else []

    def set_fixed_peers(self, addresses: list[str]) -> None:
        self._config.set(FIXED_PEERS_KEY, sorted(set(addresses)))


class PeerPageReader:
    """What the peer server reads, on its own connection (one request at a time)."""

    def __init__(self, db_path: Path, scans_dir: Path) -> None:
        self.db = Database(db_path, check=False)
        self.config = ConfigRepository(self.db)
        self.dossiers = DossierRepository(self.db)
        self.sync = SyncRepository(self.db)
        self.blobs = BlobRepository(self.db, scans_dir)
        self.lock = threading.Lock()

    def close(self) -> None:
        with self.lock:
            self.db.close()

    def office(self) -> dict[str, Any]:
        with self.lock:
            value = self.config.get("office")
        return value if isinstance(value, dict) else {}

    def epoch(self) -> str:
        """Changes when the database goes back to a backup (its ``restored`` mark changes),
        so a peer's cursor from before starts again."""
        with self.lock:
            return self._epoch()

    def _epoch(self) -> str:
        base = self.config.get(EPOCH_KEY)
        if not isinstance(base, str):
            base = secrets.token_hex(8)
            with self.db.atomic():
                self.config.set(EPOCH_KEY, base)
        restored = repr(self.config.get("restored"))
        return hashlib.sha256(f"{base}|{restored}".encode()).hexdigest()[:32]

    def page(self, cursor: int, limit: int) -> tuple[list[Event], int, bool, set[str], str]:
        """Events stored after position ``cursor``, at most ``limit``: (events as sent, the
        position of the last one, more waiting, those not known on the province server,
        the epoch), read in one snapshot."""
        with self.lock:
            epoch = self._epoch()
            self.db.conn.execute("BEGIN")  # a read snapshot, no write lock
            try:
                return self._page(cursor, limit, epoch)
            finally:
                self.db.conn.execute("COMMIT")

    def _page(
        self, cursor: int, limit: int, epoch: str
    ) -> tuple[list[Event], int, bool, set[str], str]:
        rows = self.db.conn.execute(
            "SELECT rowid, uuid, dossier_uuid, kind, station_id, seq, officer, at, payload"
            " FROM events WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (cursor, limit + 1),
        ).fetchall()
        page = rows[:limit]
        events = [self.dossiers.sent(event_from_row(r[1:])) for r in page]
        unsent = self.sync.unsent(e.uuid for e in events)
        last = int(page[-1][0]) if page else cursor
        return events, last, len(rows) > limit, unsent, epoch

    def blob(self, sha256: str) -> tuple[bytes, str] | None:
        with self.lock:
            info = self.blobs.info(sha256)
            data = self.blobs.get(sha256) if info is not None else None
        if info is None or data is None:
            return None
        return data, info.mime
