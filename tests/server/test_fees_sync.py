"""Issue 13 items 7 and 8 through the real province server (uvicorn on loopback,
PostgreSQL): a fee collected at reception and one recorded later, an officer's draft and the
leader's approval go up from one counter and down to another; the server accepts every event
(validator, status table) and its shared projection carries the fees and the drafts."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import psycopg
import pytest

from counter_app.domain.clock import FixedClock
from counter_app.domain.models import VN_TZ, Officer, Role
from counter_app.services.actions import Action, record_action
from counter_app.services.approvals import approve, request_approval
from counter_app.services.conflicts import open_conflict_count
from counter_app.services.officers import hash_password
from counter_app.storage.mapping import dossier_to_json
from counter_app.sync.engine import run_sync
from province_server.sync.projection import dossier_outcome
from tests.server.conftest import EnrolledStation, client_for
from tests.server.helpers import receive

pytestmark = pytest.mark.server
SEPT = datetime(2026, 9, 15, 9, 0, tzinfo=VN_TZ)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(SEPT)


def test_fees_and_an_approved_draft_reach_the_server_and_the_other_counter(
    enrolled_station: EnrolledStation, clock: FixedClock, pg: psycopg.Connection
) -> None:
    a = enrolled_station("counter-a")
    b = enrolled_station("counter-b")
    leader = Officer("lanhdao.a", "Trần Thị Lãnh Đạo", Role.LEADER)
    a.store.officers.add(leader, hash_password("bimat-lanhdao"), at=clock.now())
    paid = {"collected": 10_000, "method": "cash", "receipt_no": "BL-1"}
    (dossier,) = receive(a, procedure_code="1.004222", fee_payment=paid)
    assert dossier.fee_due == 20_000 and dossier.fee_collected == 10_000
    clock.advance(hours=1)
    more = {"collected": "10.000", "method": "transfer", "receipt_no": "BL-2"}
    dossier = record_action(a, dossier, Action.FEE, officer="canbo", payload=more)[0]
    assert dossier.due_at is not None
    new_due = (dossier.due_at + timedelta(days=3)).isoformat()
    apology = {"new_due": new_due, "reason": "Chờ xác minh"}
    drafted, _ = request_approval(a, dossier, Action.APOLOGY, officer="canbo", payload=apology)
    with httpx.Client() as http:
        assert run_sync(a, client_for(a, http)).pushed == 3
        assert run_sync(b, client_for(b, http)).pulled == 3
        on_b = b.store.dossiers.by_uuid(dossier.uuid)
        assert on_b is not None and on_b.fee_collected == 20_000 and len(on_b.pending) == 1
        state = dossier_outcome(pg, dossier.uuid).state
        assert state is not None and state.fee_collected == 20_000 and state.fee_due == 20_000
        assert state.pending_approvals == 1
        clock.advance(hours=1)
        approve(a, drafted, drafted.pending[0]["uuid"], officer="lanhdao.a")
        assert run_sync(a, client_for(a, http)).pushed == 1
        run_sync(b, client_for(b, http))
    on_a, on_b = (s.store.dossiers.by_uuid(dossier.uuid) for s in (a, b))
    assert on_a is not None and on_b is not None
    assert on_a.apology_issued and not on_a.pending
    assert dossier_to_json(on_a) == dossier_to_json(on_b)
    outcome = dossier_outcome(pg, dossier.uuid)
    assert outcome.state is not None and outcome.state.pending_approvals == 0
    assert outcome.state.apology_issued and outcome.conflicts == ()
    assert open_conflict_count(a) == open_conflict_count(b) == 0
