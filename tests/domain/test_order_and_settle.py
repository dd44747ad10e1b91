"""The hybrid logical clock, the one order and the settle contract (sync_protocol, issue 12)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from counter_app.domain.models import VN_TZ
from sync_protocol import EventWire
from sync_protocol.hlc import Hlc, merge, received_stamp, tick, wall_ms
from sync_protocol.order import order_key
from sync_protocol.projection import project_state
from tests.domain.test_event_validation import GOOD, RECEIVED

AT = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)
A = "11111111-1111-4111-8111-111111111111"
B = "22222222-2222-4222-8222-222222222222"
DOSSIER = "33333333-3333-4333-8333-333333333333"


def _event(n: int, kind: str, station: str, *, minutes: int, stamp: Hlc | None) -> EventWire:
    payload = dict(RECEIVED if kind == "received" else GOOD[kind])
    if stamp is not None:
        payload["hlc"] = stamp.text()
    return EventWire(
        f"00000000-0000-4000-8000-{n:012d}",
        DOSSIER,
        kind,
        station,
        n,
        "canbo",
        (AT + timedelta(minutes=minutes)).isoformat(),
        payload,
    )


def test_a_stamp_after_seeing_one_is_greater_whatever_the_clocks() -> None:
    ahead = tick(Hlc(0), AT + timedelta(minutes=10))
    behind = merge(tick(Hlc(0), AT - timedelta(minutes=10)), ahead)
    later = tick(behind, AT - timedelta(minutes=9))  # its clock still 19 minutes earlier
    assert later > ahead and later.wall_ms == ahead.wall_ms and later.logical == 1
    assert tick(later, AT + timedelta(hours=1)) == Hlc(wall_ms(AT + timedelta(hours=1)), 0)
    assert Hlc.parse(later.text()) == later
    assert Hlc.parse("12.x") is None and Hlc.parse(12) is None


def test_old_events_keep_their_order_and_count_as_their_time() -> None:
    old = [_event(n, "slip_printed", A, minutes=n % 3, stamp=None) for n in range(1, 7)]
    before = sorted(old, key=lambda e: (datetime.fromisoformat(e.at), e.station_id, e.seq))
    assert sorted(old, key=order_key) == before
    assert received_stamp(old[0]) == Hlc(wall_ms(datetime.fromisoformat(old[0].at)), 0)


def _abw() -> list[EventWire]:
    """Received, then A: result and return; B (offline, earlier stamp): withdrawal."""
    start = Hlc(wall_ms(AT))
    return [
        _event(1, "received", A, minutes=0, stamp=start),
        _event(2, "withdrawn", B, minutes=1, stamp=Hlc(start.wall_ms + 60_000)),
        _event(3, "result_received", A, minutes=2, stamp=Hlc(start.wall_ms + 120_000)),
        _event(4, "returned", A, minutes=3, stamp=Hlc(start.wall_ms + 180_000)),
    ]


def test_a_settlement_voids_the_withdrawal_and_the_rest_applies() -> None:
    events = _abw()
    clash = project_state(events)
    assert clash.status == "withdrawn"
    assert [(c.kind, c.clashed_with) for c in clash.conflicts] == [
        ("result_received", events[1].uuid),
        ("returned", events[1].uuid),
    ]
    settle = _event(5, "conflict_settled", A, minutes=4, stamp=Hlc(wall_ms(AT) + 240_000))
    settle.payload["voided"] = [events[1].uuid, events[0].uuid]  # the reception: ignored
    settled = project_state([*events, settle])
    assert settled.status == "returned" and not settled.conflicts
    assert [s.event_uuid for s in settled.settled] == [events[1].uuid]
    assert settled.settled[0].settled_by == settle.uuid
    assert set(settled.applied) == {events[0].uuid, events[2].uuid, events[3].uuid, settle.uuid}
    shuffled = [*events, settle, events[2], settle]  # repeats and any order: same outcome
    random.Random(3).shuffle(shuffled)
    assert project_state(shuffled) == settled


def test_a_settlement_cannot_be_voided_and_a_bad_one_is_a_conflict() -> None:
    events = _abw()
    first = _event(5, "conflict_settled", A, minutes=4, stamp=Hlc(wall_ms(AT) + 240_000))
    first.payload["voided"] = [events[1].uuid]
    undo = _event(6, "conflict_settled", B, minutes=5, stamp=Hlc(wall_ms(AT) + 300_000))
    undo.payload["voided"] = [first.uuid]
    empty = _event(7, "conflict_settled", B, minutes=6, stamp=Hlc(wall_ms(AT) + 360_000))
    empty.payload["voided"] = []
    outcome = project_state([*events, first, undo, empty])
    assert outcome.status == "returned"
    assert [(c.event_uuid, c.reason) for c in outcome.conflicts] == [
        (empty.uuid, "missing_field:voided")
    ]
