"""The wire format (round trips, bounds) and the retry back-off, without a server."""

from __future__ import annotations

import gzip
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.sync.engine import next_delay
from sync_protocol import (
    MAX_BATCH_BYTES,
    EnrolResponse,
    EventWire,
    ProtocolError,
    PullResponse,
    PushRequest,
    PushResponse,
    PushResult,
    PushStatus,
    decode_push,
    encode_push,
)


def _event(**over: object) -> EventWire:
    values: dict[str, object] = {
        "uuid": str(uuid.uuid4()),
        "dossier_uuid": str(uuid.uuid4()),
        "kind": "received",
        "station_id": str(uuid.uuid4()),
        "seq": 7,
        "officer": "canbo",
        "at": "2026-02-13T10:00:00.123456+07:00",
        "payload": {"agency_id": "000.00.19.H56", "code": "000.00.19.H56-260213-070001"},
    }
    values.update(over)
    return EventWire(**values)  # type: ignore[arg-type]


def test_messages_round_trip() -> None:
    event = _event()
    push = PushRequest(str(uuid.uuid4()), event.station_id, (event,))
    assert decode_push(encode_push(push)) == push
    answer = PushResponse(
        push.batch_id,
        (PushResult(event.uuid, PushStatus.REJECTED, "forbidden_agency"),),
        "2026-02-13T03:00:00+00:00",
    )
    assert PushResponse.from_json(answer.to_json()) == answer
    page = PullResponse(12, (event,), True, "2026-02-13T03:00:00Z")
    assert PullResponse.from_json(page.to_json()) == page
    enrolled = EnrolResponse("t", "H56.1.2", event.station_id, "07", "", "", "", page.server_time)
    assert EnrolResponse.from_json(enrolled.to_json()) == enrolled


@pytest.mark.parametrize(
    "over",
    [
        {"uuid": "not-a-uuid"},
        {"uuid": str(uuid.uuid4()).upper()},
        {"seq": 0},
        {"seq": True},
        {"at": "2026-02-13T10:00:00"},  # no offset
        {"at": "2026-02-13 10:00:00+07:00"},
        {"at": "2026-02-13T10:00:00+20:00"},
        {"officer": "can\x00bo"},
        {"payload": {"x": "\x00"}},
        {"payload": {"x": float("inf")}},
        {"kind": ""},
    ],
)
def test_invalid_events_are_protocol_errors(over: dict[str, object]) -> None:
    data = _event().to_json()
    data.update(over)
    with pytest.raises(ProtocolError):
        EventWire.from_json(data)


def test_push_bodies_are_bounded_both_ways() -> None:
    big = _event(payload={"blob": "x" * MAX_BATCH_BYTES})
    with pytest.raises(ProtocolError) as caught:
        encode_push(PushRequest(str(uuid.uuid4()), big.station_id, (big,)))
    assert caught.value.code == "batch_too_large"
    bomb = gzip.compress(b" " * (MAX_BATCH_BYTES * 4))
    with pytest.raises(ProtocolError) as caught:
        decode_push(bomb)
    assert caught.value.code == "batch_too_large"


@given(attempt=st.integers(min_value=0, max_value=10_000), r=st.floats(0, 1, exclude_max=True))
def test_back_off_grows_is_capped_and_jittered(attempt: int, r: float) -> None:
    delay = next_delay(attempt, base=5, cap=900, rng=lambda: r)
    ceiling = min(900, 5 * 2 ** min(attempt, 32))
    assert ceiling / 2 <= delay <= ceiling
    assert next_delay(0, rng=lambda: 0.0) == 2.5 and next_delay(20, rng=lambda: 0.999) < 900
