"""Codes after a disk loss, 3-digit prefixes, old 2-digit codes (issue 12 items 3 and 4).

Through the real server on loopback with PostgreSQL:

- a station loses its data folder and the ledger mirror, is restored from its USB backup with
  ``counter-app restore`` (the real command) and re-enrolled: the province returns its
  high-water marks; minting waited until then; the reception's code was never used (not by
  the codes minted before, pushed or not, nor on the server) and the server accepts it;
- a restored station that keeps its token learns every mark at its next sync;
- station 150 (``province-server issue-code --station 150``) enrols and mints ``…-1500001``;
- a station of the 2-digit era keeps its old codes (``…-230051``): they sync and are its own;
  Alembic r0012 turns a 2-digit station into its 3-digit form and keeps the old prefix.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import psycopg
import pytest
from psycopg import sql

from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.codes import parse_code
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import maintenance, numbering
from counter_app.services.station import StationContext
from counter_app.sync.client import HttpSyncClient
from counter_app.sync.engine import enrol, run_sync
from province_server.cli import ALEMBIC_INI
from province_server.stations.ownership import foreign_codes, high_water_marks
from province_server.testing import REPO_ROOT, ServerProcess, _with_dbname, admin_url
from sync_protocol.codes import RECOVERY_BASE
from tests.server.conftest import (
    EnrolledStation,
    IssueCode,
    client_for,
    new_agency,
    new_station_number,
)
from tests.server.helpers import receive
from tests.server.test_code_ownership import _forged, _push, _received_event

pytestmark = pytest.mark.server
PASSPHRASE = "cum-tu-sao-luu-cua-xa-2026"


def _codes(ctx: StationContext, count: int) -> list[str]:
    return [str(d.code) for d in receive(ctx, count=count)]


def _server_codes(pg: psycopg.Connection, agency: str) -> set[str]:
    rows = pg.execute("SELECT code FROM dossiers WHERE agency_id = %s", (agency,)).fetchall()
    return {r[0] for r in rows}


def _restore_command(tmp_path: Path, folder: Path, backup: Path) -> dict[str, object]:
    """``counter-app restore FILE`` as a user runs it (the database is gone: no officer)."""
    env = {
        **os.environ,
        "COUNTER_APP_MIRROR_DIR": str(tmp_path / "mirror"),
        "COUNTER_APP_DATA_DIR": str(folder),
        "PYTHONIOENCODING": "utf-8",
    }
    result = subprocess.run(
        [sys.executable, "-m", "counter_app", "restore", str(backup), "--passphrase-stdin"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        input=PASSPHRASE + "\n",
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _pending(ctx: StationContext) -> None:
    with pytest.raises(DomainError) as refused:
        receive(ctx)
    assert refused.value.code is ErrorCode.CODES_RECOVERY_PENDING


def test_disk_loss_restored_from_usb_then_enrolled_never_reuses_a_code(
    tmp_path: Path,
    clock: FixedClock,
    enrolled_station: EnrolledStation,
    issue_code: IssueCode,
    server: ServerProcess,
    pg: psycopg.Connection,
) -> None:
    ctx = enrolled_station("lossy")
    agency, prefix = ctx.office().agency_id, ctx.office().station_prefix
    folder = ctx.store.data_dir
    usb = tmp_path / "usb"
    minted = _codes(ctx, 3)
    with ctx.store.db.atomic():  # the office's administrator (enrolment locked the demo's)
        ctx.store.officers.set_active("quantri", True)
    maintenance.set_backup_passphrase(ctx, PASSPHRASE, by="quantri")  # seals the USB copies
    maintenance.backup(ctx, extra_dir=usb, officer="canbo")
    (sealed,) = (p for p in usb.rglob("*") if p.is_file() and "counter-" in p.name)
    minted += _codes(ctx, 60)  # past the ledger block the backup carries
    with httpx.Client() as http:
        assert run_sync(ctx, client_for(ctx, http)).ok
    minted += _codes(ctx, 2)  # printed for citizens, never sent: lost with the disk
    ctx.store.close()
    shutil.rmtree(folder)
    shutil.rmtree(tmp_path / "mirror")

    restored = _restore_command(tmp_path, folder, sealed)
    assert restored["dossiers"] == 3
    ctx = open_station(folder, clock=clock)
    try:
        _pending(ctx)  # the station does not know its last codes
        issued = issue_code(agency, int(prefix))  # the same station, enrolled again
        with httpx.Client() as http:
            enrol(ctx, HttpSyncClient(server.url, None, http), url=server.url, code=issued.code)
        state = numbering.numbering_state(ctx)
        assert not state.pending and state.block == 1000  # marks received: recovery at 10:00
        (code,) = _codes(ctx, 1)
        assert code not in minted and code not in _server_codes(pg, agency)
        assert parse_code(code).sequence == f"{prefix}{RECOVERY_BASE + 1000 * 1000 + 1}"
        with httpx.Client() as http:
            report = run_sync(ctx, client_for(ctx, http))
        assert (report.pushed, report.rejected) >= (1, 0) and report.rejected == 0
        assert code in _server_codes(pg, agency)
        assert high_water_marks(pg, ctx.office().station_id) == {
            (agency, parse_code(code).day): 63
        }  # recovery counters are never marks
        clock.at += timedelta(days=1)  # the next day: normal numbering again
        assert parse_code(_codes(ctx, 1)[0]).sequence == f"{prefix}0001"
    finally:
        ctx.store.close()


def test_a_restored_station_learns_every_mark_at_its_next_sync(
    tmp_path: Path, clock: FixedClock, enrolled_station: EnrolledStation, pg: psycopg.Connection
) -> None:
    ctx = enrolled_station("restored")
    agency = ctx.office().agency_id
    minted = _codes(ctx, 2)
    backup = ctx.store.backup(kind="manual")
    with httpx.Client() as http:
        minted += _codes(ctx, 1)
        assert run_sync(ctx, client_for(ctx, http)).ok
        minted += _codes(ctx, 1)  # not sent
        with ctx.store.db.atomic():  # a restore is the admin's (enrolment locked the demo's)
            ctx.store.officers.set_active("quantri", True)
        maintenance.restore_station(ctx, backup, officer="quantri")
        _pending(ctx)
        report = run_sync(ctx, client_for(ctx, http))  # the token was kept: GET /stations/marks
        assert report.ok
    assert not numbering.numbering_state(ctx).pending
    name = f"code|{agency}|{parse_code(minted[0]).day:%y%m%d}"
    assert ctx.store.counters.current(name) >= 3  # the server's mark
    (code,) = _codes(ctx, 1)
    assert code not in minted and code not in _server_codes(pg, agency)


def test_station_150_enrols_and_mints_with_its_3_digit_prefix(
    tmp_path: Path,
    clock: FixedClock,
    server: ServerProcess,
    province_db: str,
    pg: psycopg.Connection,
) -> None:
    while new_station_number() < 150:  # later tests of this session get numbers above 150
        pass
    held = pg.execute("SELECT agency_id FROM stations WHERE prefix = '150'").fetchone()
    agency = held[0] if held else new_agency()
    env = {**os.environ, "PROVINCE_DATABASE_URL": province_db}
    result = subprocess.run(
        [sys.executable, "-m", "province_server", "issue-code", "--agency", agency,
         "--station", "150"],
        cwd=REPO_ROOT, capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    issued = json.loads(result.stdout)
    assert issued["station_prefix"] == "150"
    ctx = open_station(tmp_path / "s150", clock=clock)
    try:
        with httpx.Client() as http:
            office = enrol(
                ctx, HttpSyncClient(server.url, None, http), url=server.url, code=issued["code"]
            )
            assert office.station_prefix == "150"
            codes = _codes(ctx, 2)
            assert [parse_code(c).sequence for c in codes] == ["1500001", "1500002"]
            report = run_sync(ctx, client_for(ctx, http))
        assert (report.pushed, report.rejected) == (2, 0)
        assert high_water_marks(pg, office.station_id) == {(agency, parse_code(codes[0]).day): 2}
    finally:
        ctx.store.close()
    for wrong in ("1000", "0"):
        result = subprocess.run(
            [sys.executable, "-m", "province_server", "issue-code", "--agency", agency,
             "--station", wrong],
            cwd=REPO_ROOT, capture_output=True, text=True, env=env, timeout=120, check=False,
        )  # fmt: skip
        assert result.returncode != 0 and "1..999" in result.stderr


def test_old_two_digit_codes_still_sync_and_belong_to_their_station(
    enrolled_station: EnrolledStation, pg: psycopg.Connection
) -> None:
    ctx = enrolled_station("old")
    agency, prefix = ctx.office().agency_id, ctx.office().station_prefix
    station_id = ctx.office().station_id
    legacy = prefix[1:]  # the station was "23" before r0012 made it "023"
    (own,) = receive(ctx)
    day = parse_code(str(own.code)).day
    pg.execute(
        "INSERT INTO station_prefixes (station_id, prefix, kind, until_day)"
        " VALUES (%s, %s, 'legacy', %s)",
        (station_id, legacy, day),
    )
    template = _received_event(ctx, own.uuid)
    before, after = day - timedelta(days=1), day + timedelta(days=1)
    old_codes = [
        f"{agency}-{before:%y%m%d}-{legacy}0051",  # an ordinary old code
        f"{agency}-{day:%y%m%d}-{legacy}10000",  # widened, on the day it became former
    ]
    events = [_forged(ctx, template, agency=agency, code=c) for c in old_codes]
    assert _push(ctx, events) == [("accepted", None)] * 2
    late = _forged(ctx, template, agency=agency, code=f"{agency}-{after:%y%m%d}-{legacy}10001")
    assert _push(ctx, [late]) == [("rejected", "foreign_code")]  # station 231's code-space
    with httpx.Client() as http:
        report = run_sync(ctx, client_for(ctx, http))
    assert report.ok and report.rejected == 0
    marks = high_water_marks(pg, station_id)
    assert marks[(agency, before)] == 51 and marks[(agency, day)] == 10_000
    assert not [f for f in foreign_codes(pg) if f.station_id == station_id]
    for code in old_codes:  # pulled back, parsed and held by the station like any dossier
        found = ctx.store.dossiers.by_code(code)
        assert found is not None and parse_code(code).sequence.startswith(legacy)


def test_r0012_widens_two_digit_stations_and_keeps_their_old_prefix() -> None:
    from alembic import command
    from alembic.config import Config

    admin = admin_url()
    name = f"province_r0012_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = _with_dbname(admin, name)
    try:
        config = Config(str(ALEMBIC_INI))
        config.attributes["database_url"] = url
        command.upgrade(config, "0011")
        station = str(uuid.uuid4())
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("INSERT INTO agencies (id) VALUES ('000.00.19.H56')")
            conn.execute(
                "INSERT INTO stations (id, agency_id, prefix) VALUES (%s, '000.00.19.H56', '07')",
                (station,),
            )
        command.upgrade(config, "head")
        with psycopg.connect(url, autocommit=True) as conn:
            assert conn.execute("SELECT prefix FROM stations").fetchone() == ("007",)
            kept = conn.execute("SELECT prefix, kind FROM station_prefixes").fetchall()
            assert kept == [("07", "legacy")]
            with pytest.raises(psycopg.errors.CheckViolation):
                conn.execute(
                    "INSERT INTO stations (id, agency_id, prefix) VALUES (%s, '000.00.19.H56',"
                    " '00012')",
                    (str(uuid.uuid4()),),
                )
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def test_an_offline_set_up_station_enrols_later_and_keeps_its_earlier_codes(
    tmp_path: Path,
    clock: FixedClock,
    issue_code: IssueCode,
    server: ServerProcess,
    pg: psycopg.Connection,
) -> None:
    ctx = open_station(tmp_path / "offline", clock=clock)
    try:
        agency = new_agency()
        with ctx.store.db.atomic():  # as the offline wizard leaves it: number 07 of the office
            office = {**ctx.store.config.get("office"), "agency_id": agency}
            ctx.store.config.set("office", {**office, "station_prefix": "00007", "is_demo": False})
        early = _codes(ctx, 2)
        assert [parse_code(c).sequence for c in early] == ["000070001", "000070002"]
        issued = issue_code(agency)
        with httpx.Client() as http:
            office_now = enrol(
                ctx, HttpSyncClient(server.url, None, http), url=server.url, code=issued.code
            )
            (later,) = _codes(ctx, 1)
            report = run_sync(ctx, client_for(ctx, http))
        assert office_now.station_prefix == issued.station_prefix != "00007"
        assert parse_code(later).sequence == f"{issued.station_prefix}0003"
        assert (report.pushed, report.rejected) == (3, 0)  # the offline codes are its own
        held = pg.execute(
            "SELECT prefix, kind FROM station_prefixes WHERE station_id = %s",
            (office_now.station_id,),
        ).fetchall()
        assert held == [("00007", "offline")]
    finally:
        ctx.store.close()
