"""Issue 13 item 4 through the real province server (uvicorn on loopback, PostgreSQL): two
counters of one office each close the same unanswered supplement request when they next run
past its limit, offline; after both sync there is one closure everywhere and no conflict, on
either counter and in the server's projection."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import psycopg
import pytest

from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import Status
from counter_app.domain.models import VN_TZ
from counter_app.services.actions import Action, record_action
from counter_app.services.conflicts import open_conflict_count
from counter_app.services.supplements import close_expired
from counter_app.storage.mapping import dossier_to_json
from counter_app.sync.engine import run_sync
from tests.server.conftest import EnrolledStation, client_for
from tests.server.helpers import receive

pytestmark = pytest.mark.server
SEPT = datetime(2026, 9, 1, 9, 0, tzinfo=VN_TZ)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(SEPT)


def test_two_counters_closing_the_same_dossier_make_one_closure(
    enrolled_station: EnrolledStation, clock: FixedClock, pg: psycopg.Connection
) -> None:
    a = enrolled_station("counter-a")
    b = enrolled_station("counter-b")
    (dossier,) = receive(a)
    clock.advance(hours=1)
    payload = {"items": ["Tờ khai có chữ ký"], "reason": "Thiếu chữ ký"}
    asked = record_action(a, dossier, Action.SUPPLEMENT_REQUEST, officer="canbo", payload=payload)
    with httpx.Client() as http:
        assert run_sync(a, client_for(a, http)).pushed == 2
        assert run_sync(b, client_for(b, http)).pulled == 2
        clock.at = SEPT + timedelta(days=17)  # both stations run past the limit, offline
        (closed_a,), _ = close_expired(a, officer="canbo")
        (closed_b,), _ = close_expired(b, officer="canbo")
        assert (
            closed_a.finished_at == closed_b.finished_at == asked[0].paused_at + timedelta(days=15)
        )
        assert run_sync(a, client_for(a, http)).pushed == 1
        assert run_sync(b, client_for(b, http)).pushed == 1  # accepted, not rejected
        run_sync(a, client_for(a, http))
        run_sync(b, client_for(b, http))
    on_a, on_b = (s.store.dossiers.by_uuid(dossier.uuid) for s in (a, b))
    assert on_a is not None and on_b is not None and on_a.status is Status.STOPPED
    assert on_a.outcome == "supplement_expired" and not on_a.paused_at
    assert dossier_to_json(on_a) == dossier_to_json(on_b)  # the same dossier everywhere
    kinds = [e.kind for e in a.store.dossiers.events_of(dossier.uuid)]
    assert kinds.count("supplement_expired") == 2  # both kept, counted as one closure
    assert open_conflict_count(a) == open_conflict_count(b) == 0
    row = pg.execute(
        "SELECT status, open_conflicts, paused FROM dossier_states WHERE dossier_uuid = %s",
        (dossier.uuid,),
    ).fetchone()
    assert row is not None and row[0] == "stopped" and row[1] == 0
    assert row[2] is False
