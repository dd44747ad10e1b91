"""The projection file (storage/projection.py, issue 16 item 1): the dossier rows, the search
index, the outbox and the events' dossier index are rebuilt from the events, whether the file
is lost, left behind by a power cut, or ahead of a durable file put back by hand."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.errors import DomainError
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.services import lookup
from counter_app.services.actions import Action, record_action
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.storage import projection
from tests.conftest import make_applicant

FIVE_DAYS = ProcessingTime(TimeUnit.WORKING_DAYS, 5)
NAMES = ("Trần Ngọc Ánh", "Lê Văn Bình", "Phạm Thị Cúc", "Hoàng Đức Dũng", "Vũ Minh Hà")
STEPS = (
    (Action.HANDOVER, {"to": "Công chức Tư pháp - Hộ tịch"}),
    (Action.SUPPLEMENT_REQUEST, {"items": ["Tờ khai"], "reason": "Thiếu chữ ký"}),
    (Action.SUPPLEMENT_RECEIVED, {}),
    (Action.RESULT, {"outcome": "approved"}),
    (Action.RETURN, {"receiver_name": "Nguyễn Văn Đức"}),
)


def _history(ctx: StationContext, clock: FixedClock, rng: random.Random, count: int) -> None:
    """``count`` receptions, each followed by a random prefix of the usual follow-up."""
    for n in range(count):
        applicant = make_applicant(name=rng.choice(NAMES), id_number=f"0010900{n:05d}")
        request = ReceptionRequest(procedure_code="1.004873", applicant=applicant, time=FIVE_DAYS)
        dossier = receive_dossier(ctx, request, officer="canbo")[0]
        for action, payload in STEPS[: rng.randint(0, len(STEPS))]:
            clock.advance(minutes=rng.randint(1, 90))
            try:
                dossier = record_action(ctx, dossier, action, officer="canbo", payload=payload)[0]
            except DomainError:
                break
        clock.advance(minutes=7)


def _state(ctx: StationContext) -> dict[str, Any]:
    """What the projection shows: every dossier, the queue, the search and the event index."""
    store = ctx.store
    store.dossiers.flush_search()
    conn = store.db.conn
    uuids = [r[0] for r in conn.execute("SELECT uuid FROM dossiers ORDER BY uuid")]
    return {
        "dossiers": [store.dossiers.by_uuid(u) for u in uuids],
        "outbox": sorted(r[0] for r in conn.execute("SELECT event_uuid, chain_pos FROM outbox")),
        "chained": conn.execute("SELECT count(*) FROM outbox WHERE chain_pos IS NULL").fetchone(),
        "events": sorted(conn.execute("SELECT dossier_uuid, event_rowid FROM event_dossiers")),
        "search": {name: [d.uuid for d in lookup.search(ctx, name)] for name in NAMES},
        "problems": store.check(),
    }


def _assert_reopens_as(folder: Path, clock: FixedClock, expected: dict[str, Any]) -> None:
    ctx = open_station(folder, clock=clock)
    try:
        assert _state(ctx) == expected
    finally:
        ctx.store.close()


def _station(folder: Path, clock: FixedClock, seed: int, count: int) -> dict[str, Any]:
    """A station with a random history of ``count`` dossiers, closed; its state."""
    ctx = open_station(folder, clock=clock)
    _history(ctx, clock, random.Random(seed), count)
    state = _state(ctx)
    ctx.store.close()
    return state


def _drop(folder: Path) -> None:
    for path in projection.projection_files(folder / "counter.db"):
        path.unlink(missing_ok=True)


def test_a_lost_projection_is_rebuilt_equal_from_the_events(
    tmp_path: Path, clock: FixedClock
) -> None:
    for seed in range(3):  # random histories
        folder = tmp_path / f"st{seed}"
        ctx = open_station(folder, clock=clock)
        _history(ctx, clock, random.Random(seed), 12)
        ctx.store.sync.mark_acked(  # the province acknowledged the first few events
            [
                r[0]
                for r in ctx.store.db.conn.execute("SELECT uuid FROM events ORDER BY rowid LIMIT 9")
            ]
        )
        before = _state(ctx)
        ctx.store.close()
        _drop(folder)
        ctx = open_station(folder, clock=clock)
        try:
            assert _state(ctx) == before
            assert before["problems"] == [] and before["chained"] == (0,)
            assert len(before["outbox"]) == len(before["events"]) - 9
        finally:
            ctx.store.close()


def test_a_projection_left_behind_by_a_power_cut_catches_up(
    tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "st"
    _station(folder, clock, 7, 4)
    behind = tmp_path / "behind"
    behind.mkdir()
    for path in projection.projection_files(folder / "counter.db"):
        if path.exists():
            shutil.copy2(path, behind / path.name)
    ctx = open_station(folder, clock=clock)
    _history(ctx, clock, random.Random(8), 5)  # committed in the durable file...
    after = _state(ctx)
    ctx.store.close()
    _drop(folder)  # ... but the projection file lost its last commits
    for path in behind.iterdir():
        shutil.copy2(path, folder / path.name)
    _assert_reopens_as(folder, clock, after)


def test_a_projection_ahead_of_a_durable_file_put_back_is_rolled_back(
    tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "st"
    before = _station(folder, clock, 11, 4)
    older = tmp_path / "counter.db"
    shutil.copy2(folder / "counter.db", older)
    ctx = open_station(folder, clock=clock)
    _history(ctx, clock, random.Random(12), 3)
    ctx.store.close()
    shutil.copy2(older, folder / "counter.db")  # the durable file put back by hand
    _assert_reopens_as(folder, clock, before)


def test_a_damaged_projection_file_is_rebuilt_not_reported(
    tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "st"
    before = _station(folder, clock, 3, 6)
    path = projection.projection_path(folder / "counter.db")
    data = bytearray(path.read_bytes())
    data[4096 * 3 : 4096 * 6] = b"\xff" * (4096 * 3)  # pages of its trees overwritten
    path.write_bytes(bytes(data))
    _assert_reopens_as(folder, clock, before)


def test_the_save_flushes_only_the_durable_file(tmp_path: Path, clock: FixedClock) -> None:
    ctx = open_station(tmp_path / "st", clock=clock)
    try:
        conn = ctx.store.db.conn
        assert conn.execute("PRAGMA main.synchronous").fetchone() == (2,)  # FULL
        assert conn.execute("PRAGMA proj.synchronous").fetchone() == (1,)  # NORMAL
        durable = {r[0] for r in conn.execute("SELECT name FROM main.sqlite_master")}
        assert not {"dossiers", "outbox", "dossier_search", "idx_events_dossier_uuid"} & durable
        backup = ctx.store.backup(kind="manual")
        copy = sqlite3.connect(backup)
        try:  # a backup holds the events, and says what it holds
            names = {r[0] for r in copy.execute("SELECT name FROM sqlite_master")}
            assert "events" in names and "dossiers" not in names
        finally:
            copy.close()
    finally:
        ctx.store.close()
