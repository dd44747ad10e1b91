"""Fees at the counter (issue 13, item 7): amounts due from the catalogue per channel, what
was collected and how, exemptions as dated rule data, the period's totals in the report and
its .xlsx (read back with openpyxl), the SQL path equal to the domain reference."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import project
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.fees import amount_due, parse_amount
from counter_app.domain.models import VN_TZ, Channel
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.services import exports
from counter_app.services.actions import Action, record_action
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.reports import GroupBy, reference_report, report
from counter_app.services.station import StationContext
from counter_app.texts import error_message
from counter_app.texts import fees as ft
from tests.conftest import make_applicant

FIVE_DAYS = ProcessingTime(TimeUnit.WORKING_DAYS, 5)
RESIDENCE = "1.004222"  # Đăng ký thường trú: 20,000 đ in person, 10,000 đ online
ID_CARD_RENEWAL = "1.014063"  # "50,000 đ … bằng 50% mức thu" until 31/12/2026: unknown
BIRTH = "1.001193"  # Đăng ký khai sinh: free
MARITAL = "1.004873"  # amount set by the province: unknown


@pytest.fixture
def autumn(clock: FixedClock) -> FixedClock:
    clock.at = datetime(2026, 9, 15, 9, 0, tzinfo=VN_TZ)  # NQ 66.22/2026 in force
    return clock


def _receive(station: StationContext, code: str, **over: object):
    values: dict[str, object] = {
        "procedure_code": code,
        "applicant": make_applicant(),
        "time": FIVE_DAYS,
    }
    values.update(over)
    return receive_dossier(station, ReceptionRequest(**values), officer="canbo")[0]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("Miễn phí", 0),
        ("50,000 Việt Nam Đồng", 50_000),
        ("70,000 VNĐ", 70_000),
        ("20.000 đồng", 20_000),
        ("800,000 Việt Nam Đồng (/hồ sơ)", 800_000),
        ("10 USD", None),
        ("50,000 Việt Nam Đồng (từ 01/7/2025 bằng 50% mức thu nêu trên)", None),
        ("20,000 VNĐ (Theo khoản 1 Điều 3 Thông tư số 172/2010/TT-BTC)", 20_000),
        ("Miễn phí (- Dưới 5 tấn: 50.000 đồng/giấy)", None),
        ("2,000 Việt Nam Đồng (/trang)", None),  # per page: depends on the papers
        ("20 VNĐ (20.000 vnđ /tờ khai)", None),  # the crawl lost the thousands
        ("Miễn phí (Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh quyết định)", None),
        ("Không có thông tin", None),
        ("", None),
    ],
)
def test_catalogue_amounts(text: str, amount: int | None) -> None:
    assert parse_amount(text) == amount


def test_amount_due_per_channel() -> None:
    text = "Trực tiếp: 20,000 VNĐ; Trực tuyến: 10,000 VNĐ; Dịch vụ bưu chính: Miễn phí"
    assert amount_due(text, Channel.DIRECT) == 20_000
    assert amount_due(text, Channel.ONLINE) == 10_000
    assert amount_due(text, Channel.POSTAL) == 0
    assert amount_due("Trực tuyến: 10,000 VNĐ", Channel.DIRECT) is None
    assert amount_due("Trực tiếp: 2,000 Việt Nam Đồng (/trang); Trực tiếp: 10 USD", 1) is None


def test_reception_records_the_fee_and_a_later_payment(
    station: StationContext, autumn: FixedClock
) -> None:
    d = _receive(station, RESIDENCE)
    assert d.fee_due == 20_000 and d.fee_collected == 0  # from the catalogue, not yet paid
    assert _receive(station, RESIDENCE, channel=Channel.ONLINE).fee_due == 10_000
    assert _receive(station, ID_CARD_RENEWAL).fee_due is None
    autumn.advance(hours=1)
    d = record_action(
        station,
        d,
        Action.FEE,
        officer="canbo",
        payload={"collected": "20.000", "method": "cash", "receipt_no": "BL-0001"},
    )[0]
    assert (d.fee_collected, d.fee_method, d.fee_receipt_no) == (20_000, "cash", "BL-0001")
    assert d.fee_paid_at == autumn.now()
    assert (
        station.store.dossiers.by_uuid(d.uuid)
        == d
        == project(station.store.dossiers.events_of(d.uuid))
    )
    paid = _receive(
        station,
        RESIDENCE,
        fee_payment={"collected": 20_000, "method": "transfer", "receipt_no": "BL-0002"},
    )
    assert (paid.fee_due, paid.fee_collected, paid.fee_method) == (20_000, 20_000, "transfer")
    unknown = _receive(station, MARITAL)
    assert unknown.fee_due is None
    typed = _receive(station, MARITAL, fee_due="15.000")
    assert typed.fee_due == 15_000


def test_a_collected_amount_needs_its_method(station: StationContext, autumn: FixedClock) -> None:
    before = station.store.dossiers.count()
    with pytest.raises(DomainError) as refused:
        _receive(station, RESIDENCE, fee_payment={"collected": 20_000})
    assert refused.value.code is ErrorCode.FEE_INVALID
    assert "hình thức nộp" in error_message(refused.value)
    assert station.store.dossiers.count() == before


def test_the_digital_citizen_exemption_in_its_dates(
    station: StationContext, autumn: FixedClock
) -> None:
    online = _receive(
        station,
        RESIDENCE,
        channel=Channel.ONLINE,
        fee_payment={"exemption": "digital_citizen"},
    )
    assert online.fee_exemption == "digital_citizen"
    assert "66.22/2026" in online.fee_basis and online.fee_collected == 0
    with pytest.raises(DomainError) as counter:  # at the counter: not an online filing
        _receive(station, RESIDENCE, fee_payment={"exemption": "digital_citizen"})
    assert counter.value.code is ErrorCode.FEE_EXEMPTION_NOT_APPLICABLE


@pytest.mark.parametrize(
    "day",
    [datetime(2026, 8, 14, 9, 0, tzinfo=VN_TZ), datetime(2027, 3, 1, 9, 0, tzinfo=VN_TZ)],
)
def test_an_exemption_outside_its_dates_is_refused(
    station: StationContext, clock: FixedClock, day: datetime
) -> None:
    clock.at = day
    before = station.store.dossiers.count()
    with pytest.raises(DomainError) as refused:
        _receive(
            station,
            RESIDENCE,
            channel=Channel.ONLINE,
            fee_payment={"exemption": "digital_citizen"},
        )
    error = refused.value
    assert error.code is ErrorCode.FEE_EXEMPTION_OUT_OF_DATES  # both days are under ND309
    assert error.params["field"] == "fee_exemption"
    message = error_message(error)
    assert "miễn phí, lệ phí" in message
    assert "15/08/2026" in message and "28/02/2027" in message
    assert day.strftime("%d/%m/%Y") in message
    assert f"«{ft.EXEMPTION_NAMES['digital_citizen']}»" in message
    assert "digital_citizen" not in message and not message.startswith("[")
    assert station.store.dossiers.count() == before


def test_an_exemption_recorded_later_is_judged_on_the_filing_date(
    station: StationContext, clock: FixedClock
) -> None:
    clock.at = datetime(2027, 2, 26, 9, 0, tzinfo=VN_TZ)
    d = _receive(station, RESIDENCE, channel=Channel.ONLINE)
    clock.at = datetime(2027, 3, 2, 9, 0, tzinfo=VN_TZ)  # after the end: filed within it
    d = record_action(
        station, d, Action.FEE, officer="canbo", payload={"exemption": "digital_citizen"}
    )[0]
    assert d.fee_exemption == "digital_citizen"
    late = _receive(station, RESIDENCE, channel=Channel.ONLINE)
    events = len(station.store.dossiers.events_of(late.uuid))
    with pytest.raises(DomainError) as refused:
        record_action(
            station, late, Action.FEE, officer="canbo", payload={"exemption": "digital_citizen"}
        )
    assert refused.value.code is ErrorCode.FEE_EXEMPTION_OUT_OF_DATES
    assert len(station.store.dossiers.events_of(late.uuid)) == events


def _office_of_fees(station: StationContext, clock: FixedClock) -> None:
    clock.at = datetime(2026, 9, 14, 9, 0, tzinfo=VN_TZ)
    _receive(station, RESIDENCE, fee_payment={"collected": 20_000, "method": "cash"})
    clock.at = datetime(2026, 9, 15, 9, 0, tzinfo=VN_TZ)
    unpaid = _receive(station, RESIDENCE)
    _receive(
        station, RESIDENCE, channel=Channel.ONLINE, fee_payment={"exemption": "digital_citizen"}
    )
    _receive(station, BIRTH)
    _receive(station, MARITAL)  # unknown amount
    clock.at = datetime(2026, 9, 16, 9, 0, tzinfo=VN_TZ)
    record_action(
        station,
        unpaid,
        Action.FEE,
        officer="canbo",
        payload={"collected": 15_000, "method": "online", "receipt_no": "BL-9"},
    )
    clock.at = datetime(2026, 10, 1, 9, 0, tzinfo=VN_TZ)
    _receive(station, RESIDENCE, fee_payment={"collected": 20_000, "method": "cash"})


def test_fee_totals_in_the_report_and_its_xlsx(station: StationContext, clock: FixedClock) -> None:
    _office_of_fees(station, clock)
    start, end = date(2026, 9, 1), date(2026, 9, 30)
    result = report(station, start=start, end=end, by=GroupBy.PROCEDURE)
    total = result.fee_total
    assert total.dossiers == 5
    assert total.due == 20_000 * 2  # the exempted one owes nothing; free 0; unknown 0
    assert total.collected == 35_000
    assert total.outstanding == 5_000
    assert (total.exempt, total.unknown) == (1, 1)
    by_code = {r.code: r.totals for r in result.fees if r.level == 1}
    assert by_code[RESIDENCE].collected == 35_000 and by_code[BIRTH].due == 0
    assert result.to_dict()["fees"]["total"]["collected"] == 35_000
    # the SQL path equals the domain reference
    reference = reference_report(station, start=start, end=end, by=GroupBy.PROCEDURE)
    assert reference.fees == result.fees and reference.fee_total == total

    book = openpyxl.load_workbook(io.BytesIO(exports.report_xlsx(station, result)))
    ws = book[ft.REPORT_FEES_SHEET]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    headers = next(r for r in rows if r and r[0] == ft.REPORT_FEES_HEADERS[0])
    assert tuple(headers[: len(ft.REPORT_FEES_HEADERS)]) == ft.REPORT_FEES_HEADERS
    total_row = next(r for r in rows if r and r[0] == ft.REPORT_FEES_TOTAL)
    assert total_row[2:8] == [5, 40_000, 35_000, 5_000, 1, 1]
    residence = next(r for r in rows if r and r[1] == "Đăng ký thường trú")
    assert residence[2:8] == [3, 40_000, 35_000, 5_000, 1, 0]


def test_a_dossier_without_fees_changes_no_total(station: StationContext) -> None:
    result = report(station, start=date(2026, 2, 1), end=date(2026, 2, 28))
    assert result.fee_total.dossiers == 0 and result.fees == ()
