"""Attachments of protocol v1: scans and signed files, content-addressed by SHA-256.

Attachments travel separately from events (an event only names a blob by its ``sha256``):

- ``GET  /api/v1/attachments/{sha256}``: the :class:`AttachmentStatus` of that blob in the
  caller's office (``received`` 0 and ``size`` null when the server has nothing of it);
- ``PUT  /api/v1/attachments/{sha256}/chunks?offset=N``: the raw bytes ``[N, N+len)`` of the
  blob (``Content-Type: application/octet-stream``), with its total size in
  :data:`SIZE_HEADER` and its media type in :data:`MIME_HEADER`. A chunk is stored only at
  the server's current offset: the answer is the new status (200), or 409 with an
  :class:`OffsetConflict` carrying the server's status when the offset is not the server's
  one (the client continues from ``status.received``). The chunk that completes the blob is
  checked against the SHA-256 of the whole: a mismatch discards every byte received and
  answers 422 ``hash_mismatch``. A station stores at most the server's daily quota of bytes
  (``PROVINCE_UPLOAD_QUOTA_MB`` per station and per day, Vietnam time): a chunk past it gets
  429 ``upload_quota_exceeded`` with ``Retry-After`` (seconds to the next day) and stores
  nothing;
- ``GET  /api/v1/attachments/{sha256}/content``: the bytes of a complete blob of the caller's
  office, with its ``Content-Length``; 403 ``forbidden_agency`` when only another office holds
  it, 404 when the office has no complete copy (yet).

Guarantees of this module: ``from_json`` validates completely and raises
:class:`ProtocolError`; ``X.from_json(x.to_json()) == x``; :func:`is_sha256` accepts only
64 lower-case hex digits (the only form used on the wire and in storage).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sync_protocol.v1 import ProtocolError, _bool, _fail, _int, _obj, _str

CHUNK_SIZE = 256 * 1024  # what the counter sends per request
MAX_CHUNK_BYTES = 1024 * 1024  # what the server accepts per request
MAX_ATTACHMENT_BYTES = 128 * 1024 * 1024  # one scanned or signed document
SIZE_HEADER = "X-Attachment-Size"
MIME_HEADER = "X-Attachment-Type"
DEFAULT_MIME = "application/octet-stream"
OFFSET_CONFLICT = "offset_mismatch"  # 409
HASH_MISMATCH = "hash_mismatch"  # 422
ATTACHMENT_TOO_LARGE = "attachment_too_large"  # 413
# 429 (with Retry-After): the station stored its quota of bytes for the day (Vietnam time)
UPLOAD_QUOTA_EXCEEDED = "upload_quota_exceeded"
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$", re.ASCII)
_MIME_RE = re.compile(r"^[a-z0-9][a-z0-9.+\-]{0,63}/[a-z0-9][a-z0-9.+\-]{0,63}$", re.ASCII)


def is_sha256(value: str) -> bool:
    """True for a SHA-256 as written on the wire: 64 lower-case hexadecimal digits."""
    return bool(_SHA256_RE.match(value))


def is_mime(value: str) -> bool:
    """True for a plain ``type/subtype`` media type (lower case, no parameters)."""
    return bool(_MIME_RE.match(value))


@dataclass(frozen=True, slots=True)
class AttachmentStatus:
    """What the server holds of one blob in the caller's office.

    ``size`` is None when nothing was received yet; ``received`` is the number of leading
    bytes stored (the offset the next chunk must start at); ``complete`` means every byte is
    stored and the SHA-256 of the whole was checked.
    """

    sha256: str
    size: int | None
    received: int
    complete: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "size": self.size,
            "received": self.received,
            "complete": self.complete,
        }

    @classmethod
    def from_json(cls, value: Any) -> AttachmentStatus:
        data = _obj(value, "attachment status")
        sha256 = _str(data, "sha256", max_len=64)
        if not is_sha256(sha256):
            raise _fail("sha256: 64 lower-case hex digits expected")
        size = None if data.get("size") is None else _int(data, "size", high=MAX_ATTACHMENT_BYTES)
        received = _int(data, "received", high=MAX_ATTACHMENT_BYTES)
        complete = _bool(data, "complete")
        if size is None and (received or complete):
            raise _fail("size: required once bytes were received")
        if size is not None and received > size:
            raise _fail("received: more than size")
        if complete and received != size:
            raise _fail("complete: every byte must be received")
        return cls(sha256=sha256, size=size, received=received, complete=complete)


@dataclass(frozen=True, slots=True)
class OffsetConflict:
    """The 409 answer to a chunk sent at another offset than the server's."""

    status: AttachmentStatus
    code: str = OFFSET_CONFLICT
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "detail": self.detail, "status": self.status.to_json()}

    @classmethod
    def from_json(cls, value: Any) -> OffsetConflict:
        data = _obj(value, "offset conflict")
        code = _str(data, "code")
        if code != OFFSET_CONFLICT:
            raise ProtocolError(code, "not an offset conflict")
        detail = data.get("detail", "")
        return cls(
            status=AttachmentStatus.from_json(data.get("status")),
            code=code,
            detail=detail[:500] if isinstance(detail, str) else "",
        )
