"""Content-addressed document store (scans, signed PDFs): the ``blobs`` table of m0008.

A blob is named by the SHA-256 of its bytes, so storing the same bytes twice stores them once
and a blob never changes. Like every repository, none of these calls opens a transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from counter_app.storage.db import Database


@dataclass(frozen=True, slots=True)
class BlobInfo:
    sha256: str
    size: int
    mime: str
    origin: str
    created_at: str


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def put(self, data: bytes, mime: str, *, at: datetime, origin: str = "local") -> str:
        """Store ``data`` (once) and return its SHA-256. A local blob is queued for upload."""
        digest = sha256_hex(data)
        inserted = self.db.conn.execute(
            "INSERT INTO blobs (sha256, size, mime, origin, created_at, data)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(sha256) DO NOTHING",
            (digest, len(data), mime, origin, at.isoformat(), data),
        ).rowcount
        if inserted and origin == "local":
            self.db.conn.execute(
                "INSERT INTO blob_uploads (sha256) VALUES (?) ON CONFLICT(sha256) DO NOTHING",
                (digest,),
            )
        return digest

    def get(self, sha256: str) -> bytes | None:
        row = self.db.conn.execute("SELECT data FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
        return bytes(row[0]) if row else None

    def has(self, sha256: str) -> bool:
        row = self.db.conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None

    def info(self, sha256: str) -> BlobInfo | None:
        row = self.db.conn.execute(
            "SELECT sha256, size, mime, origin, created_at FROM blobs WHERE sha256 = ?",
            (sha256,),
        ).fetchone()
        return BlobInfo(*row) if row else None
