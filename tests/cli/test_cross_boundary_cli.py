"""``counter-app receive --cross-boundary`` and ``event CODE authority_received`` (issue 13
item 2), through the real command line. Every instant is given (``--at``, past dates)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import APPLICANT, ok, refused


def _receive(tmp_path: Path, at: str, *extra: str) -> dict[str, object]:
    applicant = tmp_path / "applicant.json"
    applicant.write_text(json.dumps(APPLICANT, ensure_ascii=False), encoding="utf-8")
    out: dict[str, object] = ok(
        tmp_path, "receive", "--procedure", "1.001193", "--applicant-json", str(applicant),
        "--at", at, "--time", "3 ngày làm việc", *extra,
    )  # fmt: skip
    return out


def test_a_cross_boundary_reception_then_the_authority_receipt(tmp_path: Path) -> None:
    scope = ("--cross-boundary", "other_agency", "--authority", "Sở Tư pháp")
    friday = _receive(tmp_path, "2026-08-07T15:30", *scope)
    assert friday["rule_set"] == "ND309-2026/TT03-2025" and friday["due_expected"] is True
    assert str(friday["transfer_at"]).startswith("2026-08-10T07:00")  # Monday's opening
    assert str(friday["due"]).startswith("2026-08-12T17:00")
    code = str(friday["code"])
    ok(tmp_path, "event", code, "authority_received", "--at", "2026-08-10T09:30")
    [found] = ok(tmp_path, "search", code, password=None)
    assert str(found["authority_received_at"]).startswith("2026-08-10T09:30")
    assert str(found["due"]).startswith("2026-08-13T09:30") and found["due_expected"] is False
    # Under Decree 118/2025 (received 04/08/2026) the time runs from the counter
    old = _receive(tmp_path, "2026-08-04T15:30", "--cross-boundary", "other_province")
    assert old["rule_set"] == "ND118-2025/TT03-2025" and old["due_expected"] is False
    assert str(old["due"]).startswith("2026-08-07T15:30")
    plain = _receive(tmp_path, "2026-08-07T10:00")
    message = refused(tmp_path, "event", str(plain["code"]), "authority_received")
    assert "authority_received" not in message  # said in Vietnamese
