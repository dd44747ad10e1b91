"""Attachments of an office: status, chunked upload, download (tables of Alembic r0005).

A blob is named by its SHA-256 and kept once per office (the office of the uploading station,
``Station.agency_id``); a station reads and writes only its own office's blobs.

Upload guarantees: a chunk is stored only at the blob's current ``received`` offset, and the
chunk and the new offset commit in one transaction under a row lock on the blob, so two
copies of the same request (a retry, a duplicated or late packet) can never store a byte
twice: the second one finds the offset moved and gets the current status instead. The chunk
that completes the blob is checked against the SHA-256 of the whole; on a mismatch every
byte received is discarded (the upload starts again from 0) and nothing is marked complete.
A complete blob never changes.

Quota: a station stores at most ``quota`` bytes of chunks per day, Vietnam time (table
``attachment_usage``, Alembic r0008). The bytes of a chunk are added to the day's count in
the chunk's own transaction; a chunk that would pass the quota raises :class:`QuotaExceededError`
and the transaction is rolled back, so a refused chunk stores nothing and counts nothing.
Every stored chunk counts, also one of an upload restarted later (the quota bounds what a
station can make the province store, whatever it sends).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum

import psycopg

from province_server.stations.service import Station
from sync_protocol.attachments import AttachmentStatus


class ChunkOutcome(Enum):
    STORED = "stored"  # the chunk was stored (the status may now be complete)
    CONFLICT = "conflict"  # not at the server's offset (or already complete): nothing stored
    HASH_MISMATCH = "hash_mismatch"  # the whole did not match its name: everything discarded


class QuotaExceededError(Exception):
    """The station stored its day's quota; ``retry_after``: seconds to the next day."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"upload quota exceeded, retry in {retry_after} s")
        self.retry_after = retry_after


_COUNT_USAGE = (
    "INSERT INTO attachment_usage AS u (station_id, day, bytes)"
    " VALUES (%s, (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, %s)"
    " ON CONFLICT (station_id, day) DO UPDATE SET bytes = u.bytes + EXCLUDED.bytes"
    " RETURNING bytes, ceil(EXTRACT(EPOCH FROM date_trunc('day', now() AT TIME ZONE"
    " 'Asia/Ho_Chi_Minh') + interval '1 day' - (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')))"
)


@dataclass(frozen=True, slots=True)
class ChunkResult:
    outcome: ChunkOutcome
    status: AttachmentStatus


def status(conn: psycopg.Connection, station: Station, sha256: str) -> AttachmentStatus:
    """What the caller's office holds of ``sha256`` (nothing: size None, received 0)."""
    row = conn.execute(
        "SELECT size, received, complete FROM attachments WHERE agency_id = %s AND sha256 = %s",
        (station.agency_id, sha256),
    ).fetchone()
    if row is None:
        return AttachmentStatus(sha256=sha256, size=None, received=0, complete=False)
    return AttachmentStatus(sha256=sha256, size=int(row[0]), received=int(row[1]), complete=row[2])


class _RefusedError(Exception):
    """Leaves the chunk's transaction (rolled back); ``discard``: restart the upload after."""

    def __init__(self, result: ChunkResult, *, discard: bool = False) -> None:
        super().__init__(result.outcome.value)
        self.result = result
        self.discard = discard


def put_chunk(
    conn: psycopg.Connection,
    station: Station,
    *,
    sha256: str,
    offset: int,
    size: int,
    mime: str,
    data: bytes,
    quota: int,
) -> ChunkResult:
    """Store ``data`` as bytes ``[offset, offset+len)`` of ``sha256`` (one transaction).

    The caller has checked ``offset + len(data) <= size`` and the bounds. A first chunk with
    another total size than an unfinished upload's restarts that upload (the size is part of
    what the hash names, so the old bytes were of a mistaken upload). A refused chunk changes
    nothing: its transaction is rolled back (a conflict; :class:`QuotaExceededError`, raised
    when the chunk would pass the station's ``quota`` of bytes for the day; a hash mismatch,
    after which the bytes of the earlier chunks are discarded in a second transaction, so the
    upload starts again from 0).
    """
    chunk = _Chunk(sha256, offset, size, mime, data)
    try:
        with conn.transaction():
            return _store_chunk(conn, station, chunk, quota)
    except _RefusedError as refused:
        if refused.discard:
            with conn.transaction():
                unfinished = conn.execute(
                    "SELECT 1 FROM attachments WHERE agency_id = %s AND sha256 = %s"
                    " AND NOT complete FOR UPDATE",
                    (station.agency_id, sha256),
                ).fetchone()
                if unfinished is not None:  # (a complete blob never changes)
                    _restart(conn, station.agency_id, sha256, size=size, mime=mime, station=station)
        return refused.result


@dataclass(frozen=True, slots=True)
class _Chunk:
    sha256: str
    offset: int
    size: int
    mime: str
    data: bytes


