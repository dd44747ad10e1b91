"""``counter-app report`` with --xlsx / --pdf / --by, and ``counter-app register``, run as
subprocesses on a station prepared through the real services."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.models import VN_TZ, Channel
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.services.actions import Action, record_action
from counter_app.services.intake import ReceptionRequest, receive_dossier
from tests.conftest import make_applicant

ROOT = Path(__file__).resolve().parents[2]
FIVE = ProcessingTime(TimeUnit.WORKING_DAYS, 5)


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "COUNTER_APP_MIRROR_DIR": str(tmp_path / "mirror"),
        "COUNTER_APP_DATA_DIR": str(tmp_path / "cli-station"),
        "PYTHONIOENCODING": "utf-8",
    }
    return subprocess.run(
        [sys.executable, "-m", "counter_app", *args],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=120, check=False,
        cwd=ROOT,
    )  # fmt: skip


@pytest.fixture
def prepared(tmp_path: Path) -> None:
    """Two March dossiers: one online resolved early, one direct still open and overdue."""
    clock = FixedClock(datetime(2026, 4, 1, 9, 0, tzinfo=VN_TZ))
    ctx = open_station(tmp_path / "cli-station", clock=clock)
    try:
        for channel in (Channel.ONLINE, Channel.DIRECT):
            request = ReceptionRequest(
                procedure_code="1.001193",
                applicant=make_applicant(),
                time=FIVE,
                channel=channel,
                received_at=datetime(2026, 3, 2, 10, 0, tzinfo=VN_TZ),
            )
            dossier = receive_dossier(ctx, request, officer="canbo")[0]
            if channel is Channel.ONLINE:
                when = datetime(2026, 3, 5, 10, 0, tzinfo=VN_TZ)
                record_action(ctx, dossier, Action.RESULT, officer="canbo", at=when)
    finally:
        ctx.store.close()


def test_report_writes_json_xlsx_and_pdf(tmp_path: Path, prepared: None) -> None:
    xlsx, pdf = tmp_path / "out" / "b06.xlsx", tmp_path / "out" / "b06.pdf"
    result = run_cli(
        tmp_path, "report", "--from", "2026-03-01", "--to", "2026-03-31",
        "--xlsx", str(xlsx), "--pdf", str(pdf), "--by", "procedure",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["received"] == {"total": 2, "online": 1, "direct_postal": 1, "carried_over": 0}
    assert data["resolved"] == {"total": 1, "early": 1, "on_time": 0, "late": 0}
    assert data["in_progress"] == {"total": 1, "in_time": 0, "overdue": 1}
    assert data["by"] == "procedure" and data["by_procedure"][0]["code"] == "1.001193"
    assert data["files"] == {"xlsx": str(xlsx), "pdf": str(pdf)}
    ws = openpyxl.load_workbook(xlsx).active
    assert [ws.cell(row=11, column=c).value for c in range(1, 14)] == [
        "1", "Hộ tịch", 2, 1, 1, 0, 1, 1, 0, 0, 1, 0, 1,
    ]  # fmt: skip
    assert ws.cell(row=12, column=1).value == "1.1"
    assert ws.cell(row=13, column=1).value == "Tổng cộng"
    assert pdf.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
        assert "Đơn vị tính: Số hồ sơ TTHC" in text.stdout.decode("utf-8")


def test_report_without_files_prints_only_json(tmp_path: Path, prepared: None) -> None:
    result = run_cli(tmp_path, "report", "--from", "2026-03-01", "--to", "2026-03-31")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["by"] == "field" and "files" not in data
    assert list(data["by_field"]) == ["Hộ tịch"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--from", "2026-02-30", "--to", "2026-03-31"), "Ngày «2026-02-30» không hợp lệ"),
        (("--from", "01/03/2026", "--to", "2026-03-31"), "không hợp lệ"),
        (("--from", "2026-03-31", "--to", "2026-03-01"), "không hợp lệ"),
    ],
)
def test_bad_dates_exit_2_in_vietnamese(
    tmp_path: Path, prepared: None, args: tuple[str, ...], expected: str
) -> None:
    xlsx = tmp_path / "never.xlsx"
    result = run_cli(tmp_path, "report", *args, "--xlsx", str(xlsx))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stdout == "" and expected in result.stderr
    assert "Traceback" not in result.stderr and not xlsx.exists()


def test_an_unwritable_file_exits_2(tmp_path: Path, prepared: None) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    target = blocker / "b06.xlsx"
    result = run_cli(
        tmp_path, "report", "--from", "2026-03-01", "--to", "2026-03-31", "--xlsx", str(target)
    )
    assert result.returncode == 2 and "Không ghi được tệp" in result.stderr


def test_register_pdf(tmp_path: Path, prepared: None) -> None:
    out = tmp_path / "so.pdf"
    result = run_cli(tmp_path, "register", "--year", "2026", "--pdf", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["pdf"] == str(out) and out.read_bytes()[:5] == b"%PDF-"
    bad = run_cli(tmp_path, "register", "--year", "năm", "--pdf", str(out))
    assert bad.returncode == 2 and "Năm «năm» không hợp lệ" in bad.stderr
