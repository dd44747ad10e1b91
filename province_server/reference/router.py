"""GET /api/v1/reference: the reference data that changed after the station's version."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from province_server.deps import PoolDep, StationDep
from province_server.http import error_responses, json_response
from province_server.reference import service
from province_server.stations.router import bundle_public_key, station_lookup_url
from sync_protocol import ReferenceResponse

router = APIRouter(tags=["reference"])


@router.get(
    "/reference",
    summary="Reference data changed after a version",
    description=(
        "What the province published after reference version `since` (0: everything): "
        "the procedure catalogue (records in the format of `procedures.json`), the "
        "working-day calendar per year (confirmed or estimated, days off, make-up working "
        "days), the office names of the caller's agency and the officer accounts of the "
        "caller's office (username, full name, role, argon2 hash, active). The answer's "
        "`version` is the newest one it covers: send it as `since` next time. Versions follow "
        "commit order, so nothing published is ever skipped. Every answer also carries "
        "`lookup_url`, the citizen status page for the slips' QR (a server setting)."
    ),
    response_model=None,
    responses={200: {"model": ReferenceResponse}, **error_responses(400, 401, 426)},
)
def reference(
    request: Request,
    station: StationDep,
    pool: PoolDep,
    since: Annotated[int, Query(ge=0, le=2**63 - 1)] = 0,
) -> Response:
    with pool.connection() as conn:
        answer = service.changes_since(conn, station.agency_id, since)
    answer = replace(
        answer, lookup_url=station_lookup_url(request), bundle_key=bundle_public_key(request)
    )
    return json_response(answer.to_json())