def _store_chunk(
    conn: psycopg.Connection, station: Station, chunk: _Chunk, quota: int
) -> ChunkResult:
    office = station.agency_id
    sha256, offset, size, mime, data = (
        chunk.sha256,
        chunk.offset,
        chunk.size,
        chunk.mime,
        chunk.data,
    )
    inserted = conn.execute(
        "INSERT INTO attachments (agency_id, sha256, size, mime, uploaded_by)"
        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (agency_id, sha256) DO NOTHING"
        " RETURNING true",
        (office, sha256, size, mime, station.id),
    ).fetchone()
    row = conn.execute(
        "SELECT size, received, complete FROM attachments"
        " WHERE agency_id = %s AND sha256 = %s FOR UPDATE",
        (office, sha256),
    ).fetchone()
    assert row is not None  # inserted above or already there
    held_size, received, complete = int(row[0]), int(row[1]), bool(row[2])
    before = AttachmentStatus(sha256, None, 0, False) if inserted else None
    if not complete and held_size != size and offset == 0:
        _restart(conn, office, sha256, size=size, mime=mime, station=station)
        held_size, received = size, 0
    if complete or offset != received or held_size != size:
        current = before or AttachmentStatus(sha256, held_size, received, complete)
        raise _RefusedError(ChunkResult(ChunkOutcome.CONFLICT, current))
    used = conn.execute(_COUNT_USAGE, (station.id, len(data))).fetchone()
    assert used is not None  # INSERT ... RETURNING always returns its row
    if int(used[0]) > quota:
        raise QuotaExceededError(max(1, int(used[1])))
    conn.execute(
        "INSERT INTO attachment_chunks (agency_id, sha256, byte_offset, data)"
        " VALUES (%s, %s, %s, %s)",
        (office, sha256, offset, data),
    )
    received = offset + len(data)
    if received < size:
        conn.execute(
            "UPDATE attachments SET received = %s WHERE agency_id = %s AND sha256 = %s",
            (received, office, sha256),
        )
        return ChunkResult(ChunkOutcome.STORED, AttachmentStatus(sha256, size, received, False))
    if _digest(conn, office, sha256) != sha256:
        empty = before or AttachmentStatus(sha256, size, 0, False)
        raise _RefusedError(ChunkResult(ChunkOutcome.HASH_MISMATCH, empty), discard=offset > 0)
    conn.execute(
        "UPDATE attachments SET received = %s, complete = true, completed_at = now()"
        " WHERE agency_id = %s AND sha256 = %s",
        (received, office, sha256),
    )
    return ChunkResult(ChunkOutcome.STORED, AttachmentStatus(sha256, size, received, True))


def _restart(
    conn: psycopg.Connection, office: str, sha256: str, *, size: int, mime: str, station: Station
) -> None:
    conn.execute(
        "DELETE FROM attachment_chunks WHERE agency_id = %s AND sha256 = %s", (office, sha256)
    )
    conn.execute(
        "UPDATE attachments SET size = %s, mime = %s, uploaded_by = %s, received = 0"
        " WHERE agency_id = %s AND sha256 = %s",
        (size, mime, station.id, office, sha256),
    )


def _chunks(conn: psycopg.Connection, office: str, sha256: str) -> list[bytes]:
    rows = conn.execute(
        "SELECT data FROM attachment_chunks WHERE agency_id = %s AND sha256 = %s"
        " ORDER BY byte_offset",
        (office, sha256),
    ).fetchall()
    return [bytes(r[0]) for r in rows]


def _digest(conn: psycopg.Connection, office: str, sha256: str) -> str:
    hasher = hashlib.sha256()
    for chunk in _chunks(conn, office, sha256):
        hasher.update(chunk)
    return hasher.hexdigest()


def content(conn: psycopg.Connection, station: Station, sha256: str) -> tuple[bytes, str] | None:
    """The bytes and media type of a complete blob of the caller's office (None otherwise)."""
    with conn.transaction():
        row = conn.execute(
            "SELECT mime FROM attachments WHERE agency_id = %s AND sha256 = %s AND complete",
            (station.agency_id, sha256),
        ).fetchone()
        if row is None:
            return None
        return b"".join(_chunks(conn, station.agency_id, sha256)), str(row[0])


def held_by_another_office(conn: psycopg.Connection, station: Station, sha256: str) -> bool:
    """True when another office holds a complete ``sha256`` and the caller's office does not
    (the download is refused as of another office, rather than "not uploaded yet")."""
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM attachments WHERE sha256 = %s AND agency_id <> %s"
        " AND complete) AND NOT EXISTS (SELECT 1 FROM attachments WHERE sha256 = %s"
        " AND agency_id = %s)",
        (sha256, station.agency_id, sha256, station.agency_id),
    ).fetchone()
    return bool(row and row[0])
