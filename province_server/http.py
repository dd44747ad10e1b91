"""Small HTTP helpers shared by the routers: JSON answers, bounded body reading."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response

from province_server.errors import ApiError
from sync_protocol import ErrorBody, ErrorCodes, dumps

JSON = "application/json"


def json_response(value: dict[str, Any], status: int = 200) -> Response:
    return Response(content=dumps(value).encode("utf-8"), status_code=status, media_type=JSON)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for error answers (all carry an ErrorBody)."""
    return {status: {"model": ErrorBody} for status in statuses}


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) more than ``limit`` bytes without reading it all."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, ErrorCodes.BATCH_TOO_LARGE, f"body larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, ErrorCodes.BATCH_TOO_LARGE, f"body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
