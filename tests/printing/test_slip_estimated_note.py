"""The receipt names the estimated holidays its period crosses (issue 13 item 5), read back
from the PDF with pdftotext."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from counter_app.domain.clock import FixedClock
from counter_app.domain.models import VN_TZ
from counter_app.printing.printer import PaperSize
from counter_app.services import intake, slips
from counter_app.services.station import StationContext
from tests.conftest import make_applicant
from tests.printing.test_slips import pdf_text, pytestmark  # noqa: F401 (poppler needed)

ONE_WORKING_DAY = "1.001601"  # 1 working day in the catalogue


def _receipt_text(station: StationContext, tmp_path: Path) -> str:
    request = intake.ReceptionRequest(procedure_code=ONE_WORKING_DAY, applicant=make_applicant())
    dossier, _ = intake.receive_dossier(station, request, officer="canbo")
    pdf = tmp_path / f"{dossier.uuid}.pdf"
    pdf.write_bytes(slips.render(station, dossier, form=slips.SlipForm.RECEIPT, size=PaperSize.A5))
    return pdf_text(pdf)


def test_the_receipt_names_the_estimated_day_it_crosses(
    station: StationContext, clock: FixedClock, tmp_path: Path
) -> None:
    clock.at = datetime(2027, 11, 23, 10, 0, tzinfo=VN_TZ)  # Tue; Wed 24/11/2027 estimated
    text = _receipt_text(station, tmp_path)
    assert "25/11/2027" in text
    assert "chưa được công bố chính thức (Ngày Văn hóa Việt Nam 24/11/2027)" in text


def test_no_note_when_the_period_crosses_no_estimated_day(
    station: StationContext, clock: FixedClock, tmp_path: Path
) -> None:
    clock.at = datetime(2027, 2, 3, 10, 0, tzinfo=VN_TZ)  # across Tết 2027, announced
    text = _receipt_text(station, tmp_path)
    assert "11/02/2027" in text and "dự kiến" not in text
