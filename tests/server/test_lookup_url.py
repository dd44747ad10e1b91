"""Where the slips' QR leads: the province server says so at enrolment and keeps it current."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from counter_app.app import open_station
from counter_app.cli.main import main
from counter_app.domain.clock import FixedClock
from counter_app.domain.models import Officer, Role
from counter_app.services.officers import hash_password
from counter_app.services.settings import read_settings, update_settings
from counter_app.services.setup import DEFAULT_LOOKUP_URL, complete_setup, lookup_url_warning
from counter_app.sync.client import HttpSyncClient
from counter_app.sync.engine import enrol, run_sync
from province_server.config import Settings
from province_server.testing import ServerProcess
from tests.server.conftest import IssueCode, client_for, new_agency
from tests.services.test_setup import OFFLINE

pytestmark = pytest.mark.server

PROVINCE_PAGE = "https://dichvucong.tinh-minhhoa.gov.vn/tra-cuu"


def test_the_lookup_address_follows_the_province_setting(
    province_db: str, issue_code: IssueCode, tmp_path: Path, clock: FixedClock
) -> None:
    own = ServerProcess(province_db, env={"PROVINCE_LOOKUP_URL": PROVINCE_PAGE})
    own.start()
    ctx = open_station(tmp_path / "st", clock=clock)
    try:
        assert ctx.office().lookup_url == DEFAULT_LOOKUP_URL
        with httpx.Client() as http:
            enrol(
                ctx,
                HttpSyncClient(own.url, None, http),
                url=own.url,
                code=issue_code(new_agency()).code,
            )
        assert ctx.office().lookup_url == PROVINCE_PAGE
        assert lookup_url_warning(ctx) is None
        # An administrator's own address stays while the province keeps its own...
        admin = "quantri2"  # an administrator of the office (demo accounts may be locked)
        account = Officer(admin, "Lê Minh Thuỷ", Role.ADMIN)
        ctx.store.officers.add(account, hash_password("mat-khau-2026"), at=clock.now())
        settings = replace(read_settings(ctx), lookup_url="https://tracuu.xa-minhhoa.gov.vn/")
        update_settings(ctx, settings, officer=admin)
        with httpx.Client() as http:
            assert run_sync(ctx, client_for(ctx, http)).ok
        assert ctx.office().lookup_url == "https://tracuu.xa-minhhoa.gov.vn/"
        # ...and the province's new address comes with the next reference pull.
        own.stop()
        own.env["PROVINCE_LOOKUP_URL"] = "https://motcua.tinh-minhhoa.gov.vn/hs/"
        own.start()
        with httpx.Client() as http:
            report = run_sync(ctx, client_for(ctx, http))
        assert report.ok and report.reference_changes >= 1
        assert ctx.office().lookup_url == "https://motcua.tinh-minhhoa.gov.vn/hs"
    finally:
        ctx.store.close()
        own.stop()


def test_the_default_is_the_public_address_and_the_lookup_path() -> None:
    env = {"PROVINCE_PUBLIC_URL": "https://motcua.tinh.gov.vn/", "PROVINCE_LOOKUP_PATH": "/hs"}
    settings = Settings.from_env(env)
    assert settings.public_lookup_url("http://10.0.0.5:8000/") == "https://motcua.tinh.gov.vn/hs"
    assert Settings().public_lookup_url("http://10.0.0.5:8000/") == "http://10.0.0.5:8000/tra-cuu"
    assert (
        Settings.from_env({**env, "PROVINCE_LOOKUP_URL": PROVINCE_PAGE}).public_lookup_url("x")
        == PROVINCE_PAGE
    )
    for bad in ("ftp://x", "motcua.gov.vn", "https://"):
        with pytest.raises(ValueError):
            Settings.from_env({"PROVINCE_LOOKUP_URL": bad})


def test_a_real_office_on_the_example_address_warns_its_administrator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "offline"
    ctx = open_station(folder)
    assert OFFLINE.office is not None
    office = replace(OFFLINE.office, lookup_url=DEFAULT_LOOKUP_URL)  # the wizard's default
    complete_setup(ctx, replace(OFFLINE, office=office))
    assert ctx.office().lookup_url == DEFAULT_LOOKUP_URL and not ctx.office().is_demo
    warning = lookup_url_warning(ctx)
    assert warning is not None and DEFAULT_LOOKUP_URL in warning and "Cài đặt" in warning
    for local in ("http://127.0.0.1:8000/tra-cuu", "http://localhost/tra-cuu", "https://x.test/"):
        assert lookup_url_warning(ctx, local) is not None
    assert lookup_url_warning(ctx, PROVINCE_PAGE) is None
    ctx.store.close()
    assert main(["--data-dir", str(folder), "info"]) == 0
    out, err = capsys.readouterr()
    info = json.loads(out)
    assert info["lookup_url"] == DEFAULT_LOOKUP_URL and info["warnings"] == [warning]
    assert warning in err
    # The demo office prints DEMO slips for training: no warning there.
    demo = open_station(tmp_path / "demo")
    assert lookup_url_warning(demo) is None
    demo.store.close()
