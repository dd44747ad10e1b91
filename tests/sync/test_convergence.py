"""Convergence by construction (issue 12 item 1), as a property.

Three real SQLite stations of one office and a province (an in-memory union of events with the
server's checks: validator, one creating event per dossier, duplicates by uuid). Hypothesis
draws interleavings of every action kind on shared dossiers at random stations, syncs in
random orders, clocks skewed by up to ±10 minutes (redrawn during the run), lost push answers
(the batch is stored, the station sends it again), pull pages that repeat earlier events and
shuffle their order, settlements of conflicts. After every station syncs twice:

- every station holds the server's events of each dossier, and its row equals the others';
- its row has the status, due date, finish and return times of the server's projection
  (``sync_protocol.projection.project_state`` over the union the server holds);
- its listed conflicts are the server projection's (same events, same reasons, same events
  clashed with), and every event is applied, in conflict or settled: none silently dropped.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter_app.app import open_station
from counter_app.domain.dossier import Dossier
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ, Event
from counter_app.services.actions import Action, record_action
from counter_app.services.station import StationContext
from counter_app.sync.engine import _from_wire, _to_wire, reproject, run_sync
from sync_protocol import (
    CREATING_KINDS,
    EventWire,
    PullResponse,
    PushRequest,
    PushResponse,
    PushResult,
    PushStatus,
    RejectReason,
)
from sync_protocol.events import SETTLE_KIND, event_problem
from sync_protocol.projection import DossierState, Outcome, project_state
from sync_protocol.status import TRANSITIONS
from tests.server.helpers import receive, record_event

START = datetime(2026, 3, 2, 8, 0, tzinfo=VN_TZ)
SKEW = timedelta(minutes=10)
PAYLOADS: dict[Action, dict[str, Any]] = {
    Action.HANDOVER: {"to": "Phong Tu phap"},
    Action.HANDBACK: {"note": "tra lai"},
    Action.RESULT: {"outcome": "approved"},
    Action.SUPPLEMENT_REQUEST: {"items": ["Ban sao"], "reason": "Thieu giay"},
    Action.SUPPLEMENT_RECEIVED: {},
    Action.APOLOGY: {"reason": "Cham"},  # new_due set when recorded
    Action.WITHDRAW: {"reason": "Cong dan xin rut"},
    Action.STOP: {"reason": "Dung"},
    Action.RETURN: {"receiver_name": "Nguyen Van Duc"},
    Action.RATING: {"rating": "hai_long"},
    Action.CORRECT: {"changes": {"sets": 2}},
    Action.AUTHORITY_RECEIVED: {"by": "Van thu"},  # refused unless cross-boundary
    Action.FEE: {"collected": 10_000, "method": "cash", "receipt_no": "BL-1"},
}


class SkewedClock:
    """Real time of the run plus this station's error (which may change)."""

    def __init__(self, world: list[datetime]) -> None:
        self.world = world
        self.offset = timedelta()

    def now(self) -> datetime:
        return self.world[0] + self.offset

    def today(self) -> Any:
        return self.now().date()


@dataclass
class Province:
    """The server's union of events, in server order, with its faults switched by ``rng``."""

    rng: random.Random = field(default_factory=random.Random)
    log: list[EventWire] = field(default_factory=list)
    by_uuid: dict[str, EventWire] = field(default_factory=dict)
    creator: dict[str, str] = field(default_factory=dict)  # dossier -> its creating event
    faults: bool = True

    def push(self, batch: PushRequest) -> PushResponse:
        results = []
        for event in batch.events:
            reason: str | None = None
            if (problem := event_problem(event)) is not None:
                reason = problem.reason()
            elif event.kind in CREATING_KINDS:
                held = self.creator.setdefault(event.dossier_uuid, event.uuid)
                reason = None if held == event.uuid else RejectReason.DUPLICATE_DOSSIER
            elif event.dossier_uuid not in self.creator:
                reason = RejectReason.UNKNOWN_DOSSIER
            if reason is not None:
                results.append(PushResult(event.uuid, PushStatus.REJECTED, str(reason)))
            elif event.uuid in self.by_uuid:
                results.append(PushResult(event.uuid, PushStatus.DUPLICATE))
            else:
                self.by_uuid[event.uuid] = event
                self.log.append(event)
                results.append(PushResult(event.uuid, PushStatus.ACCEPTED))
        if self.faults and self.rng.random() < 0.2:  # stored, but the answer is lost
            raise DomainError(ErrorCode.SYNC_UNREACHABLE)
        return PushResponse(batch.batch_id, tuple(results), START.isoformat())

    def pull(self, cursor: int, *, limit: int = 500) -> PullResponse:
        limit = min(limit, 4)  # small pages: several per pull
        page = list(self.log[cursor : cursor + limit])
        if self.faults and self.log and self.rng.random() < 0.5:
            page += self.rng.sample(self.log, min(2, len(self.log)))  # delivered again
            self.rng.shuffle(page)
        end = min(cursor + limit, len(self.log))
        return PullResponse(end, tuple(page), end < len(self.log), START.isoformat())

    def outcome(self, dossier_uuid: str) -> Outcome[DossierState]:
        return project_state([e for e in self.log if e.dossier_uuid == dossier_uuid])


