"""Attachment endpoints: status, chunked upload and download, scoped to the caller's office.

See :mod:`sync_protocol.attachments` for the wire contract and
:mod:`province_server.attachments.service` for what is stored and guaranteed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from province_server.attachments import service
from province_server.deps import PoolDep, StationDep
from province_server.errors import ApiError
from province_server.http import error_responses, json_response, read_body
from sync_protocol import ErrorCodes
from sync_protocol.attachments import (
    ATTACHMENT_TOO_LARGE,
    DEFAULT_MIME,
    HASH_MISMATCH,
    MAX_ATTACHMENT_BYTES,
    MAX_CHUNK_BYTES,
    MIME_HEADER,
    SIZE_HEADER,
    UPLOAD_QUOTA_EXCEEDED,
    AttachmentStatus,
    OffsetConflict,
    is_mime,
    is_sha256,
)

router = APIRouter(tags=["attachments"])
Sha256 = Annotated[
    str,
    Path(
        min_length=64,
        max_length=64,
        pattern="^[0-9a-f]{64}$",
        description="SHA-256, lower-case hex",
    ),
]


def _checked(sha256: str) -> str:
    if not is_sha256(sha256):
        raise ApiError(400, ErrorCodes.MALFORMED, "sha256: 64 lower-case hex digits expected")
    return sha256


def _declared_size(request: Request) -> int:
    text = request.headers.get(SIZE_HEADER, "").strip()
    if not text.isascii() or not text.isdigit():
        raise ApiError(400, ErrorCodes.MALFORMED, f"{SIZE_HEADER}: the total size is required")
    size = int(text)
    if size > MAX_ATTACHMENT_BYTES:
        raise ApiError(413, ATTACHMENT_TOO_LARGE, f"larger than {MAX_ATTACHMENT_BYTES} bytes")
    return size


@router.get(
    "/attachments/{sha256}",
    summary="What the server holds of an attachment of the caller's office",
    description=(
        "An `AttachmentStatus`: `size` (null when nothing was received), `received` (the "
        "offset the next chunk must start at) and `complete` (every byte stored, SHA-256 "
        "checked). A blob of another office is not visible: it reads as nothing received."
    ),
    response_model=None,
    responses={200: {"model": AttachmentStatus}, **error_responses(400, 401, 426)},
)
def attachment_status(station: StationDep, pool: PoolDep, sha256: Sha256) -> Response:
    with pool.connection() as conn:
        found = service.status(conn, station, _checked(sha256))
    return json_response(found.to_json())


@router.put(
    "/attachments/{sha256}/chunks",
    summary="Upload the bytes of an attachment from an offset",
    description=(
        f"The raw bytes `[offset, offset+length)` of the blob (at most {MAX_CHUNK_BYTES} per "
        f"request), its total size in `{SIZE_HEADER}` and its media type in `{MIME_HEADER}`. "
        "Stored only at the server's current offset, in one transaction with the new offset: "
        "the answer is the new `AttachmentStatus`. Another offset (a retry of a chunk already "
        "stored, a duplicate) gets 409 `offset_mismatch` with the server's status, and stores "
        "nothing. The last chunk is checked against the SHA-256 of the whole; a mismatch "
        "discards every byte received and answers 422 `hash_mismatch`. A station stores at "
        "most `PROVINCE_UPLOAD_QUOTA_MB` per day (Vietnam time): a chunk past it gets 429 "
        "`upload_quota_exceeded` with `Retry-After` (seconds to the next day) and stores "
        "nothing."
    ),
    response_model=None,
    responses={
        200: {"model": AttachmentStatus},
        409: {"model": OffsetConflict},
        **error_responses(400, 401, 413, 422, 426, 429),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
        },
        "parameters": [
            {
                "name": SIZE_HEADER,
                "in": "header",
                "required": True,
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ATTACHMENT_BYTES},
                "description": "the total size of the blob in bytes",
            },
            {
                "name": MIME_HEADER,
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 100},
                "description": f"its media type, `type/subtype` (default {DEFAULT_MIME})",
            },
        ],
    },
)
async def put_chunk(
    request: Request,
    station: StationDep,
    pool: PoolDep,
    sha256: Sha256,
    offset: Annotated[int, Query(ge=0, le=MAX_ATTACHMENT_BYTES)],
) -> Response:
    sha256 = _checked(sha256)
    size = _declared_size(request)
    mime = request.headers.get(MIME_HEADER, DEFAULT_MIME).strip().lower()
    if not is_mime(mime):
        raise ApiError(400, ErrorCodes.MALFORMED, f"{MIME_HEADER}: type/subtype expected")
    data = await read_body(request, MAX_CHUNK_BYTES)
    if offset + len(data) > size or (not data and size > 0):
        raise ApiError(400, ErrorCodes.MALFORMED, "the chunk is empty or ends past the size")

    quota: int = request.app.state.settings.upload_quota_bytes

    def store() -> service.ChunkResult:
        with pool.connection() as conn:
            return service.put_chunk(
                conn,
                station,
                sha256=sha256,
                offset=offset,
                size=size,
                mime=mime,
                data=data,
                quota=quota,
            )

    try:
        result = await run_in_threadpool(store)
    except service.QuotaExceededError as exceeded:
        raise ApiError(
            429,
            UPLOAD_QUOTA_EXCEEDED,
            "this station stored its quota of attachment bytes for today",
            headers={"Retry-After": str(exceeded.retry_after)},
        ) from None
    if result.outcome is service.ChunkOutcome.HASH_MISMATCH:
        raise ApiError(422, HASH_MISMATCH, "the bytes received do not match the SHA-256")
    if result.outcome is service.ChunkOutcome.CONFLICT:
        detail = f"the next chunk starts at {result.status.received}"
        return json_response(OffsetConflict(result.status, detail=detail).to_json(), 409)
    return json_response(result.status.to_json())


@router.get(
    "/attachments/{sha256}/content",
    summary="The bytes of a complete attachment of the caller's office",
    description=(
        "The whole blob, with its `Content-Length` (a client shows its progress from it). "
        "403 `forbidden_agency` when only another office holds it (a station reads only its "
        "own office's attachments); 404 when the office has no complete copy (yet)."
    ),
    response_model=None,
    responses={
        200: {"content": {"application/octet-stream": {}}},
        **error_responses(400, 401, 403, 404, 426),
    },
)
def attachment_content(station: StationDep, pool: PoolDep, sha256: Sha256) -> Response:
    sha256 = _checked(sha256)
    with pool.connection() as conn:
        found = service.content(conn, station, sha256)
        foreign = found is None and service.held_by_another_office(conn, station, sha256)
    if foreign:
        raise ApiError(403, ErrorCodes.FORBIDDEN_AGENCY, "this attachment is of another office")
    if found is None:
        raise ApiError(404, ErrorCodes.NOT_FOUND, "no complete attachment with this SHA-256")
    data, mime = found
    return Response(content=data, media_type=mime, headers={"X-Attachment-Sha256": sha256})
