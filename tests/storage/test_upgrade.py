"""Upgrades: a database made by an older schema (checked-in fixture) is backed up, then
migrated; a database made by a newer version is refused and left exactly as it was."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from counter_app import paths, texts
from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import lookup, numbering
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.storage.migrations import MIGRATIONS
from counter_app.storage.store import Store, inspect_backup, parse_backup_name, restore_backup
from tests.conftest import make_applicant

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "counter-schema-m0005.db"
OLD_CODES = {f"000.00.19.H56-250602-00000{n}" for n in (1, 2, 3)}


def _migrations(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]
    finally:
        conn.close()


def _old_station(tmp_path: Path) -> Path:
    folder = tmp_path / "st"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / "counter.db")
    return folder


def test_fixture_is_an_old_schema() -> None:
    assert _migrations(FIXTURE) == [name for name, _ in MIGRATIONS[:5]]
    assert FIXTURE.stat().st_size < 300_000


def test_older_database_is_backed_up_then_migrated(tmp_path: Path, clock: FixedClock) -> None:
    folder = _old_station(tmp_path)
    ctx = open_station(folder, clock=clock)
    try:
        backup = ctx.store.upgrade_backup
        assert backup is not None and backup.parent == folder / "backups"
        parsed = parse_backup_name(backup)
        assert parsed is not None and parsed.kind == "upgrade"
        # The copy is the database as the old version left it.
        assert _migrations(backup) == [name for name, _ in MIGRATIONS[:5]]
        info = inspect_backup(backup)
        assert (info.dossiers, info.kind) == (3, "upgrade")
        assert info.last_code == "000.00.19.H56-250602-000003"
        # The live one is at head, with the old dossiers readable and searchable.
        assert ctx.store.applied_now == [name for name, _ in MIGRATIONS[5:]]
        assert _migrations(folder / "counter.db") == [name for name, _ in MIGRATIONS]
        assert ctx.store.dossiers.count() == 3
        found = lookup.search(ctx, "bich ngoc", limit=5)
        assert [d.code for d in found] == ["000.00.19.H56-250602-000001"]
        assert ctx.store.check() == []
        request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
        dossier, _ = receive_dossier(ctx, request, officer="canbo")
        assert dossier.code is not None and dossier.code not in OLD_CODES
    finally:
        ctx.store.close()
    # Opening again: nothing left to migrate, so no second upgrade backup.
    again = Store(folder, mirror_dir=paths.mirror_dir())
    try:
        assert again.upgrade_backup is None and again.applied_now == []
    finally:
        again.close()
    assert len(list((folder / "backups").glob("*-upgrade.db"))) == 1


def test_the_upgrade_backup_restores_and_codes_stay_new(tmp_path: Path, clock: FixedClock) -> None:
    folder = _old_station(tmp_path)
    ctx = open_station(folder, clock=clock)
    backup = ctx.store.upgrade_backup
    assert backup is not None
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    after = receive_dossier(ctx, request, officer="canbo")[0].code
    ctx.store.close()
    restore_backup(folder, backup, mirror_dir=paths.mirror_dir())
    ctx = open_station(folder, clock=clock)
    numbering.confirm_offline(ctx, officer="quantri")  # a restore waits (issue 12)
    try:
        assert ctx.store.dossiers.count() == 3
        new = receive_dossier(ctx, request, officer="canbo")[0].code
        assert new is not None and new != after and new not in OLD_CODES
    finally:
        ctx.store.close()


def test_newer_database_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    folder = _old_station(tmp_path)
    conn = sqlite3.connect(folder / "counter.db")
    conn.execute("INSERT INTO _migrations VALUES ('m0099_from_the_future', 'x')")
    conn.commit()
    conn.close()
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    with pytest.raises(DomainError) as refused:
        Store(folder, mirror_dir=paths.mirror_dir())
    assert refused.value.code is ErrorCode.DATABASE_TOO_NEW
    assert "phiên bản mới hơn" in texts.error_message(refused.value)
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "reservations.log"}
    assert after == before  # same files, same bytes: no backup written, nothing migrated
    assert not (folder / "backups").exists()


def test_upgrade_stops_when_its_backup_cannot_be_written(tmp_path: Path) -> None:
    folder = _old_station(tmp_path)
    (folder / "backups").write_text("a file where the backup folder should be")
    with pytest.raises(DomainError) as refused:
        Store(folder, mirror_dir=paths.mirror_dir())
    assert refused.value.code is ErrorCode.UPGRADE_BACKUP_FAILED
    assert _migrations(folder / "counter.db") == [name for name, _ in MIGRATIONS[:5]]
