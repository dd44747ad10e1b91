"""Every subcommand run as a subprocess, on good and on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from counter_app.services.setup import DEMO_PASSWORD

APPLICANT = {
    "name": "Nguyễn Văn Đức",
    "id_number": "001090123456",
    "birth_date": "1990-01-01",
    "sex": "Nam",
    "address": "Thôn Đông, xã Minh Hòa",
    "phone": "0912345678",
}
QR = "001090123456|012345678|NGUYỄN VĂN ĐỨC|01011990|Nam|Thôn Đông, Xã Minh Hòa|15042021"


# Subcommands that record who acted: the officer authenticates (counter_app/cli/common.py).
ACTING = frozenset(
    {"receive", "backup", "restore", "event", "favourites", "attach", "sign", "slip"}
)


def as_officer(args: tuple[str, ...], password: str | None) -> tuple[tuple[str, ...], str]:
    """``args`` with --password-stdin and the standard input that carries ``password``, for
    a subcommand that records who acted (None: as given, nothing on standard input)."""
    if password is None or not ACTING & set(args) or "--help" in args:
        return args, ""
    if "--password-stdin" in args:
        return args, password + "\n"
    return (*args, "--password-stdin"), password + "\n"


def run(
    tmp_path: Path,
    *args: str,
    headless: bool = False,
    password: str | None = DEMO_PASSWORD,
    stdin: str = "",
) -> subprocess.CompletedProcess[str]:
    args, secret = as_officer(args, password)
    env = {
        **os.environ,
        "COUNTER_APP_MIRROR_DIR": str(tmp_path / "mirror"),
        "COUNTER_APP_DATA_DIR": str(tmp_path / "station"),
        "PYTHONIOENCODING": "utf-8",
    }
    if headless:
        for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
            env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "counter_app", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        input=secret + stdin,
        timeout=120,
        check=False,
    )


def ok(tmp_path: Path, *args: str, password: str | None = DEMO_PASSWORD) -> Any:
    result = run(tmp_path, *args, password=password)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def refused(tmp_path: Path, *args: str, password: str | None = DEMO_PASSWORD) -> str:
    result = run(tmp_path, *args, password=password)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message and unicodedata.is_normalized("NFC", message)
    assert "Traceback" not in message
    return message


@pytest.fixture
def applicant_file(tmp_path: Path) -> Path:
    path = tmp_path / "applicant.json"
    path.write_text(json.dumps(APPLICANT, ensure_ascii=False), encoding="utf-8")
    return path


def test_due_over_tet_2026(tmp_path: Path) -> None:
    out = ok(tmp_path, "due", "--received", "2026-02-13T10:00", "--time", "3 ngày làm việc")
    assert out["due"].startswith("2026-02-25T10:00")
    assert out["confirmed"] is True


def test_due_from_the_catalogue_and_estimated_years(tmp_path: Path) -> None:
    out = ok(tmp_path, "due", "--received", "2026-02-13T15:30", "--procedure", "1.001193")
    assert out["due"].startswith("2026-02-23T17:00")  # same day after 15:00, across Tết
    out = ok(tmp_path, "due", "--received", "2027-03-01T09:00", "--time", "5 ngày làm việc")
    assert out["confirmed"] is True and out["estimated_days"] == []  # crosses no estimate
    out = ok(tmp_path, "due", "--received", "2027-04-14T09:00", "--time", "5 ngày làm việc")
    assert out["confirmed"] is False  # crosses Giỗ Tổ, Fri 16/04/2027, not announced yet
    assert [(d["date"], d["name"]) for d in out["estimated_days"]] == [
        ("2027-04-16", "Giỗ Tổ Hùng Vương")
    ]
    out = ok(tmp_path, "due", "--received", "2026-02-13T10:00", "--time", "không có ngày hẹn trả")
    assert out["due"] is None


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("due", "--received", "2026-13-45T10:00", "--time", "3 ngày làm việc"), "Thời điểm"),
        (("due", "--time", "ba ngày"), "thời hạn"),
        (("due", "--procedure", "9.999999"), "Không tìm thấy thủ tục"),
        (("due", "--time", "3 ngày", "--procedure", "1.001193"), "không dùng"),
        (("due", "--time", "3 ngày", "--bogus"), "không hiểu tham số"),
        (("nonexistent-command",), "Lệnh không hợp lệ"),
    ],
)
def test_due_refusals(tmp_path: Path, args: tuple[str, ...], words: str) -> None:
    assert words in refused(tmp_path, *args)


def test_parse_id(tmp_path: Path) -> None:
    out = ok(tmp_path, "parse-id", unicodedata.normalize("NFD", QR) + "\r\n")
    assert out == {
        "name": "NGUYỄN VĂN ĐỨC",
        "id_number": "001090123456",
        "birth_date": "1990-01-01",
        "sex": "Nam",
        "address": "Thôn Đông, Xã Minh Hòa",
        "phone": None,
        "old_id_number": "012345678",
        "issue_date": "2021-04-15",
    }
    assert "QR" in refused(tmp_path, "parse-id", "https://dichvucong.gov.vn/")
    assert "12 chữ số" in refused(tmp_path, "parse-id", QR.replace("001090123456", "0010901"))


def test_receive_search_backup_restore_check(tmp_path: Path, applicant_file: Path) -> None:
    first = ok(
        tmp_path,
        "receive",
        "--procedure",
        "1.001193",
        "--applicant-json",
        str(applicant_file),
        "--at",
        "2026-02-13T10:00",
    )
    assert first["code"] == "000.00.19.H56-260213-0000001"  # demo prefix 000
    assert first["due"].startswith("2026-02-13T17:00")
    assert len(first["uuid"]) == 36
    found = ok(tmp_path, "search", "nguyen van duc")
    assert [d["code"] for d in found] == [first["code"]]
    assert found[0]["name"] == "Nguyễn Văn Đức"
    assert ok(tmp_path, "search", "tran thi") == []
    backup = ok(tmp_path, "backup")
    second = ok(
        tmp_path,
        "receive",
        "--procedure",
        "1.001193",
        "--applicant-json",
        str(applicant_file),
        "--at",
        "2026-02-13T10:05",
    )
    # an officer may not restore; the administrator may
    assert "không có quyền" in refused(tmp_path, "restore", backup["backup"])
    restored = ok(tmp_path, "restore", backup["backup"], "--officer", "quantri")
    assert restored["dossiers"] == 1
    # After a restore no code is minted until a sync or an officer's word (issue 12).
    waiting = refused(
        tmp_path, "receive", "--procedure", "1.001193", "--applicant-json", str(applicant_file)
    )
    assert "khôi phục" in waiting
    confirmed = run(
        tmp_path, "codes-offline", "--officer", "canbo", "--password-stdin",
        password=None, stdin=DEMO_PASSWORD + "\n",
    )  # fmt: skip
    assert confirmed.returncode == 0, confirmed.stderr
    third = ok(
        tmp_path,
        "receive",
        "--procedure",
        "1.001193",
        "--applicant-json",
        str(applicant_file),
        "--at",
        "2026-02-13T10:10",
    )
    assert third["code"] not in (first["code"], second["code"])
    assert ok(tmp_path, "check")["ok"] is True
    info = ok(tmp_path, "info")
    assert info["dossiers"] == 2 and info["demo"] is True


def test_receive_refusals_write_nothing(tmp_path: Path, applicant_file: Path) -> None:
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{not json", encoding="utf-8")
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps({**APPLICANT, "sex": ""}), encoding="utf-8")
    cases = [
        (("--procedure", "9.999999", "--applicant-json", str(applicant_file)), "thủ tục"),
        (("--procedure", "1.001193", "--applicant-json", str(bad_json)), "JSON"),
        (("--procedure", "1.001193", "--applicant-json", str(missing)), "giới tính"),
        (
            ("--procedure", "1.001193", "--applicant-json", str(tmp_path / "none.json")),
            "Không đọc được",
        ),
        (
            ("--procedure", "1.001193", "--applicant-json", str(applicant_file), "--at", "hôm qua"),
            "Thời điểm",
        ),
        (
            ("--procedure", "1.001193", "--applicant-json", str(applicant_file), "--agency", "XYZ"),
            "Mã định danh",
        ),
        (
            (
                "--procedure",
                "1.001193",
                "--applicant-json",
                str(applicant_file),
                "--officer",
                "khong-co",
            ),
            "cán bộ",
        ),
        (("--procedure", "1.001193"), "thiếu tham số"),
    ]
    for args, words in cases:
        assert words in refused(tmp_path, "receive", *args)
    assert ok(tmp_path, "info")["dossiers"] == 0


def test_restore_and_search_refusals(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    assert "sao lưu" in refused(tmp_path, "restore", str(bogus), "--officer", "quantri")
    assert "nhập nội dung" in refused(tmp_path, "search", "  ")


def test_every_subcommand_has_vietnamese_help(tmp_path: Path) -> None:
    for command in ("due", "parse-id", "receive", "search", "backup", "restore", "check", "info"):
        result = run(tmp_path, command, "--help")
        assert result.returncode == 0
        assert "cách dùng:" in result.stdout and "tùy chọn" in result.stdout


def test_data_dir_option_separates_stations(tmp_path: Path, applicant_file: Path) -> None:
    for name in ("a", "b"):
        ok(
            tmp_path,
            "--data-dir",
            str(tmp_path / name),
            "receive",
            "--procedure",
            "1.001193",
            "--applicant-json",
            str(applicant_file),
        )
    assert ok(tmp_path, "info", "--data-dir", str(tmp_path / "a"))["dossiers"] == 1
    assert ok(tmp_path, "info")["dossiers"] == 0


def test_no_subcommand_without_a_screen_seeds_and_shows_the_station(tmp_path: Path) -> None:
    result = run(tmp_path, headless=True)
    assert result.returncode == 0
    assert "946 thủ tục" in result.stdout
    assert "màn hình" in result.stderr


def test_due_needs_a_time_or_a_procedure(tmp_path: Path) -> None:
    assert "cần một trong các tham số" in refused(tmp_path, "due", "--received", "2026-02-13T10:00")


def test_logs_never_hold_id_numbers(tmp_path: Path) -> None:
    import logging

    from counter_app.app import RedactIdNumbers

    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "applicant %s / old %s", ("001090123456", "012345678"), None
    )
    RedactIdNumbers().filter(record)
    message = record.getMessage()
    assert "001090123456" not in message and "012345678" not in message
    assert "001*********" in message


def test_event_and_report(tmp_path: Path, applicant_file: Path) -> None:
    first = ok(
        tmp_path,
        "receive",
        "--procedure",
        "1.000894",
        "--applicant-json",
        str(applicant_file),
        "--at",
        "2026-11-20T09:00",
    )
    code = first["code"]
    # Every action carries its own instant: the test never depends on today's date.
    at = ("--at", "2026-11-20T10:00")
    assert "trả kết quả" in refused(
        tmp_path, "event", code, "return", *at, "--json", '{"receiver_name": "A"}'
    )
    assert (
        ok(tmp_path, "event", code, "handover", *at, "--json", '{"to": "Tư pháp"}')["status"]
        == "in_progress"
    )
    assert ok(tmp_path, "event", code, "result", "--at", "2026-11-23T09:00")["status"] == "resolved"
    assert (
        ok(
            tmp_path,
            "event",
            code,
            "return",
            "--at",
            "2026-11-24T09:00",
            "--json",
            '{"receiver_name": "Nguyễn Văn Đức"}',
        )["status"]
        == "returned"
    )
    assert "JSON" in refused(tmp_path, "event", code, "rating", *at, "--json", "{bad")
    assert "Không tìm thấy hồ sơ" in refused(
        tmp_path, "event", "000.00.19.H56-261120-009999", "result"
    )
    report = ok(tmp_path, "report", "--from", "2026-11-01", "--to", "2026-11-30")
    assert report["received"]["total"] == 1 and report["resolved"]["total"] == 1
    assert "Ngày" in refused(tmp_path, "report", "--from", "2026-11-31", "--to", "2026-12-01")
