"""Numbering after a loss (issue 12, storage/recovery.py), on real SQLite files.

A restore (any backup) or a ledger lost with its mirror holds minting back: the refusal is a
Vietnamese sentence and nothing is written; the officer's confirmation (or a sync that
brought the marks) starts a recovery block whose codes no normal numbering reaches; the
server's high-water marks raise the counters; a migrated 2-digit station continues with 3.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from counter_app import texts
from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.codes import parse_code, split_sequence
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import maintenance, numbering
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.storage import recovery
from counter_app.storage.store import DB_NAME, LEDGER_NAME, mirror_path
from sync_protocol.codes import RECOVERY_BASE, HighWater
from tests.conftest import make_applicant

AGENCY = "000.00.19.H56"


def _receive(ctx: StationContext, count: int = 1) -> list[str]:
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    return [str(receive_dossier(ctx, request, officer="canbo")[0].code) for _ in range(count)]


def _counter(ctx: StationContext, code: str) -> int:
    found = split_sequence(parse_code(code).sequence, (ctx.office().station_prefix,))
    assert found is not None
    return found[1]


def _refused_to_mint(ctx: StationContext) -> None:
    before = ctx.store.dossiers.count()
    with pytest.raises(DomainError) as refused:
        _receive(ctx)
    assert refused.value.code is ErrorCode.CODES_RECOVERY_PENDING
    assert "đồng bộ" in texts.error_message(refused.value)
    assert ctx.store.dossiers.count() == before


def test_a_restore_holds_minting_back_until_offline_is_confirmed(
    tmp_path: Path, clock: FixedClock
) -> None:
    ctx = open_station(tmp_path / "station", clock=clock)
    early = _receive(ctx, 2)
    backup = ctx.store.backup(kind="manual")
    later = _receive(ctx, 3)
    ctx.store.close()
    maintenance.restore(
        tmp_path / "station", backup, mirror_dir=tmp_path / "mirror", officer="admin"
    )
    ctx = open_station(tmp_path / "station", clock=clock)
    try:
        assert numbering.numbering_state(ctx).pending
        _refused_to_mint(ctx)
        block, _ = numbering.confirm_offline(ctx, officer="admin")
        assert block == 1000  # 10:00, the hour and minute of the recovery
        codes = _receive(ctx, 2)
        assert not set(codes) & set(early + later)
        assert [_counter(ctx, c) for c in codes] == [
            RECOVERY_BASE + 1000 * 1000 + n for n in (1, 2)
        ]
        assert codes[0].endswith("-00091000001")  # prefix 000 (demo), 9, 10:00, 001
        with pytest.raises(DomainError) as again:
            numbering.confirm_offline(ctx, officer="admin")
        assert again.value.code is ErrorCode.CODES_RECOVERY_NOT_PENDING
        audit = [e["action"] for e in ctx.store.audit.entries()]
        assert "codes_offline" in audit
    finally:
        ctx.store.close()
    # The next day is numbered normally again (nothing could be minted for it before).
    clock.at += timedelta(days=1)
    ctx = open_station(tmp_path / "station", clock=clock)
    try:
        assert [_counter(ctx, c) for c in _receive(ctx)] == [1]
    finally:
        ctx.store.close()


def test_a_lost_ledger_and_mirror_hold_minting_back(tmp_path: Path, clock: FixedClock) -> None:
    folder = tmp_path / "station"
    ctx = open_station(folder, clock=clock)
    minted = _receive(ctx, 3)
    ctx.store.close()
    (folder / LEDGER_NAME).unlink()
    mirror_path(tmp_path / "mirror", folder).unlink()
    ctx = open_station(folder, clock=clock)
    try:
        _refused_to_mint(ctx)
        assert numbering.numbering_state(ctx).reason == "ledger_lost"
        numbering.confirm_offline(ctx, officer="admin")
        assert not set(_receive(ctx, 2)) & set(minted)
    finally:
        ctx.store.close()


def test_a_second_recovery_in_the_same_minute_takes_the_next_block(
    tmp_path: Path, clock: FixedClock
) -> None:
    ctx = open_station(tmp_path / "station", clock=clock)
    try:
        store = ctx.store
        for expected in (1000, 1001):
            with store.db.atomic():
                recovery.require_recovery(store.config, reason="restore", at=clock.now())
            assert numbering.confirm_offline(ctx, officer="admin")[0] == expected
            assert _counter(ctx, _receive(ctx)[0]) == RECOVERY_BASE + expected * 1000 + 1
    finally:
        ctx.store.close()


def test_marks_raise_the_counters_and_a_mark_above_them_starts_a_block(
    tmp_path: Path, clock: FixedClock
) -> None:
    ctx = open_station(tmp_path / "station", clock=clock)
    try:
        store = ctx.store
        today = clock.now().date()
        earlier = today - timedelta(days=3)
        with store.db.atomic():
            recovery.apply_marks(
                store.config,
                store.counters,
                (HighWater(AGENCY, earlier, 41),),
                now=clock.now(),
                complete=False,
            )
        # The database was behind the server: today's codes come from a recovery block,
        # a code of the marked day (received late, backdated) too.
        assert _counter(ctx, _receive(ctx)[0]) == RECOVERY_BASE + 1000 * 1000 + 1
        assert store.counters.current(recovery.code_counter_name(AGENCY, earlier)) == 41
        assert recovery.recovery_state(store.config)["via"] == "server"  # type: ignore[index]
        # Recovery counters are never marks: a mark in the range is ignored.
        with store.db.atomic():
            recovery.apply_marks(
                store.config,
                store.counters,
                (HighWater(AGENCY, today + timedelta(days=1), 7),),
                now=clock.now(),
                complete=False,
            )
        clock.at += timedelta(days=1)
        assert _counter(ctx, _receive(ctx)[0]) == 8  # never at or below the mark
    finally:
        ctx.store.close()


def test_normal_numbering_never_reaches_the_recovery_range(
    tmp_path: Path, clock: FixedClock
) -> None:
    ctx = open_station(tmp_path / "station", clock=clock)
    try:
        name = recovery.code_counter_name(AGENCY, clock.now().date())
        with ctx.store.db.atomic():
            ctx.store.counters.raise_to({name: RECOVERY_BASE - 2})
        assert _counter(ctx, _receive(ctx)[0]) == RECOVERY_BASE - 1
        with pytest.raises(DomainError) as refused:
            _receive(ctx)
        assert refused.value.code is ErrorCode.CODE_COUNTER_EXHAUSTED
    finally:
        ctx.store.close()


def test_m0017_widens_a_two_digit_prefix_and_keeps_the_old_one(
    tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "station"
    ctx = open_station(folder, clock=clock)
    ctx.store.close()
    conn = sqlite3.connect(folder / DB_NAME)
    with conn:
        office = json.loads(
            conn.execute("SELECT value FROM config WHERE key='office'").fetchone()[0]
        )
        office["station_prefix"] = "07"
        conn.execute("UPDATE config SET value = ? WHERE key = 'office'", (json.dumps(office),))
        conn.execute("DELETE FROM _migrations WHERE name = 'm0017_three_digit_prefixes'")
    conn.close()
    ctx = open_station(folder, clock=clock)
    try:
        assert ctx.office().station_prefix == "007"
        assert recovery.former_prefixes(ctx.store.config) == ["07"]
        assert _receive(ctx)[0].endswith("-0070001")
        assert parse_code(f"{AGENCY}-260213-070051").sequence == "070051"  # old codes parse
    finally:
        ctx.store.close()


def test_new_database_without_any_ledger_holds_minting_back(
    tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "station"
    ctx = open_station(folder, clock=clock)
    _receive(ctx, 2)
    ctx.store.close()
    shutil.rmtree(folder)
    shutil.rmtree(tmp_path / "mirror")
    folder.mkdir()
    (folder / DB_NAME).write_bytes(b"")
    from counter_app.storage.loss import recreate_database

    recreate_database(folder, mirror_dir=tmp_path / "mirror")
    ctx = open_station(folder, clock=clock)
    try:
        _refused_to_mint(ctx)
    finally:
        ctx.store.close()


def test_a_day_without_loss_numbers_from_one(tmp_path: Path, clock: FixedClock) -> None:
    ctx = open_station(tmp_path / "station", clock=clock)
    try:
        assert not numbering.numbering_state(ctx).pending
        assert [_counter(ctx, c) for c in _receive(ctx, 2)] == [1, 2]
        assert date.fromisoformat("2026-02-13") == clock.now().date()
    finally:
        ctx.store.close()
