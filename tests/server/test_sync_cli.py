"""``counter-app enrol`` / ``sync`` and ``province-server issue-code`` / ``revoke``, as users run
them (subprocesses against the real server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from counter_app import texts
from counter_app.domain.errors import DomainError, ErrorCode
from province_server.testing import REPO_ROOT, ServerProcess, ThrowawayDatabase
from tests.server.conftest import new_agency, new_station_number

pytestmark = pytest.mark.server

APPLICANT = {
    "name": "Nguyễn Văn Đức",
    "id_number": "001090123456",
    "birth_date": "1990-01-01",
    "sex": "Nam",
    "address": "Thôn Đông, xã Minh Hòa",
}


def _run(
    tmp_path: Path, db_url: str, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "COUNTER_APP_MIRROR_DIR": str(tmp_path / "mirror"),
        "COUNTER_APP_DATA_DIR": str(tmp_path / "station"),
        "PROVINCE_DATABASE_URL": db_url,
        "PYTHONIOENCODING": "utf-8",
    }
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        input=stdin,
        timeout=120,
        check=False,
    )


def _ok(tmp_path: Path, db_url: str, *args: str, stdin: str = "") -> dict[str, object]:
    result = _run(tmp_path, db_url, *args, stdin=stdin)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _refused(tmp_path: Path, db_url: str, *args: str) -> str:
    result = _run(tmp_path, db_url, *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == "" and "Traceback" not in result.stderr
    message = result.stderr.strip()
    assert unicodedata.is_normalized("NFC", message)
    return message


def _message(code: ErrorCode) -> str:
    return texts.error_message(DomainError(code))


OFFICER = ("--officer", "lan.nt", "--password-stdin")
PASSWORD = "mat-khau-cua-lan"


def _office_officer(tmp_path: Path, db_url: str, agency: str) -> None:
    """Enrolment locks the demo accounts (issue 17): the office's own officer comes from the
    province (added there, pulled by the next sync), as for a real office."""
    _ok(tmp_path, db_url, "province_server", "set-office", "--agency", agency)
    _ok(
        tmp_path,
        db_url,
        "province_server",
        "add-officer",
        "--agency",
        agency,
        "--username",
        "lan.nt",
        "--full-name",
        "Nguyễn Thị Lan",
        "--role",
        "officer",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    _ok(tmp_path, db_url, "counter_app", "sync")


def test_enrol_sync_revoke_from_the_command_line(
    tmp_path: Path, server: ServerProcess, province_db: str
) -> None:
    db = province_db
    assert _refused(tmp_path, db, "counter_app", "sync") == _message(ErrorCode.SYNC_NOT_ENROLLED)
    agency = new_agency()
    issued = _ok(
        tmp_path,
        db,
        "province_server",
        "issue-code",
        "--agency",
        agency,
        "--station",
        str(new_station_number()),
        "--unit-name",
        "UBND xã Minh Hòa",
    )
    refused = _refused(tmp_path, db, "counter_app", "enrol", server.url, "WRONG-CODE")
    assert refused == _message(ErrorCode.SYNC_ENROL_REFUSED)
    enrolled = _ok(tmp_path, db, "counter_app", "enrol", server.url, str(issued["code"]))
    assert enrolled["station_id"] == issued["station_id"]
    assert enrolled["station_prefix"] == issued["station_prefix"]
    _office_officer(tmp_path, db, agency)
    applicant = tmp_path / "applicant.json"
    applicant.write_text(json.dumps(APPLICANT, ensure_ascii=False), encoding="utf-8")
    received = _ok(
        tmp_path,
        db,
        "counter_app",
        "receive",
        "--procedure",
        "1.001193",
        "--applicant-json",
        str(applicant),
        *OFFICER,
        stdin=PASSWORD + "\n",
    )
    assert str(received["code"]).split("-")[-1].startswith(str(issued["station_prefix"]))
    synced = _ok(tmp_path, db, "counter_app", "sync")
    assert synced["pushed"] == 1 and synced["waiting"] == 0 and synced["rejected"] == 0
    assert synced["last_success"] is not None
    assert set(synced) == {
        "pushed",
        "duplicates",
        "rejected",
        "pulled",
        "waiting",
        "attachments_waiting",
        "attachments_error",
        "last_success",
    }
    assert synced["attachments_waiting"] == 0 and synced["attachments_error"] is None
    revoked = _ok(
        tmp_path, db, "province_server", "revoke", "--station-id", str(issued["station_id"])
    )
    assert revoked == {"revoked": issued["station_id"]}
    message = _refused(tmp_path, db, "counter_app", "sync")
    assert message == _message(ErrorCode.SYNC_UNAUTHORIZED)


def test_enrol_with_a_server_that_is_not_there(tmp_path: Path, province_db: str) -> None:
    message = _refused(tmp_path, province_db, "counter_app", "enrol", "http://127.0.0.1:9", "X")
    assert message == _message(ErrorCode.SYNC_UNREACHABLE)
    bad_url = _refused(tmp_path, province_db, "counter_app", "enrol", "ftp://example", "X")
    assert bad_url == _message(ErrorCode.SYNC_UNREACHABLE)


def test_receiving_for_another_deciding_agency_syncs_from_the_command_line(
    tmp_path: Path, server: ServerProcess, province_db: str
) -> None:
    db = province_db
    office = new_agency()
    deciding = new_agency()
    issued = _ok(
        tmp_path,
        db,
        "province_server",
        "issue-code",
        "--agency",
        office,
        "--station",
        str(new_station_number()),
    )
    _ok(tmp_path, db, "counter_app", "enrol", server.url, str(issued["code"]))
    _office_officer(tmp_path, db, office)
    applicant = tmp_path / "applicant.json"
    applicant.write_text(json.dumps(APPLICANT, ensure_ascii=False), encoding="utf-8")
    received = _ok(
        tmp_path,
        db,
        "counter_app",
        "receive",
        "--procedure",
        "1.001193",
        "--applicant-json",
        str(applicant),
        "--agency",
        deciding,
        *OFFICER,
        stdin=PASSWORD + "\n",
    )
    assert str(received["code"]).startswith(deciding + "-")
    synced = _ok(tmp_path, db, "counter_app", "sync")
    assert (synced["pushed"], synced["rejected"], synced["waiting"]) == (1, 0, 0)


def test_migrate_seeds_the_catalogue_once(tmp_path: Path) -> None:
    database = ThrowawayDatabase(prefix="province_seed")
    url = database.create()
    try:
        first = _ok(tmp_path, url, "province_server", "migrate")
        assert first == {"migrated": True, "procedures_loaded": 946}
        again = _ok(tmp_path, url, "province_server", "migrate")
        assert again == {"migrated": True, "procedures_loaded": 0}
    finally:
        database.drop()
