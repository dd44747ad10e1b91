"""Sync endpoints: push, pull and the dossier look-up, all scoped to the station's agency."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from province_server.boundary import checked_text
from province_server.deps import PoolDep, StationDep
from province_server.errors import ApiError
from province_server.http import JSON, error_responses, json_response, read_body
from province_server.sync import service
from sync_protocol import (
    DICT_ENCODING,
    MAX_BATCH_BYTES,
    MAX_COMPRESSED_BYTES,
    MAX_PULL_LIMIT,
    PUSH_ENCODINGS,
    DossierResponse,
    ErrorCodes,
    ProtocolError,
    PullResponse,
    PushResponse,
    decode_push,
)

router = APIRouter(tags=["sync"])
MAX_CODE = 80


@router.post(
    "/sync/push",
    summary="Push a batch of the station's events",
    description=(
        "The body is a `PushRequest` as compressed JSON, at most "
        f"{MAX_BATCH_BYTES} bytes before compression: `Content-Encoding: {DICT_ENCODING}` "
        "(zlib deflate with the preset dictionary `sync_protocol/zdict/v1.txt`, what counters "
        "send) or `gzip` (older counters); any other encoding gets 415 "
        "`unsupported_encoding`. The answer has one result per "
        "event, in request order: `accepted` (stored now) or `duplicate` (stored before) "
        "both mean durably committed; `rejected` carries a reason (`forbidden_agency`, "
        "`wrong_station` (neither the caller's event nor one of another enrolled station of "
        "its office, which it may relay from the office LAN), `duplicate_code`, "
        "`unknown_dossier`, `invalid_event`, "
        "`foreign_code`: the code does not carry the station's prefix) and nothing "
        "of that event is stored. The batch is one transaction, committed before answering."
    ),
    response_model=None,
    responses={200: {"model": PushResponse}, **error_responses(400, 401, 403, 413, 415, 426)},
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": (
                f"JSON of a PushRequest, compressed as Content-Encoding says ({DICT_ENCODING} "
                "or gzip)"
            ),
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}
            },
        }
    },
)
async def push(request: Request, station: StationDep, pool: PoolDep) -> Response:
    encoding = request.headers.get("content-encoding", "").strip().lower()
    if encoding not in PUSH_ENCODINGS:
        accepted = " or ".join(PUSH_ENCODINGS)
        raise ApiError(415, ErrorCodes.UNSUPPORTED_ENCODING, f"push bodies must be {accepted}")
    body = await read_body(request, MAX_COMPRESSED_BYTES)
    try:
        batch = decode_push(body, encoding=encoding)
    except ProtocolError as error:
        status = 413 if error.code == ErrorCodes.BATCH_TOO_LARGE else 400
        raise ApiError(status, error.code, error.detail) from None

    def store() -> PushResponse:
        with pool.connection() as conn:
            return service.push(conn, station, batch)

    return json_response((await run_in_threadpool(store)).to_json())


@router.get(
    "/sync/pull",
    summary="Pull the agency's events after a cursor",
    description=(
        "Events of the caller's agency whose server sequence is greater than `cursor`, "
        "oldest first, at most `limit`. The answer's `cursor` is the sequence of the last "
        "event returned; `has_more` says another page waits. The station's own events are "
        "included: it ignores what it already holds."
    ),
    response_model=None,
    responses={200: {"model": PullResponse}, **error_responses(400, 401, 426)},
)
def pull(
    station: StationDep,
    pool: PoolDep,
    cursor: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = 500,
) -> Response:
    with pool.connection() as conn:
        page = service.pull_page(conn, station, cursor=cursor, limit=limit)
    return Response(content=page, media_type=JSON)


@router.get(
    "/dossiers/{code}",
    summary="A dossier of the caller's agency by its code",
    description=(
        "Every event of the dossier in server order. 404 both for a code no dossier holds and "
        "for a dossier of another office (the answer never tells whether another office holds "
        "a code); 400 for a code with a control character, a bidirectional mark or a lone "
        "surrogate."
    ),
    response_model=None,
    responses={200: {"model": DossierResponse}, **error_responses(400, 401, 404, 426)},
)
def dossier(
    station: StationDep, pool: PoolDep, code: Annotated[str, Path(max_length=MAX_CODE)]
) -> Response:
    code = checked_text(code, "code", max_len=MAX_CODE)
    with pool.connection() as conn:
        found = service.dossier(conn, station, code)
    return json_response(found.to_json())
