"""The store on real SQLite files: durability settings, migrations, backups and restore."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from counter_app import paths
from counter_app.app import open_station
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import numbering
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.storage.db import Database
from counter_app.storage.ledger import BLOCK
from counter_app.storage.migrations import MIGRATIONS, applied_migrations, migrate
from counter_app.storage.store import Store, inspect_backup, restore_backup
from tests.conftest import make_applicant


def _receive(ctx: StationContext) -> str:
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    dossier, _ = receive_dossier(ctx, request, officer="canbo")
    assert dossier.code is not None
    return dossier.code


def _seq(code: str) -> int:
    return int(code.rsplit("-", 1)[1][2:])


def test_durable_pragmas_and_schema(station: StationContext) -> None:
    conn = station.store.db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert applied_migrations(station.store.db) == [name for name, _ in MIGRATIONS]
    assert migrate(station.store.db) == []  # head is idempotent
    durable = set(station.store.db.utils.table_names())
    assert {"events", "audit_log", "chain", "counters"} <= durable
    assert not {"dossiers", "outbox", "dossier_search"} & durable  # in the projection file
    projected = {r[0] for r in conn.execute("SELECT name FROM proj.sqlite_master")}
    assert {"dossiers", "outbox", "dossier_search", "event_dossiers"} <= projected
    assert conn.execute("PRAGMA proj.journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA proj.synchronous").fetchone()[0] == 1  # NORMAL


def test_a_failed_use_case_leaves_nothing(station: StationContext) -> None:
    store = station.store
    with pytest.raises(RuntimeError), store.db.atomic():
        store.config.set("probe", 1)
        store.counters.next("probe-counter")
        raise RuntimeError("power cut in the middle")
    assert store.config.get("probe") is None
    assert store.counters.current("probe-counter") == 0


def test_newer_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    ctx = open_station(tmp_path / "st")
    ctx.store.db.conn.execute("INSERT INTO _migrations VALUES ('m9999_future', 'x')")
    ctx.store.close()
    before = (tmp_path / "st" / "counter.db").read_bytes()
    with pytest.raises(DomainError) as info:
        Store(tmp_path / "st", mirror_dir=paths.mirror_dir())
    assert info.value.code is ErrorCode.DATABASE_TOO_NEW
    assert (tmp_path / "st" / "counter.db").read_bytes() == before


def test_damaged_database_gives_a_way_out(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "counter.db").write_bytes(b"SQLite format 3\x00" + b"\x13" * 8192)
    with pytest.raises(DomainError) as info:
        Database(folder / "counter.db")
    assert info.value.code is ErrorCode.DATABASE_DAMAGED


def _work_offline(ctx: StationContext) -> None:
    """After a restore minting waits (issue 12): the officer confirms working offline."""
    numbering.confirm_offline(ctx, officer="quantri")


def test_restart_continues_the_sequence(tmp_path: Path) -> None:
    ctx = open_station(tmp_path / "st")
    first = _receive(ctx)
    ctx.store.close()
    ctx = open_station(tmp_path / "st")
    assert _seq(_receive(ctx)) == _seq(first) + 1


def test_restore_never_reuses_a_printed_code(tmp_path: Path) -> None:
    ctx = open_station(tmp_path / "st")
    _receive(ctx)
    backup = ctx.store.backup()
    after_backup = [_receive(ctx) for _ in range(3)]  # printed, then the disk dies
    ctx.store.close()
    info = inspect_backup(backup)
    assert info.dossiers == 1 and info.last_code is not None and info.made_at
    restore_backup(tmp_path / "st", backup, mirror_dir=paths.mirror_dir())
    ctx = open_station(tmp_path / "st")
    _work_offline(ctx)
    assert ctx.store.dossiers.count() == 1
    new = _receive(ctx)
    assert new not in after_backup
    assert _seq(new) > max(_seq(c) for c in after_backup)
    assert ctx.store.check() == []
    assert any(p.name.startswith("pre-restore-") for p in (tmp_path / "st" / "backups").iterdir())


def test_backup_copied_back_by_hand_skips_reserved_numbers(tmp_path: Path) -> None:
    ctx = open_station(tmp_path / "st")
    backup = ctx.store.backup()
    printed = [_receive(ctx) for _ in range(2)]
    ctx.store.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp_path / 'st' / 'counter.db'}{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, tmp_path / "st" / "counter.db")
    ctx = open_station(tmp_path / "st")
    _work_offline(ctx)
    assert _seq(_receive(ctx)) > max(_seq(c) for c in printed)


def test_reinstall_keeping_only_the_ledger_mirror(tmp_path: Path) -> None:
    """The data folder is wiped, a backup made before the last codes is restored: the
    mirrored ledger still knows what was reserved."""
    ctx = open_station(tmp_path / "st")
    backup = ctx.store.backup(extra_dir=tmp_path / "usb")
    printed = [_receive(ctx) for _ in range(BLOCK + 3)]  # crosses a reservation block
    ctx.store.close()
    shutil.rmtree(tmp_path / "st")
    restore_backup(tmp_path / "st", tmp_path / "usb" / backup.name, mirror_dir=paths.mirror_dir())
    ctx = open_station(tmp_path / "st")
    _work_offline(ctx)
    assert _receive(ctx) not in printed


@pytest.mark.parametrize("content", [b"not a database", b""])
def test_restore_refuses_what_is_not_a_backup(tmp_path: Path, content: bytes) -> None:
    ctx = open_station(tmp_path / "st")
    code = _receive(ctx)
    ctx.store.close()
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(content)
    with pytest.raises(DomainError) as info:
        restore_backup(tmp_path / "st", bogus, mirror_dir=paths.mirror_dir())
    assert info.value.code is ErrorCode.BACKUP_INVALID
    ctx = open_station(tmp_path / "st")
    assert ctx.store.dossiers.by_code(code) is not None


def test_backups_rotate(tmp_path: Path) -> None:
    ctx = open_station(tmp_path / "st")
    made = [ctx.store.backup(keep=3) for _ in range(5)]
    assert ctx.store.backups() == made[-3:]


def test_other_sqlite_file_is_not_a_backup(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(DomainError) as info:
        inspect_backup(other)
    assert info.value.code is ErrorCode.BACKUP_INVALID


def test_integrity_check_reports_a_broken_projection(station: StationContext) -> None:
    _receive(station)
    assert station.store.check() == []
    station.store.db.conn.execute("DELETE FROM outbox")
    station.store.db.conn.execute("DELETE FROM events")
    assert station.store.check()
