"""POST /api/v1/enrol: a one-time code becomes a station token."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from province_server.boundary import checked_text
from province_server.config import Settings
from province_server.deps import PoolDep, StationDep
from province_server.errors import ApiError
from province_server.http import JSON, error_responses, json_response, read_body
from province_server.stations import ownership, service
from sync_protocol import EnrolRequest, EnrolResponse, ErrorCodes, ProtocolError, loads
from sync_protocol.codes import MarksResponse

router = APIRouter(tags=["stations"])


@router.post(
    "/enrol",
    summary="Enrol a station with a one-time code",
    description=(
        "Spends a one-time enrolment code issued by the province administrator "
        "(`province-server issue-code`). Answers the station token (shown once; only its "
        "SHA-256 digest is stored), the agency identifier, the station id and its 3-digit "
        "prefix, unique in the province, `high_water` (every high-water mark of the station: "
        "the highest counter stored per deciding agency and day) and `lookup_url`, the "
        "citizen status page the station prints in each slip's QR (`PROVINCE_LOOKUP_URL`, "
        "else `PROVINCE_PUBLIC_URL` "
        "or the address the station used, followed by the lookup path). An unknown, used, "
        "expired or revoked code is refused with 403 `enrol_refused`; a body that is not JSON of "
        "an `EnrolRequest`, or a text with a control character, a bidirectional mark or a "
        "lone surrogate, with 400 `malformed` naming the field."
    ),
    response_model=None,
    responses={200: {"model": EnrolResponse}, **error_responses(400, 403, 426)},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {JSON: {"schema": {"$ref": "#/components/schemas/EnrolRequest"}}},
        }
    },
)
async def enrol(request: Request, pool: PoolDep) -> Response:
    try:
        body = EnrolRequest.from_json(loads(await read_body(request, 4096)))
    except ProtocolError as error:
        raise ApiError(400, error.code, error.detail) from None
    checked_text(body.code, "code", max_len=64)
    checked_text(body.app_version, "app_version", max_len=40)

    def spend() -> EnrolResponse | None:
        with pool.connection() as conn:
            return service.enrol(
                conn,
                body.code,
                former_prefixes=body.former_prefixes,
                former_station_ids=body.former_station_ids,
            )

    answer = await run_in_threadpool(spend)
    if answer is None:
        raise ApiError(403, ErrorCodes.ENROL_REFUSED, "unknown, used or expired enrolment code")
    lookup = station_lookup_url(request)
    bundle_key = bundle_public_key(request)  # USB sync bundles (issue 15)
    return json_response(replace(answer, lookup_url=lookup, bundle_key=bundle_key).to_json())


def station_lookup_url(request: Request) -> str:
    """The lookup address stations print (settings; default from the request's address)."""
    settings: Settings = request.app.state.settings
    return settings.public_lookup_url(str(request.base_url))


def bundle_public_key(request: Request) -> str:
    """The province's public keys for USB sync bundles ("" when none is configured)."""
    from province_server.sync.bundles import public_key_text

    settings: Settings = request.app.state.settings
    return public_key_text(settings.bundle_key_file)


@router.get(
    "/stations/marks",
    summary="Every high-water mark of the calling station",
    description=(
        "The highest counter of the codes the server stored for the caller, per deciding "
        "agency and day (`high_water`). A station that lost its data (or restored a backup) "
        "asks for them before it mints again; every pull answers those of recent days. "
        "`event_seq`: the highest event sequence number of the caller the server holds."
    ),
    response_model=None,
    responses={200: {"model": MarksResponse}, **error_responses(401, 426)},
)
def marks(station: StationDep, pool: PoolDep) -> Response:
    with pool.connection() as conn:
        found = ownership.marks_wire(conn, station.id)
        seq = ownership.last_event_seq(conn, station)
    answer = MarksResponse(found, datetime.now(UTC).isoformat(), event_seq=seq)
    return json_response(answer.to_json())
