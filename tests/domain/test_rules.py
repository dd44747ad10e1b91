"""Rule sets chosen by the reception date (issue 13, item 1)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from counter_app.domain.models import VN_TZ
from counter_app.reference.rules import load_rule_book, rules_path, shipped_rule_book


def test_decree_309_applies_from_the_fifth_of_august_2026_vietnam_time() -> None:
    book = shipped_rule_book()
    before = book.for_reception(datetime(2026, 8, 4, 23, 59, tzinfo=VN_TZ))
    after = book.for_reception(datetime(2026, 8, 5, 0, 0, tzinfo=VN_TZ))
    assert before.name == "ND118-2025/TT03-2025"
    assert after.name == "ND309-2026/TT03-2025"
    # 17:30 UTC on the 4th is already the 5th in Vietnam
    assert book.for_reception(datetime(2026, 8, 4, 17, 30, tzinfo=UTC)).name == after.name
    assert before.cross_boundary_clock == "counter" and after.cross_boundary_clock == "authority"
    assert before.reason("databases_unreachable") is None
    assert after.reason("databases_unreachable") is not None


def test_a_dossier_keeps_the_rule_set_it_names() -> None:
    book = shipped_rule_book()
    late = datetime(2026, 12, 2, 9, tzinfo=VN_TZ)
    assert book.of_dossier("ND118-2025/TT03-2025", late).name == "ND118-2025/TT03-2025"
    assert book.of_dossier("", late).name == "ND309-2026/TT03-2025"
    assert book.named("unknown").name == book.sets[0].name


def test_a_rule_set_must_name_every_field(tmp_path: Path) -> None:
    data = json.loads(rules_path().read_text(encoding="utf-8"))
    del data["rule_sets"][1]["supplement_expiry_amount"]
    broken = tmp_path / "rules.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="supplement_expiry_amount"):
        load_rule_book(broken)


def test_the_digital_citizen_exemption_is_dated() -> None:
    rules = shipped_rule_book().for_reception(date(2026, 9, 1))
    (exemption,) = rules.fee_exemptions
    assert exemption.covers(date(2026, 8, 15)) and exemption.covers(date(2027, 2, 28))
    assert not exemption.covers(date(2027, 3, 1))
