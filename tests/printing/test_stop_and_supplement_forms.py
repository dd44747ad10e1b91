"""Mẫu 05 (stop notice) and Mẫu 02 during processing (issue 13, item 3), rendered at A5, A4,
A4x2 and 80 mm and read back with pdftotext; the barcode read with zxing-cpp."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import Status
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.printing.printer import PaperSize
from counter_app.services import slips
from counter_app.services.actions import Action, record_action
from counter_app.services.station import StationContext
from counter_app.services.supplements import close_expired
from counter_app.texts import forms as ft
from tests.printing.test_slips import decoded, pdf_text, received, scans, write

SIZES = (PaperSize.A5, PaperSize.A4, PaperSize.A4X2, PaperSize.THERMAL_80MM)
SEPT = datetime(2026, 9, 1, 9, 0, tzinfo=VN_TZ)  # under Decree 309/2026


def _act(ctx: StationContext, dossier, action: Action, **payload):
    return record_action(ctx, dossier, action, officer="canbo", payload=payload)[0]


@pytest.mark.parametrize("size", SIZES)
def test_the_stop_notice_names_the_dossier_the_reason_and_the_instant(
    station: StationContext, clock: FixedClock, tmp_path: Path, size: PaperSize
) -> None:
    clock.at = SEPT
    d = received(station)
    assert slips.SlipForm.STOP not in slips.allowed_forms(d)
    with pytest.raises(DomainError) as refused:
        slips.render(station, d, form=slips.SlipForm.STOP, size=size)
    assert refused.value.code is ErrorCode.SLIP_NOT_AVAILABLE
    clock.advance(days=1, hours=2)
    reason = ft.stop_reason_text(ft.STOP_DATABASES, "Cơ sở dữ liệu hộ tịch không truy cập được")
    d = _act(station, d, Action.STOP, reason=reason, reason_key=ft.STOP_DATABASES)
    assert d.status is Status.STOPPED and slips.SlipForm.STOP in slips.allowed_forms(d)
    pdf = write(
        tmp_path,
        f"stop-{size.value}.pdf",
        slips.render(station, d, form=slips.SlipForm.STOP, size=size),
    )
    text = pdf_text(pdf)
    for expected in (
        ft.TITLE_STOP,
        "Mẫu số 05",
        d.code,
        d.applicant.name,
        "Không khai thác được thông tin trong các cơ sở dữ liệu",
        "Cơ sở dữ liệu hộ tịch không truy cập được",
        "kể từ 11 giờ 00 phút, ngày 02/09/2026",
        ft.SIGN_STOP_RECEIVER,
        "phí, lệ phí (nếu có) được trả lại",
    ):
        assert expected in text, (expected, text)
    images = scans(pdf, tmp_path)
    assert d.code in {code for image in images for code in decoded(image).get("Code128", [])}


@pytest.mark.parametrize("size", SIZES)
def test_a_supplement_request_during_processing_prints_mau_02_with_its_deadline(
    station: StationContext, clock: FixedClock, tmp_path: Path, size: PaperSize
) -> None:
    clock.at = SEPT
    d = received(station)
    assert slips.SlipForm.SUPPLEMENT not in slips.allowed_forms(d)
    clock.advance(hours=1)
    d = _act(station, d, Action.HANDOVER, to="Công chức Tư pháp - Hộ tịch")
    clock.advance(days=1)
    d = _act(
        station,
        d,
        Action.SUPPLEMENT_REQUEST,
        items=["Bản sao giấy chứng nhận kết hôn của cha mẹ", "Giấy chứng sinh bản chính"],
        reason="Không khai thác được thông tin trong các cơ sở dữ liệu",
    )
    assert slips.SlipForm.SUPPLEMENT in slips.allowed_forms(d)  # it was "no such slip" before
    pdf_bytes = slips.render(station, d, form=slips.SlipForm.SUPPLEMENT, size=size)
    pdf = write(tmp_path, f"supplement-{size.value}.pdf", pdf_bytes)
    text = pdf_text(pdf)
    for expected in (
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Mẫu số 02",
        d.code,
        "Tiếp nhận hồ sơ của Ông/Bà",
        "Bản sao giấy chứng nhận kết hôn của cha mẹ",
        "Giấy chứng sinh bản chính",
        "Không khai thác được thông tin trong các cơ sở dữ liệu",
        "Yêu cầu ngày 02/09/2026",
        "Quá 15 ngày (đến 10:00 ngày 17/09/2026)",
    ):
        assert expected in text, (expected, text)

    # The request answered, then a second one: Mẫu 02 prints the latest request.
    clock.advance(days=2)
    d = _act(station, d, Action.SUPPLEMENT_RECEIVED)
    clock.advance(days=1)
    d = _act(station, d, Action.SUPPLEMENT_REQUEST, items=["Tờ khai ký lại"], reason="Sai chữ ký")
    text = pdf_text(
        write(
            tmp_path,
            "again.pdf",
            slips.render(station, d, form=slips.SlipForm.SUPPLEMENT, size=size),
        )
    )
    assert "Tờ khai ký lại" in text and "Giấy chứng sinh bản chính" not in text


def test_a_dossier_closed_after_an_unanswered_request_has_its_stop_notice(
    station: StationContext, clock: FixedClock, tmp_path: Path
) -> None:
    clock.at = SEPT
    d = received(station)
    d = _act(station, d, Action.SUPPLEMENT_REQUEST, items=["Tờ khai"], reason="Thiếu chữ ký")
    asked = d.paused_at
    clock.advance(days=16)
    (closed,), _ = close_expired(station, officer="canbo")
    assert slips.SlipForm.STOP in slips.allowed_forms(closed)
    pdf = slips.render(station, closed, form=slips.SlipForm.STOP, size=PaperSize.A5)
    text = pdf_text(write(tmp_path, "closed.pdf", pdf))
    record, _, _ = slips.issue_slip(
        station, closed, form=slips.SlipForm.STOP, size=PaperSize.A5, officer="canbo"
    )
    assert "Quá 15 ngày kể từ ngày yêu cầu bổ sung, hoàn thiện hồ sơ (01/09/2026)" in text
    assert "kể từ 09:00 phút" not in text and "kể từ 09 giờ 00 phút, ngày 16/09/2026" in text
    assert record.form == "stop" and not record.reprint
    assert asked is not None and closed.finished_at == asked + timedelta(days=15)
