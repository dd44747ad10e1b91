"""Reference data published by the province reaches the counter and is used there.

The administrator commands run as users run them (``python -m province_server ...``
subprocesses); the counter pulls with the real engine over HTTP from the real server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ, Role
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.services import officers
from counter_app.services.intake import due_for
from counter_app.storage.station_secrets import station_token
from counter_app.sync.client import HttpSyncClient
from counter_app.sync.engine import run_sync
from province_server.reference import service as reference
from province_server.testing import REPO_ROOT, ServerProcess
from sync_protocol import (
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    EnrolResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    ReferenceResponse,
)
from tests.server.conftest import EnrolledStation, client_for, new_agency
from tests.server.helpers import receive

pytestmark = pytest.mark.server


def admin(db_url: str, *args: str, stdin: str | None = None) -> dict[str, Any]:
    """``province-server <args>``; its JSON answer (the command must succeed)."""
    result = subprocess.run(
        [sys.executable, "-m", "province_server", *args],
        input=stdin,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PROVINCE_DATABASE_URL": db_url},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def admin_refused(db_url: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "province_server", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PROVINCE_DATABASE_URL": db_url},
        timeout=120,
        check=False,
    )
    assert result.returncode == 2 and result.stdout == "", (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr


def sync(ctx: Any) -> Any:
    with httpx.Client() as http:
        report = run_sync(ctx, client_for(ctx, http))
    assert report.ok, report.errors
    return report


def test_a_year_confirmed_on_the_server_makes_due_dates_confirmed(
    enrolled_station: EnrolledStation, province_db: str
) -> None:
    ctx = enrolled_station("calendar")
    monday = datetime(2027, 4, 26, 9, 0, tzinfo=VN_TZ)
    five_days = ProcessingTime(TimeUnit.WORKING_DAYS, 5)
    before = due_for(ctx, received_at=monday, time=five_days)
    # 30/04 - 03/05/2027 are not announced yet (shipped as estimated): the period crosses them
    assert before.estimated
    assert [n.day for n in before.estimated_days] == [
        date(2027, 4, 30),
        date(2027, 5, 1),
        date(2027, 5, 3),
    ]
    published = admin(
        province_db,
        "set-calendar",
        "--year",
        "2027",
        "--off",
        "2027-01-01,2027-04-27",
        "--off",
        "2027-04-28,2027-04-29",
        "--work",
        "2027-05-08",
        "--confirmed",
    )
    assert published["days_off"] == ["2027-01-01", "2027-04-27", "2027-04-28", "2027-04-29"]
    assert "days" not in published  # a year published as before carries no notes
    report = sync(ctx)
    assert report.reference_changes >= 1
    after = due_for(ctx, received_at=monday, time=five_days)
    assert not after.estimated
    calendar = ctx.calendar()
    assert not calendar.is_working_day(date(2027, 4, 27))
    assert calendar.is_working_day(date(2027, 5, 8))  # a make-up Saturday
    assert after.due is not None and before.due is not None and after.due > before.due
    stored = ctx.store.reference.calendar_overrides()[2027]
    assert stored.confirmed and stored.source == "province"
    again = sync(ctx)
    assert again.reference_changes == 0  # nothing new: nothing sent, nothing applied
    # Partly announced (issue 13 item 5): 29/04 published as not announced yet.
    partly = admin(
        province_db,
        "set-calendar",
        "--year",
        "2027",
        "--off",
        "2027-01-01,2027-04-27,2027-04-28,2027-04-29",
        "--estimated",
        "2027-04-29",
        "--source",
        "UBND tinh, thong bao 12/2027",
    )
    assert [(n["date"], n["announced"]) for n in partly["days"]][-1] == ("2027-04-29", False)
    sync(ctx)
    partial = due_for(ctx, received_at=monday, time=five_days)
    assert [n.day for n in partial.estimated_days] == [date(2027, 4, 29)]
    stored = ctx.store.reference.calendar_overrides()[2027]
    notes = {n.day: n for n in stored.days}
    assert notes[date(2027, 4, 27)].announced
    assert notes[date(2027, 4, 27)].source == "UBND tinh, thong bao 12/2027"
    assert ctx.calendar().year(2027).notes()[0].name == "Tết Dương lịch"  # the shipped name
    # Bad dates are refused by the command, which changes nothing.
    message = admin_refused(province_db, "set-calendar", "--year", "2027", "--off", "2027-05-08")
    assert "weekday" in message


def test_an_officer_added_on_the_server_logs_in_offline(
    enrolled_station: EnrolledStation, province_db: str, tmp_path: Path
) -> None:
    ctx = enrolled_station("officers")
    agency = ctx.office().agency_id
    admin(
        province_db,
        "add-officer",
        "--agency",
        agency,
        "--username",
        "lan.nt",
        "--full-name",
        "Nguyễn Thị Lan",
        "--role",
        "leader",
        "--password-stdin",
        stdin="mat-khau-1\n",
    )
    other = new_agency()
    admin(province_db, "set-office", "--agency", other, "--unit-name", "UBND xã Khác")
    admin(
        province_db,
        "add-officer",
        "--agency",
        other,
        "--username",
        "khac.vv",
        "--full-name",
        "Vũ Văn Khác",
        "--role",
        "officer",
        "--password-stdin",
        stdin="mat-khau-2\n",
    )
    sync(ctx)
    # Offline from here: the hash is cached at the counter.
    officer = officers.authenticate(ctx, username="lan.nt", password="mat-khau-1")
    assert (officer.full_name, officer.role) == ("Nguyễn Thị Lan", Role.LEADER)
    with pytest.raises(DomainError) as wrong:
        officers.authenticate(ctx, username="lan.nt", password="sai")
    assert wrong.value.code is ErrorCode.OFFICER_BAD_PASSWORD
    with pytest.raises(DomainError):  # another office's officer never reaches this counter
        officers.authenticate(ctx, username="khac.vv", password="mat-khau-2")
    # Disabled on the server: disabled at the counter after the next sync.
    hashed = ctx.store.officers.get("lan.nt")
    assert hashed is not None and hashed[1].startswith("$argon2")
    admin(
        province_db,
        "add-officer",
        "--agency",
        agency,
        "--username",
        "lan.nt",
        "--full-name",
        "Nguyễn Thị Lan",
        "--role",
        "leader",
        "--password-hash",
        hashed[1],
        "--inactive",
    )
    sync(ctx)
    with pytest.raises(DomainError) as gone:
        officers.authenticate(ctx, username="lan.nt", password="mat-khau-1")
    assert gone.value.code is ErrorCode.OFFICER_UNKNOWN


def _procedure(code: str, name: str, days: int) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "field": "Hộ tịch",
        "level": "xa",
        "processing_unit": "working_day",
        "processing_days": days,
        "processing_amount": float(days),
        "processing_time_text": f"{days} Ngày làm việc",
        "fee_text": "Miễn phí",
        "decision_no": "QĐ thử",
        "documents": [
            {"name": "Tờ khai", "form": "ban chinh", "count": 1, "group": None},
            {"name": "Ghi chú", "is_note": True},
        ],
        "unused_crawl_field": "dropped",
    }


def test_a_procedure_updated_on_the_server_is_used_at_the_next_reception(
    enrolled_station: EnrolledStation, province_db: str, tmp_path: Path
) -> None:
    ctx = enrolled_station("catalogue")
    catalogue = tmp_path / "procedures.json"
    code = "9.999001"
    catalogue.write_text(
        json.dumps([_procedure(code, "Thủ tục thử nghiệm", 5)], ensure_ascii=False), "utf-8"
    )
    assert admin(province_db, "load-catalogue", str(catalogue)) == {
        "procedures": 1,
        "changed": 1,
    }
    assert admin(province_db, "load-catalogue", str(catalogue))["changed"] == 0  # same
    sync(ctx)
    (first,) = receive(ctx, procedure_code=code)
    assert first.procedure_name == "Thủ tục thử nghiệm"
    catalogue.write_text(
        json.dumps([_procedure(code, "Thủ tục thử nghiệm (sửa đổi)", 1)], ensure_ascii=False),
        "utf-8",
    )
    admin(province_db, "load-catalogue", str(catalogue))
    sync(ctx)
    procedure = ctx.store.reference.procedure(code)
    assert procedure is not None and procedure.processing_time.amount == 1
    assert [d.name for d in procedure.documents] == ["Tờ khai"]
    (second,) = receive(ctx, procedure_code=code)
    assert second.procedure_name == "Thủ tục thử nghiệm (sửa đổi)"
    assert second.due_at is not None and first.due_at is not None
    assert second.due_at < first.due_at  # 1 working day instead of 5
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps([{"code": "9.999002"}]), "utf-8")
    assert "name" in admin_refused(province_db, "load-catalogue", str(broken))


def test_office_names_reach_the_counter(
    enrolled_station: EnrolledStation, province_db: str
) -> None:
    ctx = enrolled_station("names")
    agency = ctx.office().agency_id
    admin(
        province_db,
        "set-office",
        "--agency",
        agency,
        "--parent-body",
        "UBND TỈNH THỬ",
        "--unit-name",
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ MINH HÒA",
        "--place",
        "Minh Hòa",
    )
    sync(ctx)
    office = ctx.office()
    assert office.parent_body == "UBND TỈNH THỬ"
    assert office.unit_name == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ MINH HÒA"
    assert office.place_name == "Minh Hòa" and office.agency_id == agency


class _NoReference:
    """The real client, except that reference data always fails (a broken endpoint)."""

    def __init__(self, inner: HttpSyncClient) -> None:
        self.inner = inner

    def enrol(self, code: str) -> EnrolResponse:
        return self.inner.enrol(code)

    def push(self, batch: PushRequest) -> PushResponse:
        return self.inner.push(batch)

    def pull(self, cursor: int, *, limit: int = 500) -> PullResponse:
        return self.inner.pull(cursor, limit=limit)

    def reference(self, since: int) -> ReferenceResponse:
        raise DomainError(ErrorCode.SYNC_SERVER_ERROR, detail="500 internal")


def test_a_failed_reference_pull_does_not_block_the_push(
    enrolled_station: EnrolledStation, pg: psycopg.Connection
) -> None:
    ctx = enrolled_station("reference-down")
    receive(ctx, 3)
    version = ctx.store.sync.reference_version()
    with httpx.Client() as http:
        report = run_sync(ctx, _NoReference(client_for(ctx, http)))
    assert report.pushed == 3 and report.waiting == 0
    assert [e.code for e in report.errors] == [ErrorCode.SYNC_SERVER_ERROR]
    assert ctx.store.sync.reference_version() == version


def test_reference_answers_only_what_changed_and_needs_a_station(
    server: ServerProcess, enrolled_station: EnrolledStation, pg: psycopg.Connection
) -> None:
    ctx = enrolled_station("raw")
    token = station_token(ctx.store.data_dir)
    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {token}"}
    url = f"{server.url}/api/v1/reference"
    everything = ReferenceResponse.from_json(httpx.get(url, headers=headers).json())
    assert everything.office is not None and everything.office.agency_id == ctx.office().agency_id
    later = httpx.get(url, params={"since": everything.version}, headers=headers)
    assert later.status_code == 200
    assert ReferenceResponse.from_json(later.json()).empty
    with psycopg.connect(pg.info.dsn, autocommit=True) as conn:
        reference.set_calendar(conn, year=2031, days_off=[], working_days=[], confirmed=False)
    newer = ReferenceResponse.from_json(
        httpx.get(url, params={"since": everything.version}, headers=headers).json()
    )
    assert [y.year for y in newer.calendar_years] == [2031] and not newer.procedures
    assert newer.version > everything.version
    anonymous = httpx.get(url, headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION)})
    assert anonymous.status_code == 401
