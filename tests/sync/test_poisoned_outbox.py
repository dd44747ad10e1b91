"""The counter's side of issue 17: an event the server would refuse is refused before it is
committed, and one already queued (written by an older version) never holds back the rest."""

from __future__ import annotations

import json

import pytest

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services.actions import Action, record_action
from counter_app.services.station import StationContext
from counter_app.sync.engine import push_outbox
from sync_protocol import PushRequest, PushResponse, PushResult, PushStatus
from sync_protocol.events import event_problem
from tests.server.helpers import receive


class _Recorder:
    """A transport that accepts everything and remembers what it was sent."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def push(self, batch: PushRequest) -> PushResponse:
        assert all(event_problem(e) is None for e in batch.events)  # never sends poison
        self.sent += [e.uuid for e in batch.events]
        results = tuple(PushResult(e.uuid, PushStatus.ACCEPTED) for e in batch.events)
        return PushResponse(batch.batch_id, results, "2026-03-02T02:00:00+00:00")


@pytest.mark.parametrize(
    ("note", "field", "problem"),
    [("a\x00b", "note", "characters"), ("x" * 2001, "note", "too_long")],
)
def test_an_action_the_server_would_refuse_is_refused_before_anything_is_written(
    station: StationContext, note: str, field: str, problem: str
) -> None:
    (dossier,) = receive(station)
    before = station.store.sync.waiting()
    with pytest.raises(DomainError) as refused:
        record_action(
            station, dossier, Action.HANDOVER, officer="canbo", payload={"to": "P", "note": note}
        )
    assert refused.value.code is ErrorCode.APPLICANT_FIELD_INVALID
    assert (refused.value.params["field"], refused.value.params["problem"]) == (field, problem)
    assert station.store.sync.waiting() == before
    assert station.store.dossiers.events_of(dossier.uuid)[-1].kind == "received"


def test_a_queued_invalid_event_is_set_aside_and_the_rest_is_sent(
    station: StationContext,
) -> None:
    dossiers = receive(station, 3)
    poisoned = station.store.dossiers.events_of(dossiers[1].uuid)[0]
    payload = {**poisoned.payload, "code": None}  # as an older counter could queue it
    conn = station.store.db.conn
    conn.execute(
        "UPDATE events SET payload = ? WHERE uuid = ?", (json.dumps(payload), poisoned.uuid)
    )
    transport = _Recorder()
    tally = push_outbox(station, transport)  # type: ignore[arg-type]
    assert tally.rejected == 1 and tally.pushed == 2
    assert poisoned.uuid not in transport.sent and len(transport.sent) == 2
    assert station.store.sync.waiting() == 0
    (refused,) = station.store.sync.rejected()
    assert refused.event.uuid == poisoned.uuid and refused.reason == "missing_field:code"
