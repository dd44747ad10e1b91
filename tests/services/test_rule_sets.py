"""Rule sets by reception date at work (issue 13 item 1): a dossier keeps the rules it was
received under, printed on its slips, whatever the rule set of the day it is printed."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.models import VN_TZ
from counter_app.printing.printer import PaperSize
from counter_app.reference import rules as rules_module
from counter_app.reference.rules import load_rule_book, rules_path
from counter_app.services import slips
from counter_app.services.intake import ReceptionRequest, receive_dossier
from tests.conftest import make_applicant

NEW_CAPTION = "Mẫu số 01 Phụ lục I, Thông tư số 99/2026/TT-BTP"


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "slip.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(unicodedata.normalize("NFC", out.stdout.decode("utf-8")).split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils reads PDFs back")
def test_each_dossier_prints_the_form_caption_of_its_own_rule_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.loads(rules_path().read_text(encoding="utf-8"))
    data["rule_sets"][1]["form_captions"]["receipt"] = NEW_CAPTION  # ND309 only
    changed = tmp_path / "rules.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    book = load_rule_book(changed)
    monkeypatch.setattr(rules_module, "shipped_rule_book", lambda: book)
    clock = FixedClock(datetime(2026, 8, 20, 9, 0, tzinfo=VN_TZ))
    ctx = open_station(tmp_path / "station", clock=clock)
    try:
        dossiers = {}
        for day in (4, 6):
            request = ReceptionRequest(
                procedure_code="1.001193",
                applicant=make_applicant(),
                received_at=datetime(2026, 8, day, 9, 0, tzinfo=VN_TZ),
            )
            dossiers[day] = receive_dossier(ctx, request, officer="canbo")[0]
        assert dossiers[4].rule_set == "ND118-2025/TT03-2025"
        assert dossiers[6].rule_set == "ND309-2026/TT03-2025"
        old = _pdf_text(
            slips.render(ctx, dossiers[4], form=slips.SlipForm.RECEIPT, size=PaperSize.A5),
            tmp_path,
        )
        new = _pdf_text(
            slips.render(ctx, dossiers[6], form=slips.SlipForm.RECEIPT, size=PaperSize.A5),
            tmp_path,
        )
        assert "Mẫu số 01 Phụ lục I, Thông tư số 03/2025/TT-VPCP" in old
        assert NEW_CAPTION not in old
        assert NEW_CAPTION in new
        # A dossier stored before rule sets were data names none: the set in force on its
        # reception date (ND118 on 04/08/2026, however late it is printed).
        legacy = replace(dossiers[4], rule_set="")
        assert slips.caption(legacy, slips.SlipForm.RECEIPT) != NEW_CAPTION
        assert slips.caption(replace(dossiers[6], rule_set=""), slips.SlipForm.RECEIPT) == (
            NEW_CAPTION
        )
    finally:
        ctx.store.close()
