"""Poisoned events (issue 17): what the old server accepted and what then stopped an office.

Pushed by another station of the office, the new server refuses each of them with a reason;
put straight into the server's database (as an old server stored them), they reach the
stations, which keep syncing (the cursor moves, reference data still arrives, their own new
dossiers still travel) and list the dossiers in conflict.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from counter_app.cli.conflicts_cmd import conflict_list
from counter_app.cli.main import main
from counter_app.domain.codes import make_code
from counter_app.domain.errors import DomainError
from counter_app.services.station import StationContext
from counter_app.sync.client import HttpSyncClient
from counter_app.sync.engine import run_sync, sync_settings
from sync_protocol import EventWire, PushRequest, PushStatus
from tests.server.conftest import EnrolledStation
from tests.server.helpers import receive
from tests.server.test_reference import admin

pytestmark = pytest.mark.server


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client() as client:
        yield client


def client(ctx: StationContext, http: httpx.Client) -> HttpSyncClient:
    settings = sync_settings(ctx)
    return HttpSyncClient(settings["url"], settings["token"], http)


def sync(ctx: StationContext, http: httpx.Client) -> Any:
    report = run_sync(ctx, client(ctx, http))
    assert report.ok, report.errors
    return report


def good_payload(ctx: StationContext) -> dict[str, Any]:
    """The payload of a real reception of ``ctx`` (the one it stored last)."""
    row = ctx.store.db.conn.execute(
        "SELECT payload FROM events WHERE kind = 'received' ORDER BY rowid DESC LIMIT 1"
    ).fetchone()
    # as sent: the catalogue texts the stored form leaves out written back
    payload: dict[str, Any] = ctx.store.dossiers.checklists.with_texts(json.loads(row[0]))
    return payload


class Forger:
    """Events in a station's name with sequence numbers it never used."""

    def __init__(self, ctx: StationContext) -> None:
        self.ctx = ctx
        self.seq = 1_000_000

    def event(self, dossier_uuid: str, kind: str, payload: dict[str, Any]) -> EventWire:
        self.seq += 1
        return EventWire(
            uuid=str(uuid.uuid4()),
            dossier_uuid=dossier_uuid,
            kind=kind,
            station_id=self.ctx.office().station_id,
            seq=self.seq,
            officer="canbo",
            at=self.ctx.clock.now().isoformat(),
            payload=payload,
        )


def test_the_new_server_refuses_what_the_old_one_accepted_with_a_reason(
    enrolled_station: EnrolledStation, pg: psycopg.Connection, http: httpx.Client
) -> None:
    a, b = enrolled_station("a"), enrolled_station("b")
    (dossier,) = receive(a)
    sync(a, http)
    agency = b.office().agency_id
    good = good_payload(a)
    forge = Forger(b)
    b_code = str(
        make_code(
            agency_id=agency,
            day=b.clock.now().date(),
            prefix=b.office().station_prefix,
            counter=99,
        )
    )
    cases = {
        "missing_field:code": ("received", {"agency_id": agency, "code": None}),
        "missing_field:procedure_code": ("received", {"agency_id": agency, "code": b_code}),
        "invalid_event:applicant": ("received", {**good, "code": b_code, "applicant": "Nguyễn"}),
        "text_too_long:applicant.name": (
            "received",
            {**good, "code": b_code, "applicant": {**good["applicant"], "name": "x" * 200_000}},
        ),
        "invalid_text:applicant.name": (
            "received",
            {**good, "code": b_code, "applicant": {**good["applicant"], "name": "A\u202eB\x01"}},
        ),
    }
    events = [forge.event(str(uuid.uuid4()), kind, p) for kind, p in cases.values()]
    follow_ups = {
        "missing_field:new_due_at": ("apology_issued", {}),
        "unknown_kind:kind": ("deleted", {}),
        "duplicate_dossier": ("received", {**good, "code": b_code}),
    }
    events += [forge.event(dossier.uuid, kind, p) for kind, p in follow_ups.values()]
    fine = forge.event(dossier.uuid, "slip_printed", {"form": "receipt", "reprint": True})
    before = pg.execute("SELECT count(*) FROM events").fetchone()
    answer = client(b, http).push(
        PushRequest(str(uuid.uuid4()), b.office().station_id, (*events, fine))
    )
    results = {r.uuid: r for r in answer.results}
    expected = [*cases, *follow_ups]
    assert [results[e.uuid].reason for e in events] == expected
    assert all(results[e.uuid].status is PushStatus.REJECTED for e in events)
    assert results[fine.uuid].status is PushStatus.ACCEPTED  # the rest of the batch goes on
    after = pg.execute("SELECT count(*) FROM events").fetchone()
    assert after[0] == before[0] + 1  # nothing of a refused event is stored

    nul = forge.event(str(uuid.uuid4()), "received", {**good, "code": b_code, "x": "a\x00"})
    with pytest.raises(DomainError):  # a body PostgreSQL cannot store: 400, nothing stored
        client(b, http).push(PushRequest(str(uuid.uuid4()), b.office().station_id, (nul,)))
    assert pg.execute("SELECT count(*) FROM events").fetchone() == after


