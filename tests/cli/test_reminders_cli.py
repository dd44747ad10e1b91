"""``counter-app reminders`` (issue 13, item 4): the supplements waiting and closing soon as
JSON, and the closures that are due performed; ``slip --form stop`` for the closed dossier.

Every instant is given (``--at``): requests made in September 2026 have expired whatever
the day the test runs on (later than 17/09/2026, also under the clock-ahead run)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from counter_app.services.setup import DEMO_PASSWORD
from tests.cli.test_cli import APPLICANT, ok, run
from tests.printing.test_slips import pdf_text


def _receive(tmp_path: Path, applicant: Path, at: str) -> str:
    out = ok(
        tmp_path, "receive", "--procedure", "1.000894", "--applicant-json", str(applicant),
        "--at", at,
    )  # fmt: skip
    return str(out["code"])


def _remind(tmp_path: Path) -> Any:
    """``reminders`` as the demo officer (closing records who did it: the password)."""
    result = run(
        tmp_path, "reminders", "--password-stdin", password=None, stdin=DEMO_PASSWORD + "\n"
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_reminders_close_the_expired_supplement_and_list_the_others(tmp_path: Path) -> None:
    applicant = tmp_path / "applicant.json"
    applicant.write_text(json.dumps(APPLICANT, ensure_ascii=False), encoding="utf-8")
    expired = _receive(tmp_path, applicant, "2026-09-01T09:00")
    request = json.dumps({"items": ["Tờ khai có chữ ký"], "reason": "Thiếu chữ ký"})
    ok(tmp_path, "event", expired, "supplement_request", "--at", "2026-09-02T09:00",
       "--json", request)  # fmt: skip
    answered = _receive(tmp_path, applicant, "2026-09-01T10:00")
    ok(tmp_path, "event", answered, "supplement_request", "--at", "2026-09-02T10:00",
       "--json", request)  # fmt: skip
    ok(tmp_path, "event", answered, "supplement_received", "--at", "2026-09-05T10:00")

    listed = ok(tmp_path, "reminders", "--no-close", password=None)
    assert [w["code"] for w in listed["waiting"]] == [expired] and listed["closed"] == []
    assert listed["waiting"][0]["limit_at"].startswith("2026-09-17T09:00")
    assert listed["waiting"][0]["rule_set"] == "ND309-2026/TT03-2025"

    out = _remind(tmp_path)
    assert [c["code"] for c in out["closed"]] == [expired]
    assert out["closed"][0]["closed_at"].startswith("2026-09-17T09:00")
    assert out["waiting"] == [] and out["closing_soon"] == []
    again = _remind(tmp_path)
    assert again["closed"] == [] and again["waiting"] == []  # closed once only

    pdf = tmp_path / "stop.pdf"
    ok(tmp_path, "slip", expired, "--form", "stop", "--size", "80mm", "--out", str(pdf))
    text = pdf_text(pdf)
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and expired in text
    assert "Quá 15 ngày kể từ ngày yêu cầu bổ sung" in text
    report = ok(tmp_path, "report", "--from", "2026-09-01", "--to", "2026-09-30", password=None)
    assert report["resolved"] == {"total": 1, "early": 0, "on_time": 1, "late": 0}
    assert report["closed"] == {"withdrawn": 0, "stopped": 0, "supplement_expired": 1}
    assert report["in_progress"]["total"] == 1
    refused = run(tmp_path, "slip", answered, "--form", "stop", "--out", str(pdf))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
