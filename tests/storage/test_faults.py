"""Faults at the desk: a read-only or full data folder, a missing or locked database.

Each is refused with its own sentence (what to do), the command line exits 2 with that one
line on standard error, and nothing is changed; none of them is called damage nor asks for a
restore, except a database that is really gone. Real faults (tests/faults.py): read-only bind
mounts as root (chmod otherwise), a filled tmpfs, another process holding the lock.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from counter_app import texts
from counter_app.app import open_station
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.storage.db import Database
from tests.cli.test_cli import APPLICANT, run
from tests.conftest import make_applicant
from tests.faults import fill, locked, read_only, small_disk

FAULTS = (
    ErrorCode.DATA_FOLDER_READ_ONLY,
    ErrorCode.DATA_FOLDER_FULL,
    ErrorCode.DATABASE_LOCKED,
    ErrorCode.STORAGE_IO_ERROR,
)


def _station(folder: Path) -> None:
    ctx = open_station(folder)
    receive_dossier(
        ctx,
        ReceptionRequest(procedure_code="1.001193", applicant=make_applicant()),
        officer="canbo",
    )
    ctx.store.close()


def _refused(tmp_path: Path, *args: str) -> str:
    """Run the command line; it must exit 2 with one sentence and no traceback."""
    result = run(tmp_path, *args, headless=True)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def _message(code: ErrorCode, **params: str) -> str:
    return texts.error_message(DomainError(code, **params))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_no_fault_is_called_damage_nor_asks_for_a_restore() -> None:
    for code in FAULTS:
        message = _message(code, path="/d")
        assert "hỏng" not in message.replace("không bị hỏng", "")
        assert "khôi phục" not in message and "sao lưu" not in message, code
        assert message.count(".") <= 2 and "\n" not in message  # one sentence
    assert "khôi phục" in _message(ErrorCode.DATABASE_MISSING, path="/d/counter.db")


def test_a_read_only_data_folder(tmp_path: Path) -> None:
    folder = tmp_path / "station"
    _station(folder)
    before = _snapshot(folder)
    expected = _message(ErrorCode.DATA_FOLDER_READ_ONLY, path=str(folder))
    with read_only(folder):
        assert _refused(tmp_path, "info") == expected
        applicant = tmp_path / "applicant.json"
        applicant.write_text(json.dumps(APPLICANT), encoding="utf-8")
        receive = ("receive", "--procedure", "1.001193", "--applicant-json", str(applicant))
        assert _refused(tmp_path, *receive) == expected
        with pytest.raises(DomainError) as refused:
            open_station(folder)
        assert refused.value.code is ErrorCode.DATA_FOLDER_READ_ONLY
    assert _snapshot(folder) == before
    assert json.loads(run(tmp_path, "info").stdout)["dossiers"] == 1


def test_a_new_station_in_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "station"
    folder.mkdir()
    with read_only(folder):
        message = _refused(tmp_path, "info")
    assert message == _message(ErrorCode.DATA_FOLDER_READ_ONLY, path=str(folder))
    assert list(folder.iterdir()) == []


def test_the_database_file_alone_read_only(tmp_path: Path) -> None:
    """The folder can be written, the file cannot: said at the open, not at the first save."""
    folder = tmp_path / "station"
    _station(folder)
    with read_only(folder / "counter.db"):
        with pytest.raises(DomainError) as refused:
            open_station(folder)
        assert refused.value.code is ErrorCode.DATA_FOLDER_READ_ONLY
        assert _refused(tmp_path, "info") == _message(
            ErrorCode.DATA_FOLDER_READ_ONLY, path=str(folder)
        )


def test_a_full_disk_at_a_save_and_at_the_start(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        folder = disk / "station"
        ctx = open_station(folder)
        request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
        receive_dossier(ctx, request, officer="canbo")
        filler = fill(disk)
        saved, refusal = 1, None
        for _ in range(60):  # the WAL files may still hold a few free frames
            filler = fill(disk)  # to the last byte again (a partial commit may free some)
            try:
                receive_dossier(ctx, request, officer="canbo")
            except DomainError as error:
                refusal = error
                break
            # Saved (its events durable): its row is there now, or, if the projection file
            # could not be written (storage/projection.py), at the next open.
            saved += 1
        # The durable file may still find room in its WAL when the projection file does not
        # (storage/db.py: such a save is kept and the projection catches up): a save is then
        # never refused here, yet each one said saved is kept.
        if refusal is not None:
            assert refusal.code is ErrorCode.DATA_FOLDER_FULL
            assert refusal.params["path"] == str(folder)
        assert ctx.store.dossiers.count() <= saved  # the refused save was rolled back, whole
        ctx.store.close()
        filler = fill(disk)  # the close removed the two WAL files: full again
        assert _refused(tmp_path, "--data-dir", str(folder), "info") == _message(
            ErrorCode.DATA_FOLDER_FULL, path=str(folder)
        )
        filler.unlink()  # room again: the station works, nothing was damaged
        ctx = open_station(folder)
        receive_dossier(ctx, request, officer="canbo")
        assert ctx.store.dossiers.count() == saved + 1 and ctx.store.check() == []
        ctx.store.close()


def test_a_new_station_on_a_full_disk(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", megabytes=2) as disk:
        fill(disk)
        folder = disk / "station"
        message = _refused(tmp_path, "--data-dir", str(folder), "info")
        assert message == _message(ErrorCode.DATA_FOLDER_FULL, path=str(folder))


def test_a_database_locked_by_another_program(tmp_path: Path) -> None:
    folder = tmp_path / "station"
    _station(folder)
    database = folder / "counter.db"
    expected = _message(ErrorCode.DATABASE_LOCKED)
    with locked(database):  # a write transaction left open (the busy timeout passes: 5 s)
        assert _refused(tmp_path, "info") == expected
    with locked(database, mode="exclusive"):
        with pytest.raises(DomainError) as refused:
            Database(database, busy_timeout=0.2)
        assert refused.value.code is ErrorCode.DATABASE_LOCKED
    db = Database(database, busy_timeout=0.2)
    try:
        with locked(database), pytest.raises(DomainError) as refused, db.atomic():
            db.conn.execute("DELETE FROM config WHERE key = 'nothing'")
        assert refused.value.code is ErrorCode.DATABASE_LOCKED
        assert not db.in_transaction
    finally:
        db.close()
    assert json.loads(run(tmp_path, "info").stdout)["dossiers"] == 1


def test_a_missing_database_is_not_replaced_by_a_new_one(tmp_path: Path) -> None:
    folder = tmp_path / "station"
    _station(folder)
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    for name in ("counter.db", "counter.db-wal", "counter.db-shm"):
        if (folder / name).exists():
            shutil.move(folder / name, moved / name)
    expected = _message(ErrorCode.DATABASE_MISSING, path=str(folder / "counter.db"))
    assert _refused(tmp_path, "info") == expected
    with pytest.raises(DomainError) as refused:
        open_station(folder)
    assert refused.value.code is ErrorCode.DATABASE_MISSING
    assert not (folder / "counter.db").exists()
    for path in moved.iterdir():  # the drive is back
        shutil.move(path, folder / path.name)
    assert json.loads(run(tmp_path, "info").stdout)["dossiers"] == 1
    # A fresh folder (no reservation, no backup) still starts as a new station.
    assert json.loads(run(tmp_path, "--data-dir", str(tmp_path / "new"), "info").stdout)


def test_the_whole_folder_gone_with_its_mirror_left(tmp_path: Path) -> None:
    """A data folder on a drive that is not connected: the mirrored ledger still knows."""
    folder = tmp_path / "usb" / "station"
    _station(folder)
    shutil.rmtree(tmp_path / "usb")
    assert _refused(tmp_path, "--data-dir", str(folder), "info") == _message(
        ErrorCode.DATABASE_MISSING, path=str(folder / "counter.db")
    )
