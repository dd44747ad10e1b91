"""Office LAN sync with the real province server (issue 15 item 1): the office secret comes
with the enrolment, and a counter relays the events it learned from a peer; whichever
reaches the province first stores them, the other gets ``duplicate``."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import psycopg
import pytest

from counter_app.domain.clock import FixedClock
from counter_app.services import intake
from counter_app.services.station import StationContext
from counter_app.storage.station_secrets import office_secret
from counter_app.sync.engine import run_sync
from counter_app.sync.lan.engine import PeerAddress, lan_sync
from counter_app.sync.lan.server import PeerServer
from province_server.testing import ServerProcess
from sync_protocol.lan import normalise_secret
from tests.conftest import make_applicant
from tests.server.conftest import EnrolledStation, client_for, new_agency

pytestmark = pytest.mark.server


@pytest.fixture
def peer_servers(clock: FixedClock) -> Iterator[list[PeerServer]]:
    servers: list[PeerServer] = []
    yield servers
    for server in servers:
        server.stop()


def _serve(ctx: StationContext, clock: FixedClock, servers: list[PeerServer]) -> PeerAddress:
    server = PeerServer(ctx.store.data_dir, clock=clock, host="127.0.0.1", port=0)
    server.start()
    servers.append(server)
    return PeerAddress(f"127.0.0.1:{server.port}")


def _receive(ctx: StationContext) -> str:
    request = intake.ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    return intake.receive_dossier(ctx, request, officer="canbo")[0].uuid


def _stored(pg: psycopg.Connection, dossier_uuid: str) -> list[tuple[str, str]]:
    rows = pg.execute(
        "SELECT e.uuid::text, d.station_id::text FROM events e JOIN dossiers d"
        " ON d.uuid = e.dossier_uuid WHERE e.dossier_uuid = %s",
        (dossier_uuid,),
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def test_an_event_learned_on_the_lan_reaches_the_province_once_from_whoever_is_first(
    enrolled_station: EnrolledStation,
    server: ServerProcess,
    pg: psycopg.Connection,
    clock: FixedClock,
    peer_servers: list[PeerServer],
) -> None:
    agency = new_agency()
    a, b = enrolled_station("a", agency), enrolled_station("b", agency)
    secret = office_secret(a.store.data_dir)
    assert secret and normalise_secret(secret) and office_secret(b.store.data_dir) == secret
    dossier = _receive(a)  # A is offline: its event waits in its outbox
    report = lan_sync(b, [_serve(a, clock, peer_servers)])
    assert report.pulled == 1 and b.store.sync.relays_waiting() == 1
    with httpx.Client() as http:
        relayed = run_sync(b, client_for(b, http))
        assert relayed.ok and relayed.pushed == 1 and relayed.rejected == 0
        assert b.store.sync.relays_waiting() == 0
        [(event, maker)] = _stored(pg, dossier)
        assert maker == a.office().station_id  # the receiving station stays A, not B
        late = run_sync(a, client_for(a, http))
        assert late.ok and late.pushed == 0 and late.duplicates == 1
    assert a.store.sync.waiting() == 0
    assert _stored(pg, dossier) == [(event, maker)]


def test_a_station_of_another_office_cannot_relay(
    enrolled_station: EnrolledStation,
    server: ServerProcess,
    pg: psycopg.Connection,
    clock: FixedClock,
    peer_servers: list[PeerServer],
) -> None:
    a, intruder = enrolled_station("a", new_agency()), enrolled_station("x", new_agency())
    dossier = _receive(a)
    # the intruder got A's events somehow (its secret is another office's: it is refused on
    # the LAN, so they are handed over by hand here) and pushes them as relays
    events = a.store.dossiers.events_of(dossier)
    with intruder.store.db.atomic():
        intruder.store.sync.insert_remote_events(events)
        intruder.store.sync.queue_relays([e.uuid for e in events], at=clock.now())
    assert lan_sync(intruder, [_serve(a, clock, peer_servers)]).failed == 1
    with httpx.Client() as http:
        pushed = run_sync(intruder, client_for(intruder, http))
    assert pushed.pushed == 0 and pushed.rejected == 1
    assert _stored(pg, dossier) == []
    assert intruder.store.sync.relays_waiting() == 0  # refused: kept aside, not re-sent
