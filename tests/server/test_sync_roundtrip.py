"""The real sync engine against the real server: offline reception, restarts, two stations."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import psycopg
import pytest

from counter_app.domain.dossier import project
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services.actions import Action, record_action
from counter_app.storage.mapping import dossier_to_json
from counter_app.sync.client import HttpSyncClient
from counter_app.sync.engine import run_sync
from province_server.testing import ServerProcess
from sync_protocol import EnrolResponse, PullResponse, PushRequest, PushResponse
from tests.server.conftest import EnrolledStation, client_for
from tests.server.helpers import counts, local_events, receive, server_events

pytestmark = pytest.mark.server


def test_offline_day_then_sync_sends_everything_once(
    province_db: str, enrolled_station: EnrolledStation, pg: psycopg.Connection, tmp_path: Path
) -> None:
    own = ServerProcess(province_db)
    own.start()
    ctx = enrolled_station("offline", url=own.url)
    own.stop()
    receive(ctx, 500)  # the link is down all day
    with httpx.Client() as http:
        down = run_sync(ctx, client_for(ctx, http))
        assert [e.code for e in down.errors] == [ErrorCode.SYNC_UNREACHABLE] * 2  # push, pull
        assert down.waiting == 500 and ctx.store.sync.last_success() is None
        own.start()
        try:
            report = run_sync(ctx, client_for(ctx, http))
            assert report.ok and (report.pushed, report.duplicates, report.rejected) == (500, 0, 0)
            assert report.waiting == 0
            station_id = ctx.office().station_id
            assert server_events(pg, station_id) == local_events(ctx)  # identical content
            before = counts(pg)
            again = run_sync(ctx, client_for(ctx, http))
            assert (again.pushed, again.duplicates, again.pulled) == (0, 0, 0)
            assert counts(pg) == before
        finally:
            own.stop()
    statuses = [a.status for a in ctx.store.sync.attempts()]
    assert statuses == ["ok", "ok", "failed"]  # newest first; one log row per attempt


class _KillAfterFirstBatch:
    """Pushes through the real client; SIGKILLs the server right after batch 1 committed and
    pretends the answer was lost (the worst moment: stored on the server, not acknowledged)."""

    def __init__(self, inner: HttpSyncClient, server: ServerProcess) -> None:
        self.inner = inner
        self.server = server
        self.batches = 0
        self.first_batch: list[str] = []

    def enrol(self, code: str) -> EnrolResponse:
        return self.inner.enrol(code)

    def push(self, batch: PushRequest) -> PushResponse:
        answer = self.inner.push(batch)
        self.batches += 1
        if self.batches == 1:
            self.first_batch = [e.uuid for e in batch.events]
            self.server.kill()
            raise DomainError(ErrorCode.SYNC_UNREACHABLE, detail="answer lost")
        return answer

    def pull(self, cursor: int, *, limit: int = 500) -> PullResponse:
        return self.inner.pull(cursor, limit=limit)


def test_server_killed_after_a_committed_batch_loses_and_doubles_nothing(
    province_db: str, enrolled_station: EnrolledStation, pg: psycopg.Connection
) -> None:
    own = ServerProcess(province_db)
    own.start()
    ctx = enrolled_station("killed", url=own.url)
    receive(ctx, 120)
    try:
        with httpx.Client() as http:
            killer = _KillAfterFirstBatch(client_for(ctx, http), own)
            report = run_sync(ctx, killer, batch_bytes=16_000)
            assert report.errors and not own.running
            assert ctx.store.sync.waiting() == 120  # nothing acknowledged, nothing dropped
            stored_first = server_events(pg, ctx.office().station_id)
            assert set(stored_first) == set(killer.first_batch)  # committed before the kill
            own.start()
            after = run_sync(ctx, client_for(ctx, http), batch_bytes=16_000)
        assert after.ok and after.duplicates == len(killer.first_batch)
        assert after.pushed == 120 - len(killer.first_batch)
        assert server_events(pg, ctx.office().station_id) == local_events(ctx)
        assert ctx.store.sync.waiting() == 0
    finally:
        own.stop()


class _KillDuringThirdBatch:
    """Pushes through the real client; while batch 3 is on its way or being stored, a timer
    SIGKILLs the server at a random instant (in the transaction, at commit, or after it)."""

    def __init__(self, inner: HttpSyncClient, server: ServerProcess, delay: float) -> None:
        self.inner = inner
        self.server = server
        self.delay = delay
        self.batches = 0
        self.timer: threading.Timer | None = None

    def enrol(self, code: str) -> EnrolResponse:
        return self.inner.enrol(code)

    def push(self, batch: PushRequest) -> PushResponse:
        self.batches += 1
        if self.batches == 3:
            self.timer = threading.Timer(self.delay, self.server.kill)
            self.timer.start()
        return self.inner.push(batch)

    def pull(self, cursor: int, *, limit: int = 500) -> PullResponse:
        return self.inner.pull(cursor, limit=limit)


@pytest.mark.parametrize("delay", [0.0, 0.002, 0.005, 0.01])
def test_server_killed_at_a_random_instant_of_a_push(
    province_db: str, enrolled_station: EnrolledStation, pg: psycopg.Connection, delay: float
) -> None:
    own = ServerProcess(province_db)
    own.start()
    ctx = enrolled_station("random-kill", url=own.url)
    receive(ctx, 60)
    try:
        with httpx.Client() as http:
            killer = _KillDuringThirdBatch(client_for(ctx, http), own, delay)
            first = run_sync(ctx, killer, batch_bytes=8_000)
            assert killer.timer is not None
            killer.timer.join()
            assert not own.running
            own.start()
            second = run_sync(ctx, client_for(ctx, http), batch_bytes=8_000)
        assert second.ok, second.errors
        # Stored but unanswered at the kill -> "duplicate" on the resend; nothing else.
        assert first.pushed + second.pushed + second.duplicates == 60
        assert second.duplicates <= 8_000 // 500
        assert server_events(pg, ctx.office().station_id) == local_events(ctx)
    finally:
        own.stop()


def test_two_stations_of_one_office_converge(
    enrolled_station: EnrolledStation, pg: psycopg.Connection
) -> None:
    a = enrolled_station("a")
    b = enrolled_station("b")
    (dossier,) = receive(a)
    with httpx.Client() as http:
        assert run_sync(a, client_for(a, http)).pushed == 1
        pulled = run_sync(b, client_for(b, http))
        assert pulled.pulled >= 1
        seen = b.store.dossiers.by_code(dossier.code or "")
        assert seen is not None and seen.uuid == dossier.uuid
        assert b.store.dossiers.search(dossier.applicant.name)  # indexed for the officer
        # the citizen collects at the other counter: the real services, as the window uses them
        for action, payload in (
            (Action.HANDOVER, {"to": "Công chức Tư pháp - Hộ tịch"}),
            (Action.RESULT, {"outcome": "approved"}),
            (Action.RETURN, {"receiver_name": dossier.applicant.name}),
            (Action.RATING, {"rating": "hai_long"}),
        ):
            current = b.store.dossiers.by_uuid(dossier.uuid)
            assert current is not None
            record_action(b, current, action, officer="canbo", payload=payload)
        assert run_sync(b, client_for(b, http)).pushed == 4
        assert run_sync(a, client_for(a, http)).pulled == 4
    on_a, on_b = a.store.dossiers.by_uuid(dossier.uuid), b.store.dossiers.by_uuid(dossier.uuid)
    assert on_a is not None and on_b is not None
    assert on_a.status.value == "returned" and on_a.rating == "hai_long"
    assert dossier_to_json(on_a) == dossier_to_json(on_b)
    assert a.store.dossiers.events_of(dossier.uuid) == b.store.dossiers.events_of(dossier.uuid)
    assert project(a.store.dossiers.events_of(dossier.uuid)) == on_a
    assert a.store.sync.waiting() == 0 and b.store.sync.waiting() == 0
    assert len(server_events(pg)) >= 5


def test_a_reused_code_is_rejected_loudly_and_kept(
    enrolled_station: EnrolledStation, pg: psycopg.Connection
) -> None:
    a = enrolled_station("first")
    b = enrolled_station("misconfigured")
    office = b.store.config.get("office")
    office["station_prefix"] = a.office().station_prefix  # e.g. a copied installation
    b.store.config.set("office", office)
    (original,) = receive(a)
    (clash,) = receive(b)
    assert clash.code == original.code
    with httpx.Client() as http:
        run_sync(a, client_for(a, http))
        report = run_sync(b, client_for(b, http))
        assert report.rejected == 1 and report.waiting == 0
        (refused,) = b.store.sync.rejected()
        # The copied prefix is not b's own: refused as foreign_code (issue 17), before the clash.
        assert refused.reason == "foreign_code" and refused.event.dossier_uuid == clash.uuid
        again = run_sync(b, client_for(b, http))  # not retried for ever
        assert again.rejected == 0 and len(b.store.sync.rejected()) == 1
