"""The province sees a station's rewritten history (issue 17 item 9): pushes over real HTTP
to the server on loopback, the station's file tampered with through sqlite3."""

from __future__ import annotations

import re
import sqlite3
from types import SimpleNamespace

import httpx
import psycopg
import pytest

from counter_app.domain.errors import DomainError
from counter_app.services.station import StationContext
from counter_app.storage import chain, projection
from counter_app.sync.engine import push_outbox, run_sync
from province_server.testing import ServerProcess
from sync_protocol.chain import ChainClaim, ChainLink
from sync_protocol.v1 import ProtocolError, PushRequest
from tests.server.conftest import ADMIN_TOKEN, EnrolledStation, client_for
from tests.server.helpers import receive
from tests.sync.fault_proxy import Fault
from tests.sync.test_attachments import ScriptedProxy

WARNING = "không nối tiếp lần gửi trước"


def _sync(ctx: StationContext) -> None:
    with httpx.Client() as http:
        assert run_sync(ctx, client_for(ctx, http)).ok


def _kept(pg: psycopg.Connection, ctx: StationContext) -> tuple[int | None, bool]:
    row = pg.execute(
        "SELECT chain_pos, chain_broken_at IS NOT NULL FROM stations WHERE id = %s",
        (ctx.office().station_id,),
    ).fetchone()
    assert row is not None
    return row[0], row[1]


def _dashboard(server: ServerProcess) -> str:
    page = httpx.get(f"{server.url}/dashboard", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert page.status_code == 200, page.text
    return page.text


def _warned(server: ServerProcess, ctx: StationContext) -> bool:
    """The dashboard has this station's warning line (agencies are fresh per test)."""
    office = ctx.office()
    lines = re.findall(r'<p class="late">(.*?)</p>', _dashboard(server))
    return any(
        WARNING in line and f"quầy {office.station_prefix} (" in line and office.agency_id in line
        for line in lines
    )


def _rewrite_history(ctx: StationContext) -> None:
    """What someone who knows the chain would do: delete an audit row, recompute the chain
    and remove the head files, in the file, with sqlite3."""
    conn = sqlite3.connect(ctx.store.db_path)
    projection.attach(conn, ctx.store.db_path)  # the outbox and its chain positions
    with conn:
        conn.execute("DELETE FROM audit_log WHERE id = (SELECT min(id) FROM audit_log)")
        conn.execute("DELETE FROM chain")
        chain.chain_existing(SimpleNamespace(conn=conn), station_id=ctx.office().station_id)
    conn.close()
    for path in ctx.store.chain.head_paths:
        path.unlink(missing_ok=True)


def test_a_history_rewritten_in_the_file_is_flagged_by_the_province(
    enrolled_station: EnrolledStation, server: ServerProcess, pg: psycopg.Connection
) -> None:
    ctx = enrolled_station("a")
    receive(ctx, 2)
    _sync(ctx)
    head = ctx.store.chain.head()
    assert head is not None and _kept(pg, ctx) == (head.pos, False)
    receive(ctx)
    _sync(ctx)  # the chain grew: it extends the kept head
    assert _kept(pg, ctx)[1] is False
    assert not _warned(server, ctx)

    _rewrite_history(ctx)
    assert ctx.store.history_breaks() == []
    receive(ctx)
    _sync(ctx)  # the events are still accepted; the station is flagged
    assert _kept(pg, ctx)[1] is True
    assert _warned(server, ctx)
    receive(ctx)
    _sync(ctx)  # the new head is kept: the next push extends it, the warning stays
    assert _kept(pg, ctx)[1] is True and _warned(server, ctx)


def test_the_claim_is_optional_and_checked_on_the_wire() -> None:
    claim = ChainClaim(ChainLink(3, "a" * 64), (ChainLink(1, "b" * 64),))
    request = PushRequest(
        "0" * 8 + "-0000-4000-8000-" + "0" * 12,
        "1" * 8 + "-1111-4111-8111-" + "1" * 12,
        (),
        chain=claim,
    )
    assert PushRequest.from_json(request.to_json()) == request
    bare = request.to_json()
    del bare["chain"]
    assert PushRequest.from_json(bare).chain is None
    assert claim.extends(ChainLink(1, "b" * 64)) and not claim.extends(ChainLink(1, "c" * 64))
    for bad in ({"head": {"pos": 0, "hash": "a" * 64}}, {"head": {"pos": 1, "hash": "x"}}):
        with pytest.raises(ProtocolError):
            PushRequest.from_json({**bare, "chain": bad})


def test_a_push_whose_answer_was_lost_is_no_rewrite(
    enrolled_station: EnrolledStation, server: ServerProcess, pg: psycopg.Connection
) -> None:
    """The server kept a head the station never heard it got: the next push's anchors hold
    it (the heads sent since the last acknowledged one), so no false alarm."""
    proxy = ScriptedProxy(server.port, {2: Fault.DROP_RESPONSE}).start()
    try:
        ctx = enrolled_station("a", url=proxy.url)
        with httpx.Client(timeout=10) as http:
            client = client_for(ctx, http)
            receive(ctx)
            push_outbox(ctx, client)  # request 1: answered
            receive(ctx)
            with pytest.raises(DomainError):
                push_outbox(ctx, client)  # request 2: stored, its answer lost
            kept = _kept(pg, ctx)[0]
            head = ctx.store.chain.head()
            assert head is not None and kept == head.pos
            receive(ctx)
            push_outbox(ctx, client)  # request 3: the lost one again and a new dossier
        assert _kept(pg, ctx) == (ctx.store.chain.head().pos, False)  # type: ignore[union-attr]
    finally:
        proxy.stop()
