"""Two stations closing the same expired supplement request (issue 13, item 4): the shared
projection counts the second closure as the same one, at the counter and at the server."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from counter_app.domain.models import VN_TZ
from sync_protocol import EventWire
from sync_protocol.events import event_problem
from sync_protocol.hlc import Hlc, wall_ms
from sync_protocol.projection import project_state
from tests.domain.test_event_validation import GOOD, RECEIVED

AT = datetime(2026, 9, 1, 9, 0, tzinfo=VN_TZ)
A = "11111111-1111-4111-8111-111111111111"
B = "22222222-2222-4222-8222-222222222222"
DOSSIER = "33333333-3333-4333-8333-333333333333"


def _event(n: int, kind: str, station: str, *, minutes: int) -> EventWire:
    payload = dict(RECEIVED if kind == "received" else GOOD[kind])
    payload["hlc"] = Hlc(wall_ms(AT) + minutes * 60_000).text()
    at = AT + timedelta(minutes=minutes)
    return EventWire(
        f"00000000-0000-4000-8000-{n:012d}", DOSSIER, kind, station, n, "canbo", at.isoformat(),
        payload,
    )  # fmt: skip


def test_two_closures_of_one_dossier_are_one_closure_never_a_conflict() -> None:
    events = [
        _event(1, "received", A, minutes=0),
        _event(2, "supplement_requested", A, minutes=1),
        _event(3, "supplement_expired", A, minutes=60 * 24 * 16),
        _event(4, "supplement_expired", B, minutes=60 * 24 * 16 + 5),
        _event(5, "rating_recorded", B, minutes=60 * 24 * 17),
        _event(6, "supplement_expired", B, minutes=60 * 24 * 18),
    ]
    assert all(event_problem(e) is None for e in events)
    rng = random.Random(3)
    for _ in range(20):
        shuffled = events + rng.sample(events, 3)
        rng.shuffle(shuffled)
        outcome = project_state(shuffled)
        assert outcome.status == "stopped" and outcome.conflicts == ()
        assert outcome.state is not None and outcome.state.outcome == "supplement_expired"
        assert outcome.state.finished_at == events[2].at  # the first closure's instant
        assert not outcome.state.paused
        assert set(outcome.applied) == {e.uuid for e in events}


def test_a_closure_after_the_supplement_arrived_is_a_real_conflict() -> None:
    events = [
        _event(1, "received", A, minutes=0),
        _event(2, "supplement_requested", A, minutes=1),
        _event(3, "supplement_received", B, minutes=60 * 24 * 14),
        _event(4, "supplement_expired", A, minutes=60 * 24 * 16),  # A had not seen it
    ]
    outcome = project_state(events)
    assert outcome.status == "received"
    assert [(c.kind, c.reason, c.clashed_with) for c in outcome.conflicts] == [
        ("supplement_expired", "action_not_allowed", events[2].uuid)
    ]
