"""``counter-app procedures``, ``procedure``, ``favourites`` and ``receive --papers``."""

from __future__ import annotations

import json
from pathlib import Path

from counter_app.app import open_station
from tests.cli.test_cli import APPLICANT, ok, refused
from tests.domain.test_procedure_search import EVERYDAY_QUERIES


def test_procedures_ranked_as_the_window_ranks(tmp_path: Path) -> None:
    found = ok(tmp_path, "procedures", "khai sinh", "--limit", "3")
    assert isinstance(found, list) and len(found) == 3
    assert found[0] == {
        "code": "1.001193",
        "name": "Thủ tục đăng ký khai sinh",
        "level": "xa",
        "field": "Hộ tịch",
        "time": found[0]["time"],
    }
    assert found[0]["time"]
    for typed, expected in EVERYDAY_QUERIES[::8]:
        assert ok(tmp_path, "procedures", typed, "--limit", "1")[0]["code"] == expected  # type: ignore[index]
    assert ok(tmp_path, "procedures", "xyzzy") == []


def test_procedure_lists_the_checklist_as_the_window_shows_it(tmp_path: Path) -> None:
    shown = ok(tmp_path, "procedure", "1.001193")
    assert isinstance(shown, dict)
    papers = shown["papers"]
    assert [p["index"] for p in papers] == list(range(1, len(papers) + 1))
    assert papers[0]["title"] == "Tờ khai đăng ký khai sinh"
    assert papers[0]["text"].startswith("Tờ khai đăng ký khai sinh theo mẫu")
    assert papers[0]["kind"] == "nộp" and not papers[0]["conditional"]
    assert papers[2]["kind"] == "xuất trình"
    assert all(p["conditional"] for p in papers[3:])
    assert "không tìm thấy" in refused(tmp_path, "procedure", "9.999999").lower()


def test_favourites_are_pinned_and_come_first(tmp_path: Path) -> None:
    assert ok(tmp_path, "favourites") == []
    pinned = ok(tmp_path, "favourites", "--add", "2.001019", "--add", "1.004873")
    assert [p["code"] for p in pinned] == ["2.001019", "1.004873"]  # type: ignore[index]
    assert ok(tmp_path, "procedures", "chung thuc", "--limit", "1")[0]["code"] == "2.001019"  # type: ignore[index]
    assert ok(tmp_path, "procedures", "khai sinh", "--limit", "1")[0]["code"] == "1.001193"  # type: ignore[index]
    left = ok(tmp_path, "favourites", "--remove", "2.001019")
    assert [p["code"] for p in left] == ["1.004873"]  # type: ignore[index]
    assert refused(tmp_path, "favourites", "--add", "9.999999")


def _stored_papers(tmp_path: Path, code: str) -> list[tuple[str, bool]]:
    ctx = open_station(tmp_path / "station")
    try:
        dossier = ctx.dossier_by_code(code)
        return [(d.label, d.received) for d in dossier.documents]
    finally:
        ctx.store.close()


def test_receive_records_exactly_the_papers_handed_over(tmp_path: Path) -> None:
    applicant = tmp_path / "applicant.json"
    applicant.write_text(json.dumps(APPLICANT, ensure_ascii=False), encoding="utf-8")
    args = ("receive", "--procedure", "1.001193", "--applicant-json", str(applicant))
    ticked = ok(tmp_path, *args, "--at", "2026-02-13T09:00", "--papers", "1,3")
    papers = _stored_papers(tmp_path, ticked["code"])  # type: ignore[index]
    assert [received for _, received in papers] == [True, False, True, False, False, False, False]
    assert papers[0][0] == "Tờ khai đăng ký khai sinh"
    none = ok(tmp_path, *args, "--at", "2026-02-13T09:05")
    assert not any(received for _, received in _stored_papers(tmp_path, none["code"]))  # type: ignore[index]
    assert "số 9" in refused(tmp_path, *args, "--papers", "1,9")
    assert "--papers" in refused(tmp_path, *args, "--papers", "một")