@dataclass
class World:
    time: list[datetime]
    stations: list[StationContext]
    clocks: list[SkewedClock]
    province: Province


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("convergence")
    with pytest.MonkeyPatch.context() as env:  # never the user's folders
        env.setenv("COUNTER_APP_MIRROR_DIR", str(root / "mirror"))
        env.setenv("COUNTER_APP_DATA_DIR", str(root / "default-station"))
        yield from _world(root)


def _world(root: Path) -> Any:
    time = [START]
    clocks = [SkewedClock(time) for _ in range(3)]
    stations = []
    agency = None
    open_station(root / "template", clock=clocks[0]).store.close()  # seeding is slow: once
    for index, clock in enumerate(clocks):
        shutil.copytree(root / "template", root / f"station-{index}")
        ctx = open_station(root / f"station-{index}", clock=clock)
        office = ctx.office()
        agency = agency or office.agency_id
        office = replace(
            office,
            agency_id=agency,
            station_prefix=f"{101 + index}",
            station_id=str(uuid.UUID(int=index + 1, version=4)),
        )
        with ctx.store.db.atomic():
            ctx.store.config.set("office", asdict(office))
        stations.append(ctx)
    yield World(time, stations, clocks, Province())
    for ctx in stations:
        ctx.store.close()


def _settle(ctx: StationContext, dossier_uuid: str, pick: int) -> None:
    """Void one event in conflict, or the one it clashed with (as a leader would)."""
    open_ = [c for c in ctx.store.sync.conflicts() if c.event.dossier_uuid == dossier_uuid]
    if not open_:
        return
    chosen = open_[pick % len(open_)]
    target = chosen.event.uuid if pick % 2 or not chosen.clashed_with else chosen.clashed_with
    kinds = {e.uuid: e.kind for e in ctx.store.dossiers.events_of(dossier_uuid)}
    if kinds.get(target) in CREATING_KINDS or kinds.get(target) == SETTLE_KIND:
        target = chosen.event.uuid
    with ctx.store.db.atomic():
        event = ctx.new_event(
            dossier_uuid=dossier_uuid,
            kind=SETTLE_KIND,
            officer="lanhdao",
            at=ctx.clock.now(),
            payload={"voided": [target], "note": "settled in the test"},
        )
        _append_own(ctx, event)
        reproject(ctx, dossier_uuid)  # the settle contract: re-project in the same transaction


def _append_own(ctx: StationContext, event: Event) -> None:
    dossier = ctx.store.dossiers.by_uuid(event.dossier_uuid)
    assert dossier is not None
    ctx.store.dossiers.append(dossier, event, queued_at=ctx.clock.now())


def _act(world: World, station: int, dossier: Dossier, action: Action) -> None:
    ctx = world.stations[station]
    current = ctx.store.dossiers.by_uuid(dossier.uuid)
    if current is None:  # not pulled here yet
        return
    # An action the counter would refuse at this status writes nothing: take instead one the
    # status allows (chosen by the drawn one), so that histories go deep and clash often.
    allowed = [a for a in Action if current.status.value in TRANSITIONS[a.kind.value][0]]
    if action not in allowed and allowed:
        action = allowed[list(Action).index(action) % len(allowed)]
    payload = dict(PAYLOADS.get(action, {}))
    if action is Action.APOLOGY and current.due_at is not None:
        payload["new_due"] = (current.due_at + timedelta(days=3)).isoformat()
    if action is Action.APPROVAL_REQUEST:  # an officer's draft of a correction (issue 13)
        payload = {"action": "correct", "request": dict(PAYLOADS[Action.CORRECT])}
    elif action is Action.APPROVAL_DECLINE and current.pending:  # a leader declines a draft
        payload = {"draft": current.pending[0]["uuid"], "reason": "Khong duyet"}
    leader = (Action.APOLOGY, Action.CORRECT, Action.APPROVAL_DECLINE)
    officer = "lanhdao" if action in leader else "canbo"
    with contextlib.suppress(DomainError):  # refused at this counter: nothing written
        record_action(ctx, current, action, officer=officer, payload=payload)


