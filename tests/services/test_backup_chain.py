"""Incremental backups (issue 16): every point of the chain rebuilds the database file of its
instant byte for byte; a missing or changed link is refused in Vietnamese, changing nothing;
a restore from any point still mints a code never used; rotation keeps space bounded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import maintenance, numbering
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.storage import backup_chain, backup_points, recovery
from counter_app.storage.store import KEEP_PER_KIND
from counter_app.texts import error_message
from tests.conftest import make_applicant


def _receive(ctx: StationContext, count: int = 1) -> list[str]:
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    codes = []
    for _ in range(count):
        dossier, _ = receive_dossier(ctx, request, officer="canbo")
        assert dossier.code is not None
        codes.append(dossier.code)
    return codes


def _seq(code: str) -> int:
    return int(code.rsplit("-", 1)[1])


def _file_image(ctx: StationContext) -> bytes:
    """The database file as it is once every WAL frame is in it (nothing else writing)."""
    ctx.store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return ctx.store.db_path.read_bytes()


def _rows(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _points(ctx: StationContext) -> list[Path]:
    return [p.path for p in backup_chain.all_points(ctx.store.data_dir / "backups")]


def test_every_point_rebuilds_the_database_file_byte_for_byte(
    station: StationContext, tmp_path: Path
) -> None:
    images = []
    for step in range(4):
        _receive(station, 1 + step)
        outcome = maintenance.write_backup(station.store, kind="daily", extra_dir=None)
        images.append((outcome.path, _file_image(station)))
    points = _points(station)
    assert [p for p, _ in images] == points
    assert backup_chain.read_header(points[0])["from"] is None  # the base
    assert all(backup_chain.read_header(p)["from"] for p in points[1:])  # links
    base_size = points[0].stat().st_size
    assert all(p.stat().st_size < base_size / 3 for p in points[1:])  # only what changed
    for index, (point, image) in enumerate(images):
        work = tmp_path / f"work{index}"
        work.mkdir()
        rebuilt = work / "image.db"
        backup_chain.materialize(backup_chain.points_up_to(point), rebuilt)
        assert rebuilt.read_bytes() == image  # byte-exact
    # Restored as the station's database: the rows are those of that instant.
    work = tmp_path / "rows"
    work.mkdir()
    plain = backup_points.materialize_point(points[1], work)
    info = maintenance.describe_backup(points[1])
    assert info.dossiers == 3 and info.kind == "daily"
    assert maintenance.describe_backup(plain).dossiers == 3


def test_restore_from_a_middle_point_never_reuses_a_code(station: StationContext) -> None:
    before = _receive(station, 2)
    maintenance.write_backup(station.store, kind="daily", extra_dir=None)
    middle_codes = _receive(station, 2)
    middle = maintenance.write_backup(station.store, kind="exit", extra_dir=None).path
    later = _receive(station, 3)
    maintenance.write_backup(station.store, kind="manual", extra_dir=None)
    printed = _receive(station, 2)  # after every backup, then the disk is lost

    info = maintenance.restore_station(station, middle, officer="quantri")

    assert info.dossiers == 4 and station.store.dossiers.count() == 4
    assert info.last_code == middle_codes[-1]
    # CODES' hook: after a restore the station mints only once synced or confirmed offline.
    assert recovery.is_pending(station.store.config)
    numbering.confirm_offline(station, officer="quantri")
    new = _receive(station)[0]
    used = before + middle_codes + later + printed
    assert new not in used and _seq(new) > max(_seq(c) for c in used)


def _three_points(station: StationContext) -> list[Path]:
    for kind in ("daily", "exit", "manual"):
        _receive(station)
        maintenance.write_backup(station.store, kind=kind, extra_dir=None)
    return _points(station)


def _refused_unchanged(station: StationContext, point: Path, name: str) -> None:
    before = _rows(station.store.db_path)
    with pytest.raises(DomainError) as refused:
        maintenance.restore_station(station, point, officer="quantri")
    assert refused.value.code is ErrorCode.BACKUP_CHAIN_BROKEN
    message = error_message(refused.value)
    assert "chuỗi sao lưu bị đứt" in message and name in message
    assert "Không có gì bị thay đổi" in message
    assert _rows(station.store.db_path) == before
    assert station.store.dossiers.count() == 3


def test_a_missing_link_is_refused_and_changes_nothing(station: StationContext) -> None:
    base, middle, last = _three_points(station)
    middle.unlink()
    _refused_unchanged(station, last, last.name)
    # The points before the gap still restore.
    assert maintenance.restore_station(station, base, officer="quantri").dossiers == 1


def test_a_changed_link_or_base_is_refused_and_changes_nothing(station: StationContext) -> None:
    base, middle, last = _three_points(station)
    for path, where in [(middle, "trailer"), (middle, "page"), (middle, "header"), (base, "page")]:
        original = path.read_bytes()
        data = bytearray(original)
        offset = {"trailer": len(data) - 5, "page": len(data) // 2, "header": 20}[where]
        data[offset] ^= 0x55
        path.write_bytes(bytes(data))
        _refused_unchanged(station, last, path.name)
        path.write_bytes(original)
    assert maintenance.restore_station(station, last, officer="quantri").dossiers == 3


def test_expired_points_merge_forward_and_every_kept_point_restores(
    station: StationContext, tmp_path: Path
) -> None:
    maintenance.write_backup(station.store, kind="daily", extra_dir=None)
    images = {}
    for _ in range(KEEP_PER_KIND["exit"] + 3):
        _receive(station)
        path = maintenance.write_backup(station.store, kind="exit", extra_dir=None).path
        images[path.name] = _file_image(station)
    exits = [p for p in _points(station) if p.name.endswith("-exit.qmcb")]
    assert [p.name for p in exits] == list(images)[-KEEP_PER_KIND["exit"] :]
    for index, point in enumerate(_points(station)[1:]):
        rebuilt = tmp_path / f"{index}.db"
        backup_chain.materialize(backup_chain.points_up_to(point), rebuilt)
        assert rebuilt.read_bytes() == images[point.name]


def test_a_new_chain_starts_after_fourteen_dailies_and_space_stays_bounded(
    station: StationContext,
) -> None:
    for _ in range(backup_chain.NEW_CHAIN_DAILIES * 2 + 2):
        _receive(station)
        maintenance.write_backup(station.store, kind="daily", extra_dir=None)
    root = backup_chain.chain_root(station.store.data_dir / "backups")
    assert len(backup_chain.chains(root)) == 2  # the current one and the one before
    total = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    assert total <= 3 * station.store.db_path.stat().st_size
    dailies = [p for p in _points(station) if p.name.endswith("-daily.qmcb")]
    assert len(dailies) >= KEEP_PER_KIND["daily"]
    assert not maintenance.daily_backup_due(station.store, station.clock.now().date())


def test_a_lost_page_state_starts_a_new_base(station: StationContext) -> None:
    maintenance.write_backup(station.store, kind="daily", extra_dir=None)
    root = backup_chain.chain_root(station.store.data_dir / "backups")
    (backup_chain.chains(root)[0] / backup_chain.STATE_NAME).unlink()
    _receive(station)
    point = maintenance.write_backup(station.store, kind="manual", extra_dir=None).path
    assert backup_chain.read_header(point)["from"] is None
    assert maintenance.restore_station(station, point, officer="quantri").dossiers == 1
