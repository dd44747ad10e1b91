"""Content-addressed document store (scans, signed PDFs): files in ``scans/``, listed in the
``blobs`` table of m0008.

A blob is named by the SHA-256 of its bytes, so storing the same bytes twice stores them once
and a blob never changes. The bytes live in ``<data folder>/scans/<2 hex>/<sha256>``, outside
the database: a commune office scans gigabytes a year, and the daily, on-exit and manual
backups of the database must stay small enough to be made every day (the immutable scan
files are copied once to the second backup place instead, see ``Store.backup``).

Durability: :meth:`BlobRepository.put` writes the file (temporary name, fsync, rename, fsync
of the folder) *before* the row is inserted in the caller's transaction, so a committed row
always has its file. A transaction that rolls back leaves an unlisted file behind, which
costs disk space and nothing else (``unlisted_files`` finds them). Like every repository,
none of these calls opens a transaction.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from counter_app.storage.db import Database

SCANS_DIR = "scans"


@dataclass(frozen=True, slots=True)
class BlobInfo:
    sha256: str
    size: int
    mime: str
    origin: str
    created_at: str


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def blob_path(folder: Path, sha256: str) -> Path:
    """Where the blob ``sha256`` lives below a scans folder."""
    return folder / sha256[:2] / sha256


def write_blob_file(folder: Path, sha256: str, data: bytes) -> Path:
    """Write ``data`` durably as the blob ``sha256`` in ``folder`` (kept when present)."""
    target = blob_path(folder, sha256)
    if target.exists() and target.stat().st_size == len(data):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{sha256}.part")
    with open(partial, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, target)
    _fsync_dir(target.parent)
    return target


def iter_blob_files(folder: Path) -> Iterator[Path]:
    """Every blob file below ``folder`` (temporary ``.part`` files excluded)."""
    if not folder.is_dir():
        return
    for sub in sorted(folder.iterdir()):
        if sub.is_dir() and len(sub.name) == 2:
            for path in sorted(sub.iterdir()):
                if path.is_file() and len(path.name) == 64 and "." not in path.name:
                    yield path


class BlobRepository:
    def __init__(self, db: Database, folder: Path) -> None:
        self.db = db
        self.folder = folder

    def put(self, data: bytes, mime: str, *, at: datetime, origin: str = "local") -> str:
        """Store ``data`` (once) and return its SHA-256. A local blob is queued for upload."""
        digest = sha256_hex(data)
        if self.has(digest):
            return digest
        write_blob_file(self.folder, digest, data)
        inserted = self.db.conn.execute(
            "INSERT INTO blobs (sha256, size, mime, origin, created_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(sha256) DO NOTHING",
            (digest, len(data), mime, origin, at.isoformat()),
        ).rowcount
        if inserted and origin == "local":
            self.db.conn.execute(
                "INSERT INTO blob_uploads (sha256) VALUES (?) ON CONFLICT(sha256) DO NOTHING",
                (digest,),
            )
        return digest

    def get(self, sha256: str) -> bytes | None:
        """The blob's bytes; None when it is not listed, or its file is missing or damaged
        (``check`` reports those)."""
        if not self.has(sha256):
            return None
        try:
            data = blob_path(self.folder, sha256).read_bytes()
        except OSError:
            return None
        return data if sha256_hex(data) == sha256 else None

    def has(self, sha256: str) -> bool:
        row = self.db.conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None

    def info(self, sha256: str) -> BlobInfo | None:
        row = self.db.conn.execute(
            "SELECT sha256, size, mime, origin, created_at FROM blobs WHERE sha256 = ?",
            (sha256,),
        ).fetchone()
        return BlobInfo(*row) if row else None

    def problems(self) -> list[str]:
        """Listed blobs whose file is missing or does not hash to its name (for ``check``)."""
        found = []
        for (digest,) in self.db.conn.execute("SELECT sha256 FROM blobs ORDER BY rowid"):
            try:
                data = blob_path(self.folder, digest).read_bytes()
            except OSError:
                found.append(f"scan {digest[:12]}: missing file")
                continue
            if sha256_hex(data) != digest:
                found.append(f"scan {digest[:12]}: damaged file")
        return found

    def unlisted_files(self) -> list[Path]:
        """Blob files no row lists (left by a transaction that rolled back)."""
        listed = {r[0] for r in self.db.conn.execute("SELECT sha256 FROM blobs")}
        return [p for p in iter_blob_files(self.folder) if p.name not in listed]


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
