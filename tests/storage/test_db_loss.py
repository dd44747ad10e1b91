"""Losing the database never re-mints a printed code (issue 17 item 5), on real SQLite files.

Receive, lose the database while the reservation ledger survives (deleted, emptied to 0 bytes,
overwritten by another file), open again: a 0-byte or foreign file is refused with its own
sentence and nothing changes (never a new demo office); ``counter-app new-database`` then
gives a database whose next code's counter is past every code minted before.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from counter_app import texts
from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.codes import parse_code, split_sequence
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.storage.ledger import BLOCK
from counter_app.storage.loss import recreate_database
from tests.cli.test_cli import run
from tests.conftest import make_applicant


def _receive(ctx: StationContext, count: int) -> list[str]:
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    return [str(receive_dossier(ctx, request, officer="canbo")[0].code) for _ in range(count)]


def _station_with_codes(folder: Path, clock: FixedClock, count: int = 3) -> list[str]:
    ctx = open_station(folder, clock=clock)
    try:
        return _receive(ctx, count)
    finally:
        ctx.store.close()


def _counter(code: str) -> int:
    found = split_sequence(parse_code(code).sequence, ("000",))  # the demo office's prefix
    assert found is not None
    return found[1]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _refused(tmp_path: Path, *args: str) -> str:
    result = run(tmp_path, *args, headless=True)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert result.stdout == "" and len(lines) == 1 and "Traceback" not in result.stderr
    return lines[0]


def _new_database(tmp_path: Path) -> dict[str, object]:
    result = run(tmp_path, "new-database", headless=True)
    assert result.returncode == 0, result.stderr
    assert "DEMO" in result.stderr and "Traceback" not in result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _mints_past(folder: Path, clock: FixedClock, earlier: list[str]) -> str:
    ctx = open_station(folder, clock=clock)
    try:
        (code,) = _receive(ctx, 1)
    finally:
        ctx.store.close()
    assert code not in earlier
    assert _counter(code) > max(_counter(c) for c in earlier)
    return code


def test_a_deleted_database_continues_past_the_ledger(tmp_path: Path, clock: FixedClock) -> None:
    folder = tmp_path / "station"
    earlier = _station_with_codes(folder, clock)
    for name in ("counter.db", "counter.db-wal", "counter.db-shm"):
        (folder / name).unlink(missing_ok=True)
    with pytest.raises(DomainError) as refused:  # a drive not connected is not a loss
        open_station(folder, clock=clock)
    assert refused.value.code is ErrorCode.DATABASE_MISSING
    made = _new_database(tmp_path)
    assert made["kept"] is None
    code = _mints_past(folder, clock, earlier)
    assert _counter(code) == BLOCK + 1  # after the whole reserved block, not after 3


def test_a_zero_byte_database_is_an_error_that_changes_nothing(
    tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "station"
    earlier = _station_with_codes(folder, clock)
    (folder / "counter.db").write_bytes(b"")
    before = _snapshot(tmp_path)
    with pytest.raises(DomainError) as refused:
        open_station(folder, clock=clock)
    assert refused.value.code is ErrorCode.DATABASE_EMPTY
    expected = texts.error_message(refused.value)
    assert "0 byte" in expected and "counter-app new-database" in expected
    assert _refused(tmp_path, "info") == expected
    after = _snapshot(tmp_path)
    assert {k: v for k, v in after.items() if not k.startswith("station/logs")} == {
        k: v for k, v in before.items() if not k.startswith("station/logs")
    }
    made = recreate_database(folder, mirror_dir=tmp_path / "mirror")
    assert made.kept is not None and made.kept.parent == folder / "backups"
    assert made.kept.read_bytes() == b"" and not (folder / "backups" / "counter.db").exists()
    _mints_past(folder, clock, earlier)


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path, clock: FixedClock) -> None:
    folder = tmp_path / "station"
    earlier = _station_with_codes(folder, clock)
    (folder / "counter.db").write_bytes(b"%PDF-1.7 not a database\n")
    before = _snapshot(tmp_path)
    with pytest.raises(DomainError) as refused:
        open_station(folder, clock=clock)
    assert refused.value.code is ErrorCode.DATABASE_NOT_SQLITE
    assert _refused(tmp_path, "info") == texts.error_message(refused.value)
    assert _snapshot(tmp_path).keys() - before.keys() <= {
        k for k in _snapshot(tmp_path) if k.startswith("station/logs")
    }
    assert (folder / "counter.db").read_bytes() == b"%PDF-1.7 not a database\n"
    recreate_database(folder, mirror_dir=tmp_path / "mirror")
    _mints_past(folder, clock, earlier)


def test_only_the_mirror_left_still_continues(tmp_path: Path, clock: FixedClock) -> None:
    """The data folder's ledger lost with the database: the mirror alone is enough."""
    folder = tmp_path / "station"
    earlier = _station_with_codes(folder, clock, count=BLOCK + 2)  # two blocks reserved
    (folder / "counter.db").write_bytes(b"")
    (folder / "reservations.log").unlink()
    recreate_database(folder, mirror_dir=tmp_path / "mirror")
    assert _counter(_mints_past(folder, clock, earlier)) == 2 * BLOCK + 1


def test_new_database_refuses_a_database_that_is_there(tmp_path: Path, clock: FixedClock) -> None:
    folder = tmp_path / "station"
    _station_with_codes(folder, clock, count=1)
    before = _snapshot(folder)
    refused = _refused(tmp_path, "new-database")
    assert refused == texts.error_message(
        DomainError(ErrorCode.DATABASE_PRESENT, path=str(folder / "counter.db"))
    )
    assert {k: v for k, v in _snapshot(folder).items() if not k.startswith("logs")} == {
        k: v for k, v in before.items() if not k.startswith("logs")
    }
    ctx = open_station(folder, clock=clock)
    try:
        assert ctx.store.dossiers.count() == 1
    finally:
        ctx.store.close()


def test_a_damaged_database_without_backup_continues_too(tmp_path: Path, clock: FixedClock) -> None:
    folder = tmp_path / "station"
    earlier = _station_with_codes(folder, clock)
    database = folder / "counter.db"
    raw = bytearray(database.read_bytes())
    raw[4096:] = b"\xa5" * (len(raw) - 4096)  # every page but the first overwritten
    database.write_bytes(bytes(raw))
    with pytest.raises(DomainError) as refused:
        open_station(folder, clock=clock)
    assert refused.value.code is ErrorCode.DATABASE_DAMAGED
    made = recreate_database(folder, mirror_dir=tmp_path / "mirror")
    assert made.kept is not None and made.kept.read_bytes() == bytes(raw)
    _mints_past(folder, clock, earlier)
