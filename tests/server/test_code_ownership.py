"""Codes belong to their minter (issue 17 item 3): no station can take another's next codes.

Through the real server on loopback with PostgreSQL: a station of office A pushes received
events holding office B's code, a colleague's code, another province's code and a code too
short after its prefix: each is refused as ``foreign_code`` and nothing is stored; then the
real owners push theirs and are accepted. The push keeps each station's high-water mark, and
``province-server check-codes`` lists stored dossiers (from before the check) whose code is
not their station's.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import psycopg
import pytest

from counter_app.domain.codes import parse_code
from counter_app.services.station import StationContext
from counter_app.sync.engine import run_sync
from province_server.cli import main as server_main
from province_server.stations.ownership import code_refusal, high_water_marks
from province_server.stations.service import Station
from province_server.testing import ServerProcess
from sync_protocol import EventWire, PushRequest
from tests.server.conftest import EnrolledStation, client_for, new_agency
from tests.server.helpers import counts, local_events, receive

pytestmark = pytest.mark.server


def _forged(ctx: StationContext, template: str, *, agency: str, code: str) -> dict[str, Any]:
    """The station's own received event ``template`` re-dressed with another code."""
    _, _, kind, station_id, _, officer, at, payload = local_events(ctx)[template]
    return {
        "uuid": str(uuid.uuid4()),
        "dossier_uuid": str(uuid.uuid4()),
        "kind": kind,
        "station_id": station_id,
        "seq": 900_000 + len(code),
        "officer": officer,
        "at": at,
        "payload": {**payload, "agency_id": agency, "code": code},
    }


