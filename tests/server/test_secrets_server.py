"""Secrets on the province side (issue 17): the dashboard's sign-in form and session cookie
(no token in an address), revoking a station from it (its old token refused), the access log
masking ``token=`` and ``key=``, and officer passwords never on a command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.officers import DEMO_PASSWORD, authenticate
from counter_app.storage.station_secrets import station_token
from counter_app.storage.store import DB_NAME
from counter_app.sync.engine import run_sync
from province_server.testing import REPO_ROOT, ServerProcess
from sync_protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from tests.conftest import make_applicant
from tests.server.conftest import (
    ADMIN_TOKEN,
    EnrolledStation,
    IssueCode,
    client_for,
    new_agency,
)
from tests.server.test_lookup_form import new_address
from tests.server.test_reference import admin


def _form_values(html: str, station_id: str) -> dict[str, str]:
    """The hidden fields of the revoke form of ``station_id`` in the dashboard."""
    for form in re.findall(r'<form method="post" action="/dashboard/revoke".*?</form>', html):
        fields = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form))
        if fields.get("station_id") == station_id:
            return fields
    raise AssertionError(f"no revoke button for {station_id}")


def test_the_dashboard_signs_in_by_form_and_revokes_a_station(
    enrolled_station: EnrolledStation, server: ServerProcess
) -> None:
    ctx = enrolled_station("revoked")
    receive_dossier(
        ctx,
        ReceptionRequest(procedure_code="1.001193", applicant=make_applicant()),
        officer="canbo",
    )
    token = station_token(ctx.store.data_dir)
    assert token is not None
    with httpx.Client() as http:
        assert run_sync(ctx, client_for(ctx, http)).ok

    address = {"X-Forwarded-For": new_address()}  # its own wrong-try counter
    with httpx.Client(base_url=server.url, follow_redirects=False, headers=address) as browser:
        first = browser.get("/dashboard")
        assert first.status_code == 401 and 'action="/dashboard/login"' in first.text
        assert 'type="password"' in first.text
        assert browser.get("/dashboard", params={"token": ADMIN_TOKEN}).status_code == 401
        wrong = browser.post("/dashboard/login", data={"token": "đoán"})
        assert wrong.status_code == 401 and "không đúng" in wrong.text
        signed = browser.post("/dashboard/login", data={"token": ADMIN_TOKEN})
        assert signed.status_code == 303 and signed.headers["location"] == "/dashboard"
        cookie = signed.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        assert ADMIN_TOKEN not in cookie
        page = browser.get("/dashboard")
        assert page.status_code == 200 and "Thu hồi" in page.text
        fields = _form_values(page.text, ctx.office().station_id)

        forged = browser.post(
            "/dashboard/revoke", data={"station_id": fields["station_id"], "form": "x"}
        )
        assert forged.status_code == 400
        with httpx.Client(base_url=server.url) as stranger:  # no session: nothing revoked
            assert stranger.post("/dashboard/revoke", data=fields).status_code == 401
        with httpx.Client() as http:
            assert run_sync(ctx, client_for(ctx, http)).ok

        done = browser.post("/dashboard/revoke", data=fields)
        assert done.status_code == 303
        after = browser.get("/dashboard").text
        with_state = [r for r in re.findall(r"<tr>.*?</tr>", after) if fields["station_id"] in r]
        assert with_state == []  # its button is gone
        assert "Đã thu hồi" in after

    with httpx.Client() as http:
        report = run_sync(ctx, client_for(ctx, http))
    assert ErrorCode.SYNC_UNAUTHORIZED in [e.code for e in report.errors]
    raw = httpx.get(
        f"{server.url}/api/v1/sync/pull",
        params={"cursor": 0},
        headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {token}"},
    )
    assert raw.status_code == 401  # the old token pulls nothing of the office any more


def test_the_access_log_masks_tokens_and_keys(province_db: str) -> None:
    logged = ServerProcess(
        province_db,
        env={"PROVINCE_ADMIN_TOKEN": ADMIN_TOKEN},
        serve_args=("--access-log", "--log-level", "info"),
    )
    logged.start()
    try:
        httpx.get(f"{logged.url}/dashboard", params={"token": ADMIN_TOKEN, "month": "2026-02"})
        httpx.get(f"{logged.url}/tra-cuu", params={"code": "X-1", "key": "KEY9SECRET"})
        log = logged.log_path.read_text(encoding="utf-8", errors="replace")
    finally:
        logged.stop()
    assert "GET /dashboard?token=***" in log and "key=***" in log
    assert ADMIN_TOKEN not in log and "KEY9SECRET" not in log


def _province(db_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "province_server", *args],
        input=stdin,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PROVINCE_DATABASE_URL": db_url},
        timeout=120,
        check=False,
    )


def test_an_officer_password_never_comes_from_the_command_line(province_db: str) -> None:
    agency = new_agency()
    admin(province_db, "set-office", "--agency", agency, "--unit-name", "UBND xã Thử")
    base = ["add-officer", "--agency", agency, "--username", "lan.nt", "--full-name", "Lan"]
    base += ["--role", "officer"]
    as_argument = _province(province_db, *base, "--password", "mat-khau-dai")
    assert as_argument.returncode == 2 and "--password" in as_argument.stderr
    for weak in ("ngan", "demo1234", "lan.nt"):
        refused = _province(province_db, *base, "--password-stdin", stdin=weak + "\n")
        assert refused.returncode == 2 and "at least 8 characters" in refused.stderr, weak
    good = _province(province_db, *base, "--password-stdin", stdin="mat-khau-dai\n")
    assert good.returncode == 0, good.stderr
    assert "mat-khau-dai" not in good.stdout


def test_counter_app_enrol_reads_the_code_unseen_and_locks_the_demo_accounts(
    tmp_path: Path, server: ServerProcess, issue_code: IssueCode, clock: FixedClock
) -> None:
    issued = issue_code(new_agency())
    data = tmp_path / "cli-station"
    enrol_args = ("enrol", server.url, "--code-stdin")
    result = subprocess.run(
        [sys.executable, "-m", "counter_app", "--data-dir", str(data), *enrol_args],
        input=issued.code + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "COUNTER_APP_MIRROR_DIR": str(tmp_path / "mirror")},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    ctx = open_station(data, clock=clock)
    try:
        for username in ("canbo", "lanhdao", "quantri"):
            with pytest.raises(DomainError) as locked:
                authenticate(ctx, username=username, password=DEMO_PASSWORD)
            assert locked.value.code is ErrorCode.OFFICER_UNKNOWN
        token = station_token(data)
        assert token and "token" not in ctx.store.config.get("sync")
        ctx.store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert token.encode() not in (data / DB_NAME).read_bytes()
    finally:
        ctx.store.close()


def test_wrong_admin_tokens_are_limited_per_client_address(server: ServerProcess) -> None:
    headers = {"X-Forwarded-For": new_address()}
    with httpx.Client(base_url=server.url, follow_redirects=False, headers=headers) as browser:
        for _ in range(5):
            assert browser.post("/dashboard/login", data={"token": "đoán"}).status_code == 401
        blocked = browser.post("/dashboard/login", data={"token": ADMIN_TOKEN})
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
        assert "quá nhiều lần" in blocked.text
    other = {"X-Forwarded-For": new_address()}  # another computer is not blocked
    signed = httpx.post(f"{server.url}/dashboard/login", data={"token": ADMIN_TOKEN}, headers=other)
    assert signed.status_code == 303