ACT = st.tuples(st.just("act"), st.integers(0, 2), st.integers(0, 1), st.sampled_from(list(Action)))
OPS = st.one_of(
    ACT,
    ACT,
    ACT,
    st.tuples(st.just("sync"), st.integers(0, 2), st.just(0), st.just(None)),
    st.tuples(st.just("skew"), st.integers(0, 2), st.integers(-600, 600), st.just(None)),
    st.tuples(st.just("settle"), st.integers(0, 2), st.integers(0, 7), st.just(None)),
    st.tuples(st.just("settle"), st.integers(0, 2), st.integers(0, 7), st.just(None)),
)


def _check(world: World, dossiers: list[str]) -> None:
    province = world.province
    for dossier_uuid in dossiers:
        outcome = province.outcome(dossier_uuid)
        held = {e.uuid for e in province.log if e.dossier_uuid == dossier_uuid}
        accounted = set(outcome.applied) | {c.event_uuid for c in outcome.conflicts}
        assert accounted | {s.event_uuid for s in outcome.settled} == held  # none dropped
        state = outcome.state
        assert state is not None and outcome.status is not None
        rows = []
        for ctx in world.stations:
            events = {e.uuid for e in ctx.store.dossiers.events_of(dossier_uuid)}
            assert events == held
            row = ctx.store.dossiers.by_uuid(dossier_uuid)
            assert row is not None
            rows.append(row)
            assert row.status.value == outcome.status
            assert _iso(row.due_at) == _iso(state.due_at)
            assert _iso(row.original_due_at) == _iso(state.original_due_at)
            assert _iso(row.finished_at) == _iso(state.finished_at)
            assert _iso(row.returned_at) == _iso(state.returned_at)
            assert row.apology_issued == state.apology_issued
            listed = sorted(
                (c.event.uuid, c.reason, c.clashed_with)
                for c in ctx.store.sync.conflicts()
                if c.event.dossier_uuid == dossier_uuid
            )
            expected = sorted((c.event_uuid, c.reason, c.clashed_with) for c in outcome.conflicts)
            assert listed == expected
        assert rows[0] == rows[1] == rows[2]


def _iso(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _sync(world: World, station: int) -> None:
    run_sync(world.stations[station], world.province)  # type: ignore[arg-type]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    creators=st.lists(st.integers(0, 2), min_size=1, max_size=2),
    ops=st.lists(OPS, min_size=15, max_size=40),
    seed=st.integers(0, 2**32),
)
def test_every_station_converges_on_the_servers_projection(
    world: World, creators: list[int], ops: list[tuple[str, int, int, Any]], seed: int
) -> None:
    world.province.rng.seed(seed)
    world.province.faults = False
    world.time[0] += timedelta(hours=1)
    # the second dossier is cross-boundary: the authority's receipt converges too
    scopes = ("", "other_agency")
    dossiers = [
        receive(world.stations[i], cross_boundary=scopes[n % 2])[0] for n, i in enumerate(creators)
    ]
    for station in [*sorted(set(creators)), 0, 1, 2]:  # every station holds them
        _sync(world, station)
    world.province.faults = True
    for op, station, value, action in ops:
        world.time[0] += timedelta(seconds=30)
        if op == "act":
            _act(world, station, dossiers[value % len(dossiers)], action)
        elif op == "sync":
            _sync(world, station)
        elif op == "skew":
            world.clocks[station].offset = timedelta(seconds=value)
        else:
            _settle(world.stations[station], dossiers[value % len(dossiers)].uuid, value)
    world.province.faults = False
    for _ in range(2):  # everyone syncs twice
        for station in range(3):
            _sync(world, station)
    _check(world, [d.uuid for d in dossiers])


