"""Fees on the command line (issue 13 item 7): ``receive --fee-…``, a later ``event CODE
fee``, an exemption outside its dates refused (exit 2, the field named, nothing written), the
period's totals in ``report --xlsx`` read back with openpyxl; an apology by an officer
refused (item 8). Reception instants are given (--at), never today's date."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from counter_app.texts import fees as ft
from tests.cli.test_cli import applicant_file, ok, refused

__all__ = ["applicant_file"]
RESIDENCE = "1.004222"  # Đăng ký thường trú: 20,000 đ at the counter


def _receive(tmp_path: Path, applicant: Path, at: str, *extra: str) -> dict:  # type: ignore[type-arg]
    return ok(
        tmp_path,
        "receive",
        "--procedure",
        RESIDENCE,
        "--applicant-json",
        str(applicant),
        "--at",
        at,
        *extra,
    )


def test_fees_received_recorded_and_reported(tmp_path: Path, applicant_file: Path) -> None:
    paid = _receive(
        tmp_path,
        applicant_file,
        "2026-09-15T09:00",
        "--fee-collected",
        "20000",
        "--fee-method",
        "cash",
        "--fee-receipt",
        "BL-0001",
    )
    assert paid["fee"] == {
        "due": 20_000,
        "collected": 20_000,
        "method": "cash",
        "receipt_no": "BL-0001",
        "exemption": "",
    }
    later = _receive(tmp_path, applicant_file, "2026-09-15T09:30")
    assert later["fee"]["due"] == 20_000 and later["fee"]["collected"] == 0
    payment = json.dumps({"collected": "15.000", "method": "transfer", "receipt_no": "BL-7"})
    ok(tmp_path, "event", later["code"], "fee", "--json", payment, "--at", "2026-09-16T09:00")
    message = refused(
        tmp_path,
        "receive",
        "--procedure",
        RESIDENCE,
        "--applicant-json",
        str(applicant_file),
        "--at",
        "2026-09-15T10:00",
        "--fee-exemption",
        "digital_citizen",
    )
    assert "miễn phí, lệ phí" in message and "trực tuyến" in message  # at the counter: no
    xlsx = tmp_path / "bieu06.xlsx"
    ok(tmp_path, "report", "--from", "2026-09-01", "--to", "2026-09-30", "--xlsx", str(xlsx))
    sheet = openpyxl.load_workbook(xlsx)[ft.REPORT_FEES_SHEET]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    total = next(r for r in rows if r[0] == ft.REPORT_FEES_TOTAL)
    assert total[2:8] == [2, 40_000, 35_000, 5_000, 0, 0]  # the refused one is not there


def test_an_officers_apology_is_refused_on_the_command_line(
    tmp_path: Path, applicant_file: Path
) -> None:
    received = _receive(tmp_path, applicant_file, "2026-09-15T09:00")
    apology = json.dumps({"new_due": "2026-09-30T10:00", "reason": "Chờ xác minh"})
    message = refused(
        tmp_path,
        "event",
        received["code"],
        "apology",
        "--json",
        apology,
        "--at",
        "2026-09-16T09:00",
        "--officer",
        "canbo",
    )
    assert "«canbo» không được" in message and "lãnh đạo" in message
