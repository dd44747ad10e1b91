"""The national portal connector against the contract fake (tests/server/national_fake.py):
hundreds of dossiers and their steps under expired sessions, error answers, timeouts and lost
answers, and a worker killed mid-batch and restarted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import psycopg
import pytest

from counter_app.sync.engine import push_outbox
from province_server.national.client import PortalClient
from province_server.national.config import NationalSettings
from province_server.national.service import Connector, pending, portal_time
from province_server.pages.dashboard import Period
from province_server.pages.national import reconcile
from province_server.testing import REPO_ROOT, ServerProcess
from tests.server.conftest import ADMIN_TOKEN, EnrolledStation, client_for
from tests.server.helpers import receive, record_event
from tests.server.national_fake import FakeGateway, Faults

DOSSIERS = 150
STEPS = (
    ("handed_over", {"to": "Phòng Tư pháp", "note": ""}, "4"),
    ("result_received", {"outcome": "resolved", "result_no": "12/GKS"}, "9"),
    ("returned", {"to": "Nguyễn Văn A", "originals_returned": True}, "10"),
)


@pytest.fixture
def fake() -> Iterator[FakeGateway]:
    gateway = FakeGateway()
    gateway.start()
    yield gateway
    gateway.stop()


def _drain(connector: Connector, pg: psycopg.Connection, *, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report = connector.round()
        if not report.claimed and not report.scanned and pending(pg)["waiting"] == 0:
            return
        if not report.claimed:
            time.sleep(0.05)
    raise AssertionError(f"not drained: {pending(pg)}")


def test_portal_time_is_vietnam_time() -> None:
    assert portal_time("2026-02-13T03:00:00+00:00") == "20260213100000"
    assert portal_time(None) == ""


def test_not_configured_says_so_in_vietnamese() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROVINCE_NATIONAL_")}
    done = subprocess.run(
        [sys.executable, "-m", "province_server", "national-sync", "--once"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "Chưa cấu hình kết nối Cổng Dịch vụ công quốc gia" in done.stderr


def test_every_dossier_once_with_its_steps_in_order_under_faults_and_a_restart(
    enrolled_station: EnrolledStation,
    province_db: str,
    pg: psycopg.Connection,
    fake: FakeGateway,
    server: ServerProcess,
) -> None:
    ctx = enrolled_station("national")
    dossiers = receive(ctx, DOSSIERS)
    with httpx.Client() as http:
        push_outbox(ctx, client_for(ctx, http))
    pg.execute("UPDATE national_outbox SET next_attempt_at = now()")  # earlier tests' rows

    # 1. a worker process, killed (SIGKILL) in the middle of the first batch
    env = {**os.environ, "PROVINCE_DATABASE_URL": province_db, **fake.env()}
    env["PROVINCE_NATIONAL_TIMEOUT"] = "0.5"
    env["PROVINCE_NATIONAL_BATCH"] = "40"
    worker = subprocess.Popen(
        [sys.executable, "-m", "province_server", "national-sync", "--backoff-base", "0.01"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while fake.state.total_calls() < 45 and time.monotonic() < deadline:
            time.sleep(0.01)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert 0 < len(fake.state.dossiers) < DOSSIERS  # killed mid-way
    # the killed worker's lease: the rows come back after it
    pg.execute("UPDATE national_outbox SET next_attempt_at = now() WHERE synced_seq < wanted_seq")

    # 2. the steps arrive while a new worker sends under faults
    fake.state.faults = Faults(expire=0.03, error=0.05, timeout=0.03, lost=0.04, sleep_s=0.8)
    settings = NationalSettings.from_env(
        {**fake.env(), "PROVINCE_NATIONAL_TIMEOUT": "0.5", "PROVINCE_NATIONAL_BATCH": "60"}
    )
    assert settings is not None
    client = PortalClient(settings)
    with psycopg.connect(province_db, autocommit=True) as conn:
        connector = Connector(conn, client, settings, backoff_base_s=0.01)
        for kind, payload, _ in STEPS:
            for dossier in dossiers:
                record_event(ctx, dossier.uuid, kind, payload)
            with httpx.Client() as http:
                push_outbox(ctx, client_for(ctx, http))
            for _ in range(3):
                connector.round()
        _drain(connector, pg)
    client.close()

    state = fake.state
    assert state.violations == []
    assert state.created_twice == 0
    assert all(state.faults_done.get(k, 0) > 0 for k in ("expire", "error", "timeout", "lost"))
    codes = {d.code for d in dossiers}
    # each exactly once (keyed by MaHoSo; created_twice above); the shared test database may
    # hold other tests' dossiers, which the connector sends too
    assert codes <= set(state.dossiers)
    for code in codes:
        assert state.dossiers[code]["TrangThaiHoSo"] == "10"
        assert [s["TrangThai"] for s in state.steps[code]] == ["2", "4", "9", "10"], code
    acked = pg.execute(
        "SELECT count(*) FROM national_outbox o JOIN dossiers d ON d.uuid = o.dossier_uuid"
        " WHERE d.code = ANY(%s) AND o.acked_status = '10' AND o.synced_seq = o.wanted_seq",
        (sorted(c for c in codes if c),),
    ).fetchone()
    assert acked is not None and acked[0] == DOSSIERS

    # the reconciliation view matches: ours and the portal's counts, nothing differing
    agency = ctx.office().agency_id
    period = Period.parse("2026-02")
    assert period is not None
    found = reconcile(pg, period)
    assert [o for o in found.offices if o[0] == agency] == [(agency, DOSSIERS, DOSSIERS, 0)]
    assert [d for d in found.differ if d[1] == agency] == []
    page = httpx.get(
        f"{server.url}/dashboard/national?month=2026-02",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert page.status_code == 200
    assert "Đối chiếu theo đơn vị và tháng tiếp nhận" in page.text and agency in page.text


def _cli(province_db: str, fake: FakeGateway, *args: str) -> str:
    env = {**os.environ, "PROVINCE_DATABASE_URL": province_db, **fake.env()}
    done = subprocess.run(
        [sys.executable, "-m", "province_server", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_refused_dossier_shows_the_portal_answer_until_its_mapping_is_fixed(
    enrolled_station: EnrolledStation,
    province_db: str,
    pg: psycopg.Connection,
    fake: FakeGateway,
    server: ServerProcess,
) -> None:
    ctx = enrolled_station("refused")
    (dossier,) = receive(ctx, 1)
    agency = ctx.office().agency_id
    with httpx.Client() as http:
        push_outbox(ctx, client_for(ctx, http))
    fake.state.unknown_procedures.add("9.999999")
    settings = NationalSettings.from_env(fake.env())
    assert settings is not None
    client = PortalClient(settings)
    try:
        _cli(
            province_db,
            fake,
            "national-map",
            "procedure",
            "--local",
            "1.001193",
            "--code",
            "9.999999",
        )
        checked = json.loads(_cli(province_db, fake, "national-map", "check", "--agency", agency))[
            "checked"
        ]
        assert {"local": "1.001193", "national": "9.999999", "answer": "not found"} in checked
        with psycopg.connect(province_db, autocommit=True) as conn:
            connector = Connector(conn, client, settings, backoff_base_s=0.01)
            for _ in range(3):
                connector.round()
                time.sleep(0.05)
            row = pg.execute(
                "SELECT last_error, last_answer, attempts FROM national_outbox o"
                " JOIN dossiers d ON d.uuid = o.dossier_uuid WHERE d.code = %s",
                (dossier.code,),
            ).fetchone()
            assert row is not None and row[0] == "PortalError" and row[2] >= 1
            assert "MaTTHC 9.999999 không tồn tại" in row[1]
            page = httpx.get(
                f"{server.url}/dashboard/national",
                headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            )
            assert dossier.code in page.text and "không tồn tại" in page.text
            _cli(
                province_db,
                fake,
                "national-map",
                "procedure",
                "--local",
                "1.001193",
                "--code",
                "1.001193",
            )
            pg.execute("UPDATE national_outbox SET next_attempt_at = now()")
            _drain(connector, pg)
        assert dossier.code in fake.state.dossiers
        assert pg.execute(
            "SELECT count(*) FROM national_outbox WHERE last_error IS NOT NULL"
        ).fetchone() == (0,)
    finally:
        pg.execute("DELETE FROM national_procedure_map WHERE local_code = '1.001193'")
        client.close()
