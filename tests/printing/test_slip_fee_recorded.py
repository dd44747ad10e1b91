"""Issue 13 item 7 on paper: the receipt's line 7 says what was recorded at the counter (the
amount due, what was collected and its e-receipt number, or the exemption and its basis), read
back with pdftotext; a fee whose amount is unknown and not recorded stays blank."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from counter_app.domain.clock import FixedClock
from counter_app.domain.models import VN_TZ, Channel
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.printing.printer import PaperSize
from counter_app.services import slips
from counter_app.services.actions import Action, record_action
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from counter_app.texts import slips as t
from tests.conftest import make_applicant
from tests.printing.test_slip_layout import _procedure_with_fee
from tests.printing.test_slips import pdf_text, write

RESIDENCE = "1.004222"  # Đăng ký thường trú: 20,000 đ in person, 10,000 đ online
FIVE_DAYS = ProcessingTime(TimeUnit.WORKING_DAYS, 5)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="reads PDFs back")


def _receive(station: StationContext, **over: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "procedure_code": RESIDENCE,
        "applicant": make_applicant(),
        "time": FIVE_DAYS,
    }
    values.update(over)
    return receive_dossier(station, ReceptionRequest(**values), officer="canbo")[0]  # type: ignore[arg-type]


def _line_7(station: StationContext, dossier, tmp_path: Path, name: str) -> str:  # type: ignore[no-untyped-def]
    pdf = slips.render(station, dossier, form=slips.SlipForm.RECEIPT, size=PaperSize.A5)
    text = pdf_text(write(tmp_path, f"{name}.pdf", pdf))
    assert t.LABEL_FEE in text
    return text.split(t.LABEL_FEE, 1)[1].strip()


def test_the_receipt_says_what_was_collected_or_exempted(
    station: StationContext, clock: FixedClock, tmp_path: Path
) -> None:
    clock.at = datetime(2026, 9, 15, 9, 0, tzinfo=VN_TZ)  # NQ 66.22/2026 in force
    unpaid = _receive(station)
    assert _line_7(station, unpaid, tmp_path, "unpaid").startswith("20.000 đồng")
    assert "đã thu" not in _line_7(station, unpaid, tmp_path, "unpaid-again")[:60]

    paid = _receive(
        station, fee_payment={"collected": 20_000, "method": "cash", "receipt_no": "BL-0001"}
    )
    assert _line_7(station, paid, tmp_path, "paid").startswith(
        "20.000 đồng; đã thu 20.000 đồng, biên lai số BL-0001"
    )

    clock.advance(hours=1)
    later = record_action(
        station,
        unpaid,
        Action.FEE,
        officer="canbo",
        payload={"collected": 20_000, "method": "transfer", "receipt_no": "BL-0002"},
    )[0]
    assert _line_7(station, later, tmp_path, "later").startswith(
        "20.000 đồng; đã thu 20.000 đồng, biên lai số BL-0002"
    )

    exempt = _receive(station, channel=Channel.ONLINE, fee_payment={"exemption": "digital_citizen"})
    line = _line_7(station, exempt, tmp_path, "exempt")
    assert line.startswith("Miễn (Nghị quyết 66.22/2026/NQ-CP")
    assert "đã thu" not in line[:120]


def test_an_unknown_amount_not_recorded_stays_blank(
    station: StationContext, clock: FixedClock, tmp_path: Path
) -> None:
    clock.at = datetime(2026, 9, 15, 9, 0, tzinfo=VN_TZ)
    unknown = _receive(station, procedure_code=_procedure_with_fee("Không có thông tin"))
    assert unknown.fee_due is None and not unknown.fee_collected
    assert _line_7(station, unknown, tmp_path, "unknown").startswith(t.FEE_BLANK)
