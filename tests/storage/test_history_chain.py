"""The history chain (storage/chain.py) on real SQLite files, tampered with through sqlite3."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from counter_app import paths
from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.storage import chain, projection
from counter_app.storage.migrations import MIGRATIONS
from counter_app.storage.store import Store
from tests.conftest import make_applicant


def _receive(ctx: StationContext, n: int = 1) -> None:
    for _ in range(n):
        request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
        receive_dossier(ctx, request, officer="canbo")


def _station(tmp_path: Path, clock: FixedClock, dossiers: int = 3) -> Path:
    ctx = open_station(tmp_path / "st", clock=clock)
    _receive(ctx, dossiers)
    ctx.store.close()
    return tmp_path / "st"


def _tamper(folder: Path, sql: str) -> None:
    conn = sqlite3.connect(folder / "counter.db")
    projection.attach(conn, folder / "counter.db")  # the outbox is in the projection file
    with conn:
        conn.execute(sql)
    conn.close()


def _reopen(folder: Path) -> Store:
    return Store(folder, mirror_dir=paths.mirror_dir())


@contextmanager
def _opened(folder: Path) -> Iterator[Store]:
    store = _reopen(folder)
    try:
        yield store
    finally:
        store.close()


def _kinds(breaks: list[chain.ChainBreak]) -> set[str]:
    return {b.kind for b in breaks}


def test_every_own_event_and_audit_entry_is_chained(tmp_path: Path, clock: FixedClock) -> None:
    store = _reopen(_station(tmp_path, clock))
    try:
        conn = store.db.conn
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
        audits = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        head = store.chain.head()
        assert head is not None and head.pos == events + audits and events >= 3
        assert store.open_breaks == [] and store.history_breaks() == []
    finally:
        store.close()
    saved = (tmp_path / "st" / chain.HEAD_NAME).read_text().split()
    assert saved == [str(head.pos), head.hash]


def test_an_edited_event_is_found_at_open_and_by_the_full_check(
    tmp_path: Path, clock: FixedClock
) -> None:
    folder = _station(tmp_path, clock)
    _tamper(folder, "UPDATE events SET officer = 'someone' WHERE seq = 2")
    with _opened(folder) as store:
        assert chain.EDITED in _kinds(store.open_breaks)
        assert chain.EDITED in _kinds(store.history_breaks())


def test_a_deleted_audit_row_is_found(tmp_path: Path, clock: FixedClock) -> None:
    folder = _station(tmp_path, clock)
    _tamper(folder, "DELETE FROM audit_log WHERE id = (SELECT min(id) FROM audit_log)")
    with _opened(folder) as store:
        assert chain.MISSING in _kinds(store.history_breaks())


def test_a_row_and_its_chain_row_deleted_break_the_link(tmp_path: Path, clock: FixedClock) -> None:
    folder = _station(tmp_path, clock)
    victim = "(SELECT ref FROM chain WHERE source = 'event' ORDER BY pos LIMIT 1)"
    _tamper(folder, f"DELETE FROM outbox WHERE event_uuid = {victim}")
    _tamper(
        folder,
        f"DELETE FROM events WHERE uuid = {victim}",
    )
    _tamper(
        folder, "DELETE FROM chain WHERE pos = (SELECT min(pos) FROM chain WHERE source = 'event')"
    )
    with _opened(folder) as store:
        assert chain.LINK in _kinds(store.history_breaks())


def test_a_cut_tail_or_a_recomputed_chain_is_found_against_the_head_file(
    tmp_path: Path, clock: FixedClock
) -> None:
    folder = _station(tmp_path, clock)
    last = "(SELECT max(pos) FROM chain)"
    _tamper(
        folder,
        f"DELETE FROM audit_log WHERE CAST(id AS TEXT) = (SELECT ref FROM chain WHERE pos = {last}"
        " AND source = 'audit')",
    )
    _tamper(folder, f"DELETE FROM chain WHERE pos = {last}")
    with _opened(folder) as store:
        assert chain.TRUNCATED in _kinds(store.open_breaks)
    # The break is still reported at the next open (the head file is not moved on).
    with _opened(folder) as store:
        assert store.open_breaks


def test_a_restore_takes_the_head_back_without_a_false_alarm(
    tmp_path: Path, clock: FixedClock
) -> None:
    from counter_app.services import maintenance

    ctx = open_station(tmp_path / "st", clock=clock)
    _receive(ctx)
    backup = ctx.store.backup()
    _receive(ctx, 2)
    ctx.store.close()
    maintenance.restore(tmp_path / "st", backup, mirror_dir=paths.mirror_dir(), officer="canbo")
    store = _reopen(tmp_path / "st")
    try:
        assert store.open_breaks == [] and store.history_breaks() == []
    finally:
        store.close()


def test_the_migration_chains_the_rows_stored_before_it(tmp_path: Path, clock: FixedClock) -> None:
    folder = _station(tmp_path, clock)
    _tamper(folder, "DROP TABLE chain")
    _tamper(folder, "DELETE FROM _migrations WHERE name = 'm0014_history_chain'")
    (folder / chain.HEAD_NAME).unlink()
    for path in paths.mirror_dir().glob(chain.HEAD_NAME + "*"):
        path.unlink()
    with _opened(folder) as store:
        assert "m0014_history_chain" in store.applied_now
        head = store.chain.head()
        assert head is not None and head.pos >= 6
        assert store.history_breaks() == []
    assert "m0014_history_chain" in [name for name, _ in MIGRATIONS]


def test_a_row_added_outside_the_program_is_found_at_open(
    tmp_path: Path, clock: FixedClock
) -> None:
    folder = _station(tmp_path, clock)
    _tamper(
        folder,
        "INSERT INTO audit_log (at, officer, action, dossier_uuid, detail)"
        " VALUES ('2026-02-13T10:00:00+07:00', 'canbo', 'login', NULL, '{}')",
    )
    with _opened(folder) as store:
        assert chain.UNCHAINED in _kinds(store.open_breaks)
        assert chain.UNCHAINED in _kinds(store.history_breaks())


def test_a_forged_event_queued_in_the_stations_name_is_found_but_a_pulled_one_is_not(
    tmp_path: Path, clock: FixedClock
) -> None:
    folder = _station(tmp_path, clock)
    copy = (
        "INSERT INTO events SELECT '{uuid}', dossier_uuid, kind, station_id, seq + 1000,"
        " officer, at, payload FROM events ORDER BY seq LIMIT 1"
    )
    # An own event that came back by a pull (after a restore): no outbox row, no break.
    _tamper(folder, copy.format(uuid="00000000-0000-4000-8000-000000000001"))
    with _opened(folder) as store:
        assert store.history_breaks() == []
    # The same, queued to be sent in the station's name: forged.
    forged = "00000000-0000-4000-8000-000000000002"
    _tamper(folder, copy.format(uuid=forged).replace("seq + 1000", "seq + 2000"))
    _tamper(folder, f"INSERT INTO outbox (event_uuid, queued_at) VALUES ('{forged}', 'x')")
    with _opened(folder) as store:
        assert chain.UNCHAINED in _kinds(store.open_breaks)
        assert chain.UNCHAINED in _kinds(store.history_breaks())
