"""Admission control (issue 16 item 4): a server past its concurrent-request limit answers 429
with Retry-After, and the counter honours it; pull pages carry the stored payloads as they are.

Real parts: the province server as a second uvicorn process on the tests' database, started
with a limit of one request at a time and no queue; a raw socket holds that one slot (a push
whose body never finishes arriving), so every other station request is refused for sure.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import psycopg
import pytest

from counter_app.domain.clock import FixedClock
from counter_app.domain.errors import ErrorCode
from counter_app.sync.client import HttpSyncClient, retry_after_seconds
from counter_app.sync.engine import run_sync, sync_settings
from counter_app.sync.scheduler import SyncScheduler
from province_server.testing import ServerProcess
from sync_protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, PullResponse, loads
from tests.server.conftest import EnrolledStation
from tests.server.helpers import receive, server_events

RETRY_AFTER = 100  # longer than the first back-off step (15-30 s): the header must win


@pytest.fixture(scope="module")
def busy_server(province_db: str) -> Iterator[ServerProcess]:
    process = ServerProcess(
        province_db,
        env={
            "PROVINCE_MAX_INFLIGHT": "1",
            "PROVINCE_QUEUE_WAIT_MS": "0",
            "PROVINCE_BUSY_RETRY_AFTER": str(RETRY_AFTER),
        },
    )
    process.start()
    yield process
    process.stop()


def _headers(token: str) -> dict[str, str]:
    return {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {token}"}


def _hold_slot(server: ServerProcess, token: str) -> socket.socket:
    """A push whose body stops after 10 of its 1,000 bytes: it keeps the only slot."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    head = (
        "POST /api/v1/sync/push HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"{PROTOCOL_HEADER}: {PROTOCOL_VERSION}\r\nAuthorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\nContent-Encoding: gzip\r\n"
        "Content-Length: 1000\r\n\r\n"
    )
    sock.sendall(head.encode() + b"\x1f\x8b" + b"\0" * 8)
    return sock


def _pull(server: ServerProcess, token: str) -> httpx.Response:
    return httpx.get(f"{server.url}/api/v1/sync/pull", headers=_headers(token), timeout=10)


def _wait_for(server: ServerProcess, token: str, status: int) -> httpx.Response:
    deadline = time.monotonic() + 10
    while True:
        answer = _pull(server, token)
        if answer.status_code == status or time.monotonic() > deadline:
            return answer
        time.sleep(0.05)


def test_a_busy_server_answers_429_and_the_counter_waits_as_told(
    busy_server: ServerProcess,
    enrolled_station: EnrolledStation,
    clock: FixedClock,
    pg: psycopg.Connection,
) -> None:
    ctx = enrolled_station("busy")
    token = sync_settings(ctx)["token"]
    (dossier,) = receive(ctx)
    holder = _hold_slot(busy_server, token)
    try:
        refused = _wait_for(busy_server, token, 429)
        assert refused.status_code == 429, refused.text
        assert RETRY_AFTER <= int(refused.headers["retry-after"]) <= 2 * RETRY_AFTER
        assert loads(refused.content)["code"] == "server_busy"
        assert httpx.get(f"{busy_server.url}/healthz").status_code == 200  # not limited

        with httpx.Client(timeout=10) as http:
            client = HttpSyncClient(busy_server.url, token, http)
            report = run_sync(ctx, client)
        first = report.errors[0]
        assert first.code == ErrorCode.SYNC_UNREACHABLE
        assert first.params["detail"] == "server_busy"
        told = first.params["retry_after"]
        assert RETRY_AFTER <= told <= 2 * RETRY_AFTER
        assert ctx.store.sync.waiting() >= 1  # nothing lost: still queued

        scheduler = SyncScheduler(rng=lambda: 0.0)
        attempts = ctx.store.sync.attempts(limit=50)
        assert scheduler.plan(attempts, clock.now()).delay_s >= told  # not the 15 s back-off
        later = clock.now() + timedelta(seconds=told - 10)
        assert 9 <= scheduler.plan(attempts, later).delay_s <= 11
    finally:
        holder.close()

    assert _wait_for(busy_server, token, 200).status_code == 200  # the slot is free again
    with httpx.Client(timeout=10) as http:
        report = run_sync(ctx, HttpSyncClient(busy_server.url, token, http))
    assert report.ok, report.errors
    assert report.pushed >= 1
    assert ctx.store.sync.waiting() == 0
    stored = server_events(pg, ctx.office().station_id)
    assert dossier.uuid in {event[1] for event in stored.values()}


def test_pull_pages_carry_the_stored_payloads_unchanged(
    server: ServerProcess, enrolled_station: EnrolledStation, pg: psycopg.Connection
) -> None:
    ctx = enrolled_station("pull")
    token = sync_settings(ctx)["token"]
    receive(ctx, 3)
    with httpx.Client(timeout=10) as http:
        assert run_sync(ctx, HttpSyncClient(server.url, token, http)).ok
    answer = httpx.get(
        f"{server.url}/api/v1/sync/pull",
        params={"cursor": 0, "limit": 2},
        headers=_headers(token),
    )
    assert answer.status_code == 200
    body = loads(answer.content)
    assert {"cursor", "events", "has_more", "server_time", "reference"} <= set(body)
    page = PullResponse.from_json(body)
    assert len(page.events) == 2 and page.has_more
    stored = server_events(pg, ctx.office().station_id)
    for event in page.events:
        _uuid, dossier_uuid, kind, station_id, seq, officer, at, payload = stored[event.uuid]
        assert (event.dossier_uuid, event.kind, event.station_id) == (
            dossier_uuid,
            kind,
            station_id,
        )
        assert (event.seq, event.officer, event.at, event.payload) == (seq, officer, at, payload)
    rest = PullResponse.from_json(
        loads(
            httpx.get(
                f"{server.url}/api/v1/sync/pull",
                params={"cursor": page.cursor, "limit": 500},
                headers=_headers(token),
            ).content
        )
    )
    assert not rest.has_more and len(rest.events) == 1


AT = datetime(2026, 2, 13, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("30", 30),
        (" 7 ", 7),
        ("0", 1),
        ("999999", 3600),
        (format_datetime(AT + timedelta(seconds=120), usegmt=True), 120),
        (format_datetime(AT - timedelta(seconds=120), usegmt=True), 1),
        ("Fri, 13 Feb 2026 03:02:00", None),  # no zone: unreadable
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_whole_seconds(header: str | None, seconds: int | None) -> None:
    assert retry_after_seconds(header, now=AT) == seconds