def test_what_a_station_does_after_seeing_an_event_is_ordered_after_it(world: World) -> None:
    """A station 10 minutes behind acts after pulling the handover of a station 10 minutes
    ahead: its hand-back (dated 20 minutes before the handover by its clock) is ordered after
    the handover at every station and at the server, so nothing is in conflict."""
    world.province.faults = False
    ahead, behind = world.stations[0], world.stations[1]
    world.clocks[0].offset, world.clocks[1].offset = SKEW, -SKEW
    world.time[0] += timedelta(hours=1)
    (dossier,) = receive(ahead)
    record_event(ahead, dossier.uuid, "handed_over", {"to": "Phong"})
    _sync(world, 0)
    _sync(world, 1)
    handback = record_event(behind, dossier.uuid, "handed_back", {"note": "thieu"})
    assert handback.status.value == "received"
    for station in (1, 0, 2):
        _sync(world, station)
    server = world.province.outcome(dossier.uuid)
    assert server.status == "received" and not server.conflicts
    for ctx in world.stations:
        events = sorted(ctx.store.dossiers.events_of(dossier.uuid), key=Event.order_key)
        assert [e.kind for e in events] == ["received", "handed_over", "handed_back"]
        assert events[2].at < events[1].at  # its clock says before, the order says after
        stored = ctx.store.dossiers.by_uuid(dossier.uuid)
        assert stored is not None and stored.status.value == "received"
        assert not [c for c in ctx.store.sync.conflicts() if c.event.dossier_uuid == dossier.uuid]
    wires = [_to_wire(e) for e in behind.store.dossiers.events_of(dossier.uuid)]
    assert all(_from_wire(w).payload.get("hlc") for w in wires)  # stamped, on the wire too


def test_the_issues_scenario_converges_lists_the_conflict_and_settles(world: World) -> None:
    """A (result, then return) and B (withdrawal) act offline on one dossier: after syncing
    all three stations and the server show one status and list B's withdrawal or A's
    actions in conflict; voiding the withdrawal (a leader at C) applies the rest everywhere."""
    world.province.faults = False
    a, b, c = world.stations
    for clock in world.clocks:
        clock.offset = timedelta()
    world.time[0] += timedelta(hours=1)
    (dossier,) = receive(a)
    for station in (0, 1, 2):
        _sync(world, station)
    world.time[0] += timedelta(minutes=5)
    row_b = b.store.dossiers.by_uuid(dossier.uuid)
    assert row_b is not None
    record_action(b, row_b, Action.WITHDRAW, officer="canbo", payload={"reason": "Rut"})
    world.time[0] += timedelta(minutes=5)
    row_a = a.store.dossiers.by_uuid(dossier.uuid)
    assert row_a is not None
    row_a, _ = record_action(a, row_a, Action.RESULT, officer="canbo", payload={})
    record_action(a, row_a, Action.RETURN, officer="canbo", payload=PAYLOADS[Action.RETURN])
    for _ in range(2):
        for station in (0, 1, 2):
            _sync(world, station)
    _check(world, [dossier.uuid])
    server = world.province.outcome(dossier.uuid)
    assert server.status == "withdrawn"  # the withdrawal came first
    assert sorted(c.kind for c in server.conflicts) == ["result_received", "returned"]
    withdrawal = next(
        e for e in world.province.log if e.kind == "withdrawn" and e.dossier_uuid == dossier.uuid
    )
    assert {c.clashed_with for c in server.conflicts} == {withdrawal.uuid}
    _settle_void(c, dossier.uuid, withdrawal.uuid)
    for _ in range(2):
        for station in (2, 0, 1):
            _sync(world, station)
    _check(world, [dossier.uuid])
    server = world.province.outcome(dossier.uuid)
    assert server.status == "returned" and not server.conflicts
    assert [s.event_uuid for s in server.settled] == [withdrawal.uuid]


def _settle_void(ctx: StationContext, dossier_uuid: str, target: str) -> None:
    with ctx.store.db.atomic():
        event = ctx.new_event(
            dossier_uuid=dossier_uuid,
            kind=SETTLE_KIND,
            officer="lanhdao",
            at=ctx.clock.now(),
            payload={"voided": [target], "note": "withdrawal recorded by mistake"},
        )
        _append_own(ctx, event)
        assert reproject(ctx, dossier_uuid)  # clean at once, at the settling station
