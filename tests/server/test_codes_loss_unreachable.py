"""Disk loss of an enrolled station while the province cannot be reached (issue 12 item 3).

The other disk-loss tests cover the server reachable (tests/server/test_codes_after_loss.py)
and a station that never had a server (tests/cli/test_disk_loss_offline.py). Here an enrolled
station that had pushed its codes loses its data folder and ledger mirror and is restored from
its USB backup with ``counter-app restore``. The token is never in a backup, so it must enrol
again, and the province is unreachable: the enrolment fails and minting still waits; the
officer confirms working offline; the reception's code comes from the recovery range. Once the
link is back it enrols with the same one-time code and syncs: the province accepts every code
(no ``duplicate_code``), none used before (minted earlier, pushed or lost with the disk).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import psycopg
import pytest

from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.codes import parse_code
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import maintenance, numbering
from counter_app.sync.client import HttpSyncClient
from counter_app.sync.engine import enrol, run_sync
from province_server.testing import ServerProcess
from sync_protocol.codes import RECOVERY_BASE
from tests.server.conftest import EnrolledStation, IssueCode, client_for
from tests.server.test_codes_after_loss import (
    PASSPHRASE,
    _codes,
    _pending,
    _restore_command,
    _server_codes,
)

pytestmark = pytest.mark.server
UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens


def test_disk_loss_with_the_province_unreachable_then_synced_never_reuses_a_code(
    tmp_path: Path,
    clock: FixedClock,
    enrolled_station: EnrolledStation,
    issue_code: IssueCode,
    server: ServerProcess,
    pg: psycopg.Connection,
) -> None:
    ctx = enrolled_station("cut-off")
    agency, prefix = ctx.office().agency_id, ctx.office().station_prefix
    folder = ctx.store.data_dir
    usb = tmp_path / "usb"
    minted = _codes(ctx, 3)
    with ctx.store.db.atomic():  # the office's administrator (enrolment locked the demo's)
        ctx.store.officers.set_active("quantri", True)
    maintenance.set_backup_passphrase(ctx, PASSPHRASE, by="quantri")
    maintenance.backup(ctx, extra_dir=usb, officer="canbo")
    (sealed,) = (p for p in usb.rglob("*") if p.is_file() and "counter-" in p.name)
    minted += _codes(ctx, 60)  # past the ledger block the backup carries
    with httpx.Client() as http:
        assert run_sync(ctx, client_for(ctx, http)).ok
    minted += _codes(ctx, 2)  # printed for citizens, never sent: lost with the disk
    ctx.store.close()
    shutil.rmtree(folder)
    shutil.rmtree(tmp_path / "mirror")

    _restore_command(tmp_path, folder, sealed)
    ctx = open_station(folder, clock=clock)
    try:
        _pending(ctx)  # the token went with the disk: enrol again, but the province is cut off
        issued = issue_code(agency, int(prefix))
        with httpx.Client(timeout=5) as http, pytest.raises(DomainError) as cut:
            enrol(ctx, HttpSyncClient(UNREACHABLE, None, http), url=UNREACHABLE, code=issued.code)
        assert cut.value.code is ErrorCode.SYNC_UNREACHABLE
        _pending(ctx)  # a failed enrolment teaches nothing: still waiting
        block, _ = numbering.confirm_offline(ctx, officer="canbo")
        (code,) = _codes(ctx, 1)
        assert code not in minted and code not in _server_codes(pg, agency)
        assert parse_code(code).sequence == f"{prefix}{RECOVERY_BASE + block * 1000 + 1}"
        assert parse_code(code).day == parse_code(minted[0]).day  # the same day

        with httpx.Client() as http:  # the link is back: the same one-time code
            enrol(ctx, HttpSyncClient(server.url, None, http), url=server.url, code=issued.code)
            (after,) = _codes(ctx, 1)
            report = run_sync(ctx, client_for(ctx, http))
        assert report.ok and report.rejected == 0 and report.pushed >= 2
        assert after not in minted and after != code
        assert {code, after} <= _server_codes(pg, agency)
        assert len(_server_codes(pg, agency)) == 63 + 2  # the lost two never reached it
    finally:
        ctx.store.close()