def _push(ctx: StationContext, events: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """Push raw events in the station's name (its own client and token)."""
    wire = tuple(EventWire(**e) for e in events)
    batch = PushRequest(str(uuid.uuid4()), ctx.office().station_id, wire)
    with httpx.Client() as http:
        answer = client_for(ctx, http).push(batch)
    return [(str(r.status), r.reason) for r in answer.results]


def _received_event(ctx: StationContext, dossier_uuid: str) -> str:
    events = local_events(ctx).values()
    return next(e[0] for e in events if e[1] == dossier_uuid and e[2] == "received")


def test_code_squatting_is_refused_and_the_real_owner_then_accepted(
    enrolled_station: EnrolledStation, server: ServerProcess, pg: psycopg.Connection
) -> None:
    squatter = enrolled_station("a1")
    colleague = enrolled_station("a2")  # another counter of office A
    office_b = enrolled_station("b1", agency=new_agency())
    (own,) = receive(squatter)
    (b_next,) = receive(office_b)  # minted at office B, not pushed yet
    (a2_next,) = receive(colleague)  # minted by the colleague, not pushed yet
    agency_a, agency_b = squatter.office().agency_id, office_b.office().agency_id
    assert own.code and b_next.code and a2_next.code
    mine = parse_code(own.code)
    day = f"{mine.day:%y%m%d}"
    prefix = squatter.office().station_prefix
    other_province = agency_a.replace(".H56", ".H55")
    template = _received_event(squatter, own.uuid)
    forged = [
        _forged(squatter, template, agency=agency_b, code=b_next.code),
        _forged(squatter, template, agency=agency_a, code=a2_next.code),
        _forged(
            squatter, template, agency=other_province, code=f"{other_province}-{day}-{prefix}0001"
        ),
        _forged(squatter, template, agency=agency_a, code=f"{agency_a}-{day}-{prefix}001"),
        _forged(squatter, template, agency=agency_b, code=f"{agency_a}-{day}-{prefix}0009"),
    ]
    before = counts(pg)
    assert _push(squatter, forged) == [("rejected", "foreign_code")] * len(forged)
    assert counts(pg) == before
    with httpx.Client() as http:
        for ctx in (office_b, colleague, squatter):
            report = run_sync(ctx, client_for(ctx, http))
            assert (report.pushed, report.rejected) == (1, 0), ctx.office().station_prefix
    held: dict[str, str] = dict(
        pg.execute(
            "SELECT code, uuid::text FROM dossiers WHERE code = ANY(%s)",
            ([own.code, b_next.code, a2_next.code],),
        ).fetchall()
    )
    assert held == {own.code: own.uuid, b_next.code: b_next.uuid, a2_next.code: a2_next.uuid}


def test_a_station_may_mint_for_any_deciding_agency_of_its_province(
    enrolled_station: EnrolledStation, pg: psycopg.Connection
) -> None:
    """Decree 118/2025: the code carries the deciding agency; the prefix is what is owned."""
    ctx = enrolled_station("commune")
    deciding = new_agency()
    mine = receive(ctx, count=3)
    for_them = receive(ctx, count=2, agency_id=deciding)
    with httpx.Client() as http:
        report = run_sync(ctx, client_for(ctx, http))
    assert (report.pushed, report.rejected) == (5, 0)
    day = parse_code(str(mine[0].code)).day
    assert high_water_marks(pg, ctx.office().station_id) == {
        (deciding, day): 2,
        (ctx.office().agency_id, day): 3,
    }
    receive(ctx, count=1)
    with httpx.Client() as http:
        assert run_sync(ctx, client_for(ctx, http)).pushed == 1
    assert high_water_marks(pg, ctx.office().station_id)[(ctx.office().agency_id, day)] == 4
    assert [parse_code(str(d.code)).agency_id for d in for_them] == [deciding] * 2


@pytest.mark.parametrize(
    ("code", "refused"),
    [
        ("000.00.19.H56-260213-070001", False),
        ("000.00.19.H56-260213-0710000", False),  # the 10,000th of the day widens
        ("000.00.19.H56-260213-080001", True),  # another station's prefix
        ("000.00.19.H56-260213-07001", True),  # fewer than 4 digits after the prefix
        ("000.00.19.H56-260213-070000", True),  # counters start at 1
        ("000.00.19.H56-260230-070001", True),  # no such day
        ("000.00.18.H56-260213-070001", True),  # not the agency the event names
        ("000.00.19.h56-260213-070001", True),
        ("000.00.19.H56-260213-070001\n", True),
    ],
)
def test_code_refusal_rules(code: str, refused: bool) -> None:
    station = Station(str(uuid.uuid4()), "000.00.20.H56", "07")
    reason = code_refusal(station, "received", "000.00.19.H56", code)
    assert (reason == "foreign_code") is refused
    assert code_refusal(station, "received", "000.00.19.H56", None) == "invalid_event"
    assert code_refusal(station, "guided", "000.00.19.H56", None) is None


def test_check_codes_lists_stored_dossiers_whose_code_is_not_their_stations(
    enrolled_station: EnrolledStation,
    pg: psycopg.Connection,
    province_db: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ctx = enrolled_station("old-data")
    (real,) = receive(ctx)
    with httpx.Client() as http:
        assert run_sync(ctx, client_for(ctx, http)).pushed == 1
    office = ctx.office()
    other = "99" if office.station_prefix != "99" else "98"
    squatted = f"{office.agency_id}-260213-{other}4321"  # stored before the check existed
    forged_uuid = str(uuid.uuid4())
    pg.execute(
        "INSERT INTO dossiers (uuid, agency_id, code, station_id, owner_agency) "
        "VALUES (%s, %s, %s, %s, %s)",
        (forged_uuid, office.agency_id, squatted, office.station_id, office.agency_id),
    )
    monkeypatch.setenv("PROVINCE_DATABASE_URL", province_db)
    assert server_main(["check-codes"]) == 0
    report = json.loads(capsys.readouterr().out)
    listed = {d["code"]: d for d in report["dossiers"]}
    assert report["foreign_codes"] == len(listed)
    assert listed[squatted] == {
        "code": squatted,
        "dossier_uuid": forged_uuid,
        "station_id": office.station_id,
        "station_prefix": office.station_prefix,
        "owner_agency": office.agency_id,
    }
    assert real.code not in listed
