"""HTTP side of attachment sync, over the station's :class:`HttpSyncClient` connection.

Same headers, token and failure mapping as the event sync (``HttpSyncClient._send``): no
connection / timeout / 502-504 → SYNC_UNREACHABLE, 401 → SYNC_UNAUTHORIZED, 426 →
SYNC_PROTOCOL_MISMATCH. Besides: a chunk refused at its offset (409) is not an error, the
answer is the server's status; 413 and 422 → ATTACHMENT_REJECTED; the station's daily upload
quota used up (429 ``upload_quota_exceeded``) → ATTACHMENT_QUOTA_EXCEEDED, which ends the
round (the next day's rounds go on); a blob of another office (403) → ATTACHMENT_OTHER_OFFICE;
a blob the office has no complete copy of (404) → ATTACHMENT_NOT_FOUND; any other answer →
SYNC_SERVER_ERROR.

A download streams: ``progress(received, total)`` is called after each piece (``total`` from
the server's ``Content-Length``, None without it) and ``cancelled()`` asked; True closes the
connection and raises ATTACHMENT_FETCH_CANCELLED.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.sync.client import API, HttpSyncClient, _error_code
from sync_protocol import PROTOCOL_HEADER, ProtocolError, loads
from sync_protocol.attachments import (
    DEFAULT_MIME,
    MAX_ATTACHMENT_BYTES,
    MIME_HEADER,
    SIZE_HEADER,
    UPLOAD_QUOTA_EXCEEDED,
    AttachmentStatus,
    OffsetConflict,
    is_mime,
)


class HttpAttachmentClient:
    """Attachment calls of one station (``AttachmentReport`` counts what a round sent)."""

    def __init__(self, sync_client: HttpSyncClient) -> None:
        self.sync = sync_client

    def attachment_status(self, sha256: str) -> AttachmentStatus:
        response = self.sync._send("GET", f"/attachments/{sha256}")
        return _status(response, sha256, accept=(200,))

    def put_chunk(
        self, sha256: str, *, offset: int, data: bytes, size: int, mime: str
    ) -> AttachmentStatus:
        response = self.sync._send(
            "PUT",
            f"/attachments/{sha256}/chunks",
            params={"offset": offset},
            content=data,
            headers={
                "Content-Type": "application/octet-stream",
                SIZE_HEADER: str(size),
                MIME_HEADER: mime,
            },
        )
        if response.status_code in (413, 422):
            raise DomainError(ErrorCode.ATTACHMENT_REJECTED, detail=_error_code(response))
        if response.status_code == 429 and _error_code(response) == UPLOAD_QUOTA_EXCEEDED:
            raise DomainError(ErrorCode.ATTACHMENT_QUOTA_EXCEEDED)
        return _status(response, sha256, accept=(200, 409))

    def attachment_content(
        self,
        sha256: str,
        *,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> tuple[bytes, str]:
        if not self.sync.token:
            raise DomainError(ErrorCode.SYNC_NOT_ENROLLED)
        request = self.sync.http.build_request(
            "GET",
            f"{self.sync.base_url}{API}/attachments/{sha256}/content",
            headers={
                PROTOCOL_HEADER: str(self.sync.protocol_version),
                "Authorization": f"Bearer {self.sync.token}",
                "Accept-Encoding": "identity",  # already-compressed scans: no gzip
            },
        )
        try:
            response = self.sync.http.send(request, stream=True)
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            raise DomainError(ErrorCode.SYNC_UNREACHABLE, detail=type(exc).__name__) from None
        try:
            if response.status_code != 200:
                response.read()
                raise _download_refused(response, sha256)
            data = _read_stream(response, progress, cancelled)
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            raise DomainError(ErrorCode.SYNC_UNREACHABLE, detail=type(exc).__name__) from None
        finally:
            response.close()
        mime = response.headers.get("content-type", "").split(";")[0].strip().lower()
        return data, mime if is_mime(mime) else DEFAULT_MIME


Progress = Callable[[int, int | None], None]  # (bytes received, total bytes or None)
PIECE_BYTES = 64 * 1024


def _read_stream(
    response: httpx.Response, progress: Progress | None, cancelled: Callable[[], bool] | None
) -> bytes:
    """The body, piece by piece, reporting progress; never more than the largest blob."""
    declared = response.headers.get("content-length", "")
    total = int(declared) if declared.isascii() and declared.isdigit() else None
    if total is not None and total > MAX_ATTACHMENT_BYTES:
        raise DomainError(ErrorCode.SYNC_SERVER_ERROR, detail="attachment_too_large")
    pieces: list[bytes] = []
    received = 0
    if progress is not None:
        progress(0, total)
    for piece in response.iter_bytes(PIECE_BYTES):
        if cancelled is not None and cancelled():
            raise DomainError(ErrorCode.ATTACHMENT_FETCH_CANCELLED)
        pieces.append(piece)
        received += len(piece)
        if received > MAX_ATTACHMENT_BYTES:
            raise DomainError(ErrorCode.SYNC_SERVER_ERROR, detail="attachment_too_large")
        if progress is not None:
            progress(received, total)
    if cancelled is not None and cancelled():
        raise DomainError(ErrorCode.ATTACHMENT_FETCH_CANCELLED)
    return b"".join(pieces)


def _download_refused(response: httpx.Response, sha256: str) -> DomainError:
    """The error of a download the server did not answer with the blob (as ``_send`` maps)."""
    status = response.status_code
    if status == 426:
        return DomainError(ErrorCode.SYNC_PROTOCOL_MISMATCH, server=_error_code(response))
    if status == 401:
        return DomainError(ErrorCode.SYNC_UNAUTHORIZED)
    if status in (502, 503, 504):
        return DomainError(ErrorCode.SYNC_UNREACHABLE, detail=str(status))
    if status == 403:
        return DomainError(ErrorCode.ATTACHMENT_OTHER_OFFICE, sha256=sha256)
    if status == 404:
        return DomainError(ErrorCode.ATTACHMENT_NOT_FOUND, sha256=sha256)
    return DomainError(ErrorCode.SYNC_SERVER_ERROR, detail=f"{status} {_error_code(response)}")


def _status(response: httpx.Response, sha256: str, *, accept: tuple[int, ...]) -> AttachmentStatus:
    if response.status_code not in accept:
        raise DomainError(
            ErrorCode.SYNC_SERVER_ERROR, detail=f"{response.status_code} {_error_code(response)}"
        )
    try:
        value = loads(response.content)
        if response.status_code == 409:
            status = OffsetConflict.from_json(value).status
        else:
            status = AttachmentStatus.from_json(value)
    except ProtocolError as error:
        raise DomainError(ErrorCode.SYNC_SERVER_ERROR, detail=error.code) from None
    if status.sha256 != sha256:
        raise DomainError(ErrorCode.SYNC_SERVER_ERROR, detail="attachment_mismatch")
    return status
