"""HTTP side of attachment sync, over the station's :class:`HttpSyncClient` connection.

Same headers, token and failure mapping as the event sync (``HttpSyncClient._send``): no
connection / timeout / 502-504 → SYNC_UNREACHABLE, 401 → SYNC_UNAUTHORIZED, 426 →
SYNC_PROTOCOL_MISMATCH. Besides: a chunk refused at its offset (409) is not an error, the
answer is the server's status; 413 and 422 → ATTACHMENT_REJECTED; the station's daily upload
quota used up (429 ``upload_quota_exceeded``) → ATTACHMENT_QUOTA_EXCEEDED, which ends the
round (the next day's rounds go on); a blob the server does not serve to this station (404) →
ATTACHMENT_NOT_FOUND; any other answer → SYNC_SERVER_ERROR.
"""

from __future__ import annotations

import httpx

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.sync.client import HttpSyncClient, _error_code
from sync_protocol import ProtocolError, loads
from sync_protocol.attachments import (
    DEFAULT_MIME,
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

    def attachment_content(self, sha256: str) -> tuple[bytes, str]:
        # Already-compressed scans: no gzip on the way down.
        response = self.sync._send(
            "GET", f"/attachments/{sha256}/content", headers={"Accept-Encoding": "identity"}
        )
        if response.status_code in (403, 404):
            raise DomainError(ErrorCode.ATTACHMENT_NOT_FOUND, sha256=sha256)
        if response.status_code != 200:
            raise DomainError(
                ErrorCode.SYNC_SERVER_ERROR,
                detail=f"{response.status_code} {_error_code(response)}",
            )
        mime = response.headers.get("content-type", "").split(";")[0].strip().lower()
        return response.content, mime if is_mime(mime) else DEFAULT_MIME


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
