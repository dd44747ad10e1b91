"""``receive`` with the channel and identity options (issue 13 item 6), through the real
command line; a refusal names the field and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import APPLICANT, ok, refused


def test_receive_from_the_kiosk_with_the_chip_and_the_national_databases(
    tmp_path: Path,
) -> None:
    applicant = tmp_path / "applicant.json"
    applicant.write_text(json.dumps(APPLICANT, ensure_ascii=False), encoding="utf-8")
    common = ("--procedure", "1.001193", "--applicant-json", str(applicant))
    out = ok(
        tmp_path,
        "receive",
        *common,
        "--at",
        "2026-02-13T10:00",
        "--filed-via",
        "kiosk",
        "--identity",
        "chip",
        "--data-source",
        "national_db",
    )
    assert out["identity"] == {
        "channel": 2,
        "filed_via": "kiosk",
        "identity_check": "chip",
        "data_source": "national_db",
        "qr_extra": [],
    }
    message = refused(
        tmp_path, "receive", *common, "--filed-via", "kiosk", "--identity", "card_seen"
    )
    assert "xác thực danh tính" in message
    plain = ok(tmp_path, "receive", *common, "--at", "2026-02-13T10:05")
    assert plain["identity"]["channel"] == 1 and plain["identity"]["filed_via"] is None
