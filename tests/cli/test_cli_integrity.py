"""Issue 17 at the command line: who acted is an officer who authenticated; a history
rewritten in the file is reported by `check` and at open; bad texts refused at the boundary."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from counter_app.services.setup import DEMO_PASSWORD
from counter_app.storage import projection
from tests.cli.test_cli import APPLICANT, ok, refused, run

RECEIVE = ("receive", "--procedure", "1.001193", "--at", "2026-02-13T10:00")


def _file(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _applicant(tmp_path: Path, **over: str) -> str:
    return _file(tmp_path, "a.json", json.dumps({**APPLICANT, **over}).encode())


def _db(tmp_path: Path) -> sqlite3.Connection:
    path = tmp_path / "station" / "counter.db"
    conn = sqlite3.connect(path)
    projection.attach(conn, path, read_only=True)  # the dossier rows and the outbox (m0038)
    return conn


def _audit(tmp_path: Path) -> list[tuple[str, str]]:
    conn = _db(tmp_path)
    try:
        return conn.execute("SELECT officer, action FROM audit_log ORDER BY id").fetchall()
    finally:
        conn.close()


def test_an_action_needs_the_officers_password(tmp_path: Path) -> None:
    applicant = _applicant(tmp_path)
    # No terminal and no --password-stdin: refused, the password is never guessed.
    message = refused(tmp_path, *RECEIVE, "--applicant-json", applicant, password=None)
    assert "mật khẩu" in message and "--password-stdin" in message
    assert "Sai mật khẩu" in refused(
        tmp_path, *RECEIVE, "--applicant-json", applicant, password="không đúng"
    )
    assert ok(tmp_path, "info")["dossiers"] == 0
    assert ("canbo", "login_failed") in _audit(tmp_path)
    # The name typed says which account; the password proves it. --password-stdin reads
    # one line: what follows is left for a PIN (--pin-stdin).
    result = run(
        tmp_path,
        *RECEIVE,
        "--applicant-json",
        applicant,
        "--officer",
        "lanhdao",
        password=DEMO_PASSWORD,
        stdin="the next line\n",
    )
    assert result.returncode == 0, result.stderr
    done = json.loads(result.stdout)
    conn = _db(tmp_path)
    try:
        officer = conn.execute(
            "SELECT officer FROM events WHERE dossier_uuid = ?", (done["uuid"],)
        ).fetchone()[0]
    finally:
        conn.close()
    assert officer == "lanhdao" and ("lanhdao", "login") in _audit(tmp_path)


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        ("UPDATE events SET payload = replace(payload, 'Minh', 'Mình')", "đã bị sửa"),
        ("DELETE FROM audit_log WHERE id = (SELECT min(id) FROM audit_log)", "đã bị xóa"),
    ],
)
def test_a_history_edited_in_the_file_is_reported_by_check_and_at_open(
    tmp_path: Path, edit: str, words: str
) -> None:
    ok(tmp_path, *RECEIVE, "--applicant-json", _applicant(tmp_path))
    assert ok(tmp_path, "check")["ok"] is True
    conn = _db(tmp_path)
    with conn:
        conn.execute(edit)
    conn.close()
    message = refused(tmp_path, "check")
    assert "Lịch sử" in message and words in message
    opened = run(tmp_path, "info")
    assert opened.returncode == 0 and "Lịch sử" in opened.stderr


BAD_APPLICANT_FILES = [
    (json.dumps({**APPLICANT, "name": "Nguyễn\x00Văn"}).encode(), "họ và tên"),
    (json.dumps({**APPLICANT, "name": "Nguyễn \ud800Văn"}).encode(), "họ và tên"),
    (json.dumps({**APPLICANT, "address": "Thôn \u202eĐông"}).encode(), "địa chỉ"),
    (json.dumps({**APPLICANT, "name": "A" * 1_000_000}).encode(), "100 ký tự"),
    (json.dumps(APPLICANT).encode().replace(b"Nguy", b"\xff\xfe"), "UTF-8"),
    (b"{" + b" " * (2 << 20) + b"}", "quá lớn"),
]
BAD_CORRECTIONS = [
    ({"changes": {"applicant": {"name": "Trần\x00Thị"}}}, "họ và tên"),
    ({"changes": {"applicant": {"address": "Thôn \u2066Đông"}}}, "địa chỉ"),
    ({"changes": {"return_address": "x\ud800"}}, "return_address"),
    ({"changes": {"sets": 2}, "reason": "r" * 2001}, "2000 ký tự"),
]


def test_bad_texts_at_the_boundary_are_refused_with_the_field_and_nothing_is_stored(
    tmp_path: Path,
) -> None:
    for index, (data, words) in enumerate(BAD_APPLICANT_FILES):
        path = _file(tmp_path, f"bad-{index}.json", data)
        message = refused(tmp_path, *RECEIVE, "--applicant-json", path)
        assert words in message, (index, message)
    code = ok(tmp_path, *RECEIVE, "--applicant-json", _applicant(tmp_path))["code"]
    before = _counts(tmp_path)
    assert before["dossiers"] == 1
    for payload, words in BAD_CORRECTIONS:
        text = json.dumps(payload, ensure_ascii=True)
        assert words in refused(tmp_path, "event", code, "correct", "--json", text)
    assert _counts(tmp_path) == before
    # A reason over several lines is a reason.
    fine = {"changes": {"sets": 2}, "reason": "dòng một\ndòng hai"}
    ok(tmp_path, "event", code, "correct", "--json", json.dumps(fine))


def _counts(tmp_path: Path) -> dict[str, int]:
    conn = _db(tmp_path)
    try:
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("dossiers", "events", "outbox")
        }
    finally:
        conn.close()
