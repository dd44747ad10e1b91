"""Attachments travel through a faulty network: once, byte-identical, resuming after a cut.

The real uploader and HTTP client of the station, the real server (uvicorn + PostgreSQL,
tests/server fixtures) and between them :class:`FaultProxy`: a scripted run cuts precise
requests (a chunk cut mid-body, a chunk committed whose answer is lost) to show where the
upload resumes; a seeded random run goes through every fault kind during whole sync rounds
(``run_sync``: events and attachments). Then another station of the office fetches the blob,
and a station of another office is refused.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator

import httpx
import psycopg
import pytest

from counter_app.domain.clock import FixedClock
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services.station import StationContext
from counter_app.storage.blob_sync import BlobSyncRepository
from counter_app.storage.station_secrets import station_token
from counter_app.sync.attachment_client import HttpAttachmentClient
from counter_app.sync.attachments import fetch_blob, upload_pending
from counter_app.sync.client import HttpSyncClient
from counter_app.sync.engine import SyncReport, run_sync
from province_server.testing import ServerProcess
from sync_protocol.attachments import CHUNK_SIZE
from tests.server import conftest as server_fixtures
from tests.server.conftest import EnrolledStation, new_agency
from tests.server.helpers import receive, server_events
from tests.sync.fault_proxy import ALL_FAULTS, Fault, FaultProxy

pytestmark = pytest.mark.server
province_db = server_fixtures.province_db
server = server_fixtures.server
issue_code = server_fixtures.issue_code
pg = server_fixtures.pg
enrolled_station = server_fixtures.enrolled_station

SIZE = 5 * 1024 * 1024 + 12_345  # "several MB", last chunk partial
CHUNKS = -(-SIZE // CHUNK_SIZE)
SEED = 4  # a schedule where every fault kind occurs and some hit chunks
FAULT_RATE = 0.4
CLIENT_TIMEOUT_S = 1.0


class ScriptedProxy(FaultProxy):
    """The fault proxy with faults on chosen requests (numbered from 1) instead of drawn."""

    def __init__(self, upstream_port: int, script: dict[int, Fault]) -> None:
        super().__init__(upstream_port, seed=0)
        self.script = script

    def _draw(self) -> Fault:
        self.requests += 1
        fault = self.script.get(self.requests, Fault.NONE)
        self.counts[fault] += 1
        return fault


@pytest.fixture
def proxies(server: ServerProcess) -> Iterator[list[FaultProxy]]:
    started: list[FaultProxy] = []
    yield started
    for proxy in started:
        proxy.stop()


def _blob(ctx: StationContext, clock: FixedClock, seed: int, size: int = SIZE) -> bytes:
    data = random.Random(seed).randbytes(size)
    with ctx.store.db.atomic():
        ctx.store.blobs.put(data, "application/pdf", at=clock.now())
    return data


def _token(ctx: StationContext) -> str:
    token: str = station_token(ctx.store.data_dir)
    return token


def _client(ctx: StationContext, url: str, http: httpx.Client) -> HttpAttachmentClient:
    return HttpAttachmentClient(HttpSyncClient(url, _token(ctx), http))


def _server_copy(pg: psycopg.Connection, sha: str) -> tuple[list[tuple[str, int]], bytes]:
    """(agency, chunk count) per stored copy, and the bytes of the complete copies joined."""
    copies = pg.execute(
        "SELECT a.agency_id, count(c.byte_offset) FROM attachments a"
        " LEFT JOIN attachment_chunks c USING (agency_id, sha256)"
        " WHERE a.sha256 = %s AND a.complete GROUP BY a.agency_id",
        (sha,),
    ).fetchall()
    rows = pg.execute(
        "SELECT data FROM attachment_chunks WHERE sha256 = %s ORDER BY byte_offset", (sha,)
    ).fetchall()
    return [(r[0], int(r[1])) for r in copies], b"".join(bytes(r[0]) for r in rows)


def test_an_interrupted_upload_resumes_from_its_last_chunk_and_is_never_sent_twice(
    server: ServerProcess,
    enrolled_station: EnrolledStation,
    clock: FixedClock,
    pg: psycopg.Connection,
    proxies: list[FaultProxy],
) -> None:
    # Request 1 asks the status, 2.. send chunks 0..; request 7 (chunk 5) is cut mid-body,
    # then request 9 (chunk 5 again, after the status request 8) is stored by the server but
    # its answer is lost.
    proxy = ScriptedProxy(server.port, {7: Fault.DROP_REQUEST, 9: Fault.DROP_RESPONSE}).start()
    proxies.append(proxy)
    station = enrolled_station("a", url=proxy.url)
    data = _blob(station, clock, seed=1)
    sha = hashlib.sha256(data).hexdigest()
    repo = BlobSyncRepository(station.store.db, station.store.blobs)

    with httpx.Client(timeout=10) as http:
        cut = upload_pending(station, _client(station, proxy.url, http))
        assert cut.error is not None and cut.error.code is ErrorCode.SYNC_UNREACHABLE
        assert cut.chunks == 6 and cut.uploaded == 0 and cut.waiting == 1
        assert repo.acknowledged(sha) == 5 * CHUNK_SIZE  # recorded chunk by chunk

        lost = upload_pending(station, _client(station, proxy.url, http))
        assert lost.error is not None and lost.chunks == 1
        assert repo.acknowledged(sha) == 5 * CHUNK_SIZE  # the answer never came...
        received = pg.execute("SELECT received FROM attachments WHERE sha256 = %s", (sha,))
        assert received.fetchone() == (6 * CHUNK_SIZE,)  # ...but the server committed it

        resumed = upload_pending(station, _client(station, proxy.url, http))
        assert resumed.error is None and resumed.uploaded == 1 and resumed.waiting == 0
        assert resumed.bytes_sent == SIZE - 6 * CHUNK_SIZE  # from the server's offset
        assert resumed.chunks == CHUNKS - 6

        requests_before = proxy.requests
        again = upload_pending(station, _client(station, proxy.url, http))
        assert (again.chunks, again.bytes_sent, again.uploaded) == (0, 0, 0)
        assert proxy.requests == requests_before  # nothing pending: not even a status request

    total_sent = cut.bytes_sent + lost.bytes_sent + resumed.bytes_sent
    assert total_sent == SIZE + CHUNK_SIZE  # only the chunk cut mid-body went twice
    copies, stored = _server_copy(pg, sha)
    assert copies == [(station.office().agency_id, CHUNKS)]
    assert stored == data
    assert repo.is_done(sha) and repo.acknowledged(sha) == SIZE

    # Another station of the office scanned the very same bytes: asked, never sent.
    twin = enrolled_station("twin")
    assert _blob(twin, clock, seed=1) == data
    with httpx.Client(timeout=10) as http:
        held = upload_pending(twin, _client(twin, server.url, http))
    assert (held.already_held, held.uploaded, held.chunks, held.waiting) == (1, 0, 0, 0)
    assert _server_copy(pg, sha)[0] == copies


def _all_uploaded(report: SyncReport | None) -> bool:
    return report is not None and report.attachments is not None and not report.attachments.waiting


def test_attachments_sync_through_random_faults_once_and_reach_the_office_only(
    server: ServerProcess,
    enrolled_station: EnrolledStation,
    clock: FixedClock,
    pg: psycopg.Connection,
    proxies: list[FaultProxy],
) -> None:
    proxy = FaultProxy(
        server.port, seed=SEED, rate=FAULT_RATE, stall_s=CLIENT_TIMEOUT_S + 0.5
    ).start()
    proxies.append(proxy)
    station = enrolled_station("a", url=proxy.url)
    colleague = enrolled_station("b", url=proxy.url)
    stranger = enrolled_station("c", agency=new_agency(), url=server.url)
    dossier = receive(station)[0]
    data = _blob(station, clock, seed=2, size=3 * 1024 * 1024 + 777)
    small = _blob(station, clock, seed=3, size=40_000)
    sha = hashlib.sha256(data).hexdigest()
    sent: list[int] = []

    def on_request(request: httpx.Request) -> None:
        if request.method == "PUT":
            sent.append(len(request.content))

    proxy.faults_on = True
    with httpx.Client(timeout=CLIENT_TIMEOUT_S, event_hooks={"request": [on_request]}) as http:
        client = HttpSyncClient(proxy.url, _token(station), http)
        rounds, report = 0, None
        while rounds < 80 and not (
            report and report.attachments and not report.attachments.waiting
        ):
            rounds += 1
            clock.advance(minutes=1)
            report = run_sync(station, client)
        proxy.faults_on = False
        faults = sum(n for f, n in proxy.counts.items() if f is not Fault.NONE)
        assert report is not None and report.attachments is not None, rounds
        assert report.attachments.waiting == 0, rounds
        sent_with_faults = sum(sent)
        settle = run_sync(station, client)  # a round without faults sends no attachment byte
        assert settle.ok and settle.attachments is not None
        assert settle.attachments.chunks == 0 and sum(sent) == sent_with_faults

    print(f"\nrounds: {rounds}; faults: {dict(proxy.counts)}; chunk bytes sent: {sum(sent)}")
    assert all(proxy.counts[f] > 0 for f in ALL_FAULTS), proxy.counts
    payload = len(data) + len(small)
    assert payload < sum(sent) <= payload + faults * CHUNK_SIZE  # at most a chunk per fault
    copies, stored = _server_copy(pg, sha)
    assert copies == [(station.office().agency_id, -(-len(data) // CHUNK_SIZE))]
    assert stored == data
    assert {e[1] for e in server_events(pg, station.office().station_id).values()} == {
        dossier.uuid
    }  # the events went too

    with httpx.Client(timeout=30) as http:
        fetched = fetch_blob(colleague, sha, transport=_client(colleague, proxy.url, http))
        assert fetched == data
        info = colleague.store.blobs.info(sha)
        assert info is not None and (info.origin, info.mime) == ("remote", "application/pdf")
        assert (
            BlobSyncRepository(colleague.store.db, colleague.store.blobs).pending() == []
        )  # never sent back

        with pytest.raises(DomainError) as refused:
            fetch_blob(stranger, sha, transport=_client(stranger, server.url, http))
        assert refused.value.code is ErrorCode.ATTACHMENT_OTHER_OFFICE
        assert not stranger.store.blobs.has(sha)
