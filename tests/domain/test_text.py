import unicodedata

import pytest

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.processing_time import TimeUnit, parse_processing_time
from counter_app.domain.text import fold, nfc, search_tokens


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("THỦY", "thuy"),
        ("Đặng", "dang"),
        (unicodedata.normalize("NFD", "Phường Thuỷ Xuân"), "phuong thuy xuan"),
    ],
)
def test_folding_meets(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_nfc_and_tokens() -> None:
    assert nfc(unicodedata.normalize("NFD", "  Lê   Minh  Thuỷ ")) == "Lê Minh Thuỷ"
    assert search_tokens("000.00.19.H56-261122-0001") == [
        "000",
        "00",
        "19",
        "h56",
        "261122",
        "0001",
    ]


@pytest.mark.parametrize(
    ("text", "unit", "amount"),
    [
        ("3 ngày làm việc", TimeUnit.WORKING_DAYS, 3),
        ("3 NGAY LAM VIEC", TimeUnit.WORKING_DAYS, 3),
        ("15 Ngày", TimeUnit.CALENDAR_DAYS, 15),
        ("8 Giờ", TimeUnit.WORKING_HOURS, 8),
        ("2,5 giờ làm việc", TimeUnit.WORKING_HOURS, 2.5),
        ("6 Tháng", TimeUnit.MONTHS, 6),
        ("trong ngày", TimeUnit.SAME_DAY, 0),
        ("0 ngày làm việc", TimeUnit.SAME_DAY, 0),
        ("Không có ngày hẹn trả cụ thể", TimeUnit.NO_DUE_DATE, 0),
    ],
)
def test_processing_time_texts(text: str, unit: TimeUnit, amount: float) -> None:
    parsed = parse_processing_time(text)
    assert (parsed.unit, parsed.amount) == (unit, amount)


@pytest.mark.parametrize("text", ["", "ba ngày", "-3 ngày", "3 tuần", "99999 ngày", "0 giờ"])
def test_bad_processing_time_texts(text: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_processing_time(text)
    assert info.value.code is ErrorCode.TIME_TEXT_INVALID