def _store_as_old_server(
    pg: psycopg.Connection, station: StationContext, event: EventWire, *, new: bool
) -> None:
    agency = station.office().agency_id
    if new:
        pg.execute(
            "INSERT INTO dossiers (uuid, agency_id, code, station_id, owner_agency)"
            " VALUES (%s, %s, %s, %s, %s)",
            (event.dossier_uuid, agency, event.payload.get("code"), event.station_id, agency),
        )
    pg.execute(
        "INSERT INTO events (uuid, dossier_uuid, agency_id, kind, station_id, station_seq,"
        " officer, at, at_text, payload, batch_id) VALUES"
        " (%s, %s, %s, %s, %s, %s, %s, %s::timestamptz, %s, %s::jsonb, %s)",
        (
            event.uuid,
            event.dossier_uuid,
            agency,
            event.kind,
            event.station_id,
            event.seq,
            event.officer,
            event.at,
            event.at,
            json.dumps(event.payload),
            str(uuid.uuid4()),
        ),
    )


def test_poison_stored_by_an_old_server_sets_dossiers_aside_and_sync_goes_on(
    enrolled_station: EnrolledStation,
    pg: psycopg.Connection,
    http: httpx.Client,
    province_db: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    a, b = enrolled_station("a"), enrolled_station("b")
    (dossier,) = receive(a)
    sync(a, http)
    sync(b, http)
    good = good_payload(a)
    agency = b.office().agency_id
    forge = Forger(b)
    poison = {
        "null code": forge.event(
            str(uuid.uuid4()), "received", {"agency_id": agency, "code": None}
        ),
        "control in a name": forge.event(
            str(uuid.uuid4()),
            "received",
            {**good, "code": "X-1", "applicant": {**good["applicant"], "name": "A\x01B"}},
        ),
    }
    for event in poison.values():
        _store_as_old_server(pg, b, event, new=True)
    bad_follow_up = forge.event(dossier.uuid, "apology_issued", {})  # KeyError before
    _store_as_old_server(pg, b, bad_follow_up, new=False)
    admin(province_db, "set-office", "--agency", agency, "--unit-name", "UBND XÃ SAU SỰ CỐ")
    (later,) = receive(a)

    for station in (a, b, a, b):  # twice each: the second round must find nothing stuck
        sync(station, http)
    top = pg.execute("SELECT max(seq) FROM events WHERE agency_id = %s", (agency,)).fetchone()
    for station in (a, b):
        assert station.store.sync.cursor() == top[0]  # the cursor moved past the poison
        assert station.office().unit_name == "UBND XÃ SAU SỰ CỐ"  # reference data arrived
        assert station.store.dossiers.by_uuid(later.uuid) is not None  # dossiers still travel
        kept = station.store.dossiers.by_uuid(dossier.uuid)
        assert kept is not None and kept.status == dossier.status  # its good part stays
        listed = {d["dossier_uuid"]: d for d in conflict_list(station)}
        assert set(listed) == {e.dossier_uuid for e in poison.values()} | {dossier.uuid}
        reasons = {e["uuid"]: e["reason"] for d in listed.values() for e in d["events"]}
        assert reasons[poison["null code"].uuid] == "missing_field:code"
        assert reasons[poison["control in a name"].uuid] == "invalid_text:applicant.name"
        assert reasons[bad_follow_up.uuid] == "missing_field:new_due_at"
        assert listed[dossier.uuid]["code"] == dossier.code
        assert listed[dossier.uuid]["events"][0]["kind"] == "apology_issued"
        assert listed[dossier.uuid]["events"][0]["officer"] == "canbo"

    a.store.close()  # the command line opens the station itself
    assert main(["--data-dir", str(tmp_path / "a"), "conflicts", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert {d["dossier_uuid"] for d in printed} == set(listed)
