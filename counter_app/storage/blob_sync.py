"""Storage of attachment sync: the upload queue of local blobs and blobs fetched from the province.

Tables of m0008: ``blob_uploads`` holds one row per local blob to upload, with the number of
leading bytes the server has acknowledged and, once the server holds the whole blob,
``done_at``. Like every repository, none of these calls opens a transaction: the uploader
records each acknowledged chunk in its own ``Database.atomic()`` block.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from counter_app.storage.blobs import BlobRepository, sha256_hex
from counter_app.storage.db import Database

REMOTE = "remote"


@dataclass(frozen=True, slots=True)
class PendingUpload:
    """A local blob the server does not hold yet (``acknowledged``: bytes it confirmed)."""

    sha256: str
    size: int
    mime: str
    acknowledged: int


class BlobSyncRepository:
    """Upload progress of local blobs; remote blobs stored after their hash was checked."""

    def __init__(self, db: Database, blobs: BlobRepository) -> None:
        self.db = db
        self.blobs = blobs

    def pending(self, *, limit: int = 1_000) -> list[PendingUpload]:
        """Blobs not yet uploaded, in the order they were queued (oldest first)."""
        rows = self.db.conn.execute(
            "SELECT u.sha256, b.size, b.mime, u.acknowledged FROM blob_uploads u"
            " JOIN blobs b ON b.sha256 = u.sha256 WHERE u.done_at IS NULL"
            " ORDER BY u.rowid LIMIT ?",
            (limit,),
        ).fetchall()
        return [PendingUpload(r[0], int(r[1]), r[2], int(r[3])) for r in rows]

    def waiting(self) -> int:
        """How many local blobs are not yet held by the server."""
        row = self.db.conn.execute(
            "SELECT count(*) FROM blob_uploads WHERE done_at IS NULL"
        ).fetchone()
        return int(row[0])

    def acknowledged(self, sha256: str) -> int | None:
        """Bytes of ``sha256`` the server confirmed (None: not queued)."""
        row = self.db.conn.execute(
            "SELECT acknowledged FROM blob_uploads WHERE sha256 = ?", (sha256,)
        ).fetchone()
        return int(row[0]) if row else None

    def is_done(self, sha256: str) -> bool:
        row = self.db.conn.execute(
            "SELECT done_at IS NOT NULL FROM blob_uploads WHERE sha256 = ?", (sha256,)
        ).fetchone()
        return bool(row and row[0])

    def data(self, sha256: str) -> bytes | None:
        """The bytes of a stored blob (None: missing, or its file is damaged)."""
        return self.blobs.get(sha256)

    def set_acknowledged(self, sha256: str, offset: int) -> None:
        """The server holds the first ``offset`` bytes (the server's word: may go down after
        it discarded a bad upload)."""
        self.db.conn.execute(
            "UPDATE blob_uploads SET acknowledged = ? WHERE sha256 = ?", (offset, sha256)
        )

    def mark_done(self, sha256: str, *, size: int, at: datetime) -> None:
        """The server holds the whole blob: it leaves the queue for good."""
        self.db.conn.execute(
            "UPDATE blob_uploads SET acknowledged = ?, done_at = ? WHERE sha256 = ?",
            (size, at.isoformat(), sha256),
        )

    def store_remote(self, data: bytes, *, sha256: str, mime: str, at: datetime) -> bool:
        """Store a blob fetched from the province, only if its bytes hash to ``sha256``.

        Returns False (nothing stored) on a mismatch. A remote blob is never queued for
        upload; storing one already present changes nothing.
        """
        if sha256_hex(data) != sha256:
            return False
        self.blobs.put(data, mime, at=at, origin=REMOTE)
        return True
