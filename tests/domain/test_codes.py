from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.codes import (
    format_sequence,
    looks_like_code,
    make_code,
    parse_code,
    validate_agency_id,
)
from counter_app.domain.errors import DomainError, ErrorCode


@pytest.mark.parametrize(
    ("text", "agency", "day", "seq"),
    [
        ("000.00.19.H56-261122-0001", "000.00.19.H56", date(2026, 11, 22), "0001"),  # TT 01/2018
        ("000.17.22.H56-210531-0001", "000.17.22.H56", date(2021, 5, 31), "0001"),
        ("H55.242-250701-0118", "H55.242", date(2025, 7, 1), "0118"),  # QĐ 20/2020 order
        ("H56.123.45-260125-070001", "H56.123.45", date(2026, 1, 25), "070001"),  # 2025 shape
        ("  000.00.19.h56-261122-0710000\r\n", "000.00.19.H56", date(2026, 11, 22), "0710000"),
    ],
)
def test_every_identifier_shape_parses(text: str, agency: str, day: date, seq: str) -> None:
    code = parse_code(text)
    assert (code.agency_id, code.day, code.sequence) == (agency, day, seq)
    assert str(code) == text.strip().upper()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "000.00.19.H56-261122-001",  # 3-digit sequence
        "000.00.19.H56-261322-0001",  # month 13
        "000.00.19.H56-260230-0001",  # 30 February
        "000.00.19-261122-0001",  # no level-1 group
        "000..19.H56-261122-0001",
        "https://dichvucong.gov.vn/?code=000.00.19.H56-261122-0001",
        "001090123456|012345678|NGUYỄN VĂN A|01011990|Nam|X|15042021",
        "A" * 36 + "-261122-0001",
    ],
)
def test_bad_codes_are_refused_with_a_code(text: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_code(text)
    assert info.value.code is ErrorCode.DOSSIER_CODE_INVALID
    assert not looks_like_code(text)


def test_station_sequence_keeps_prefix_and_widens_instead_of_wrapping() -> None:
    assert format_sequence("07", 1) == "070001"
    assert format_sequence("07", 9999) == "079999"
    assert format_sequence("07", 10000) == "0710000"
    code = make_code(agency_id="000.00.19.H56", day=date(2026, 11, 22), prefix="07", counter=12)
    assert str(code) == "000.00.19.H56-261122-070012"
    assert (code.station_prefix, code.station_counter) == ("07", 12)


@pytest.mark.parametrize("value", ["000.00.19.H5", "h56..1", "H56-1", "ABC.DEF", "X" * 40])
def test_agency_identifier_validation(value: str) -> None:
    with pytest.raises(DomainError) as info:
        validate_agency_id(value)
    assert info.value.code is ErrorCode.AGENCY_ID_INVALID


@given(
    prefix=st.integers(0, 99),
    counter=st.integers(1, 200_000),
    day=st.dates(date(2000, 1, 1), date(2099, 12, 31)),
)
def test_minted_codes_round_trip(prefix: int, counter: int, day: date) -> None:
    code = make_code(agency_id="000.00.19.H56", day=day, prefix=f"{prefix:02d}", counter=counter)
    parsed = parse_code(str(code))
    assert parsed == code
    assert parsed.station_counter == counter


@given(
    a=st.tuples(st.integers(0, 99), st.integers(1, 20_000)),
    b=st.tuples(st.integers(0, 99), st.integers(1, 20_000)),
)
def test_disjoint_station_blocks_never_collide(a: tuple[int, int], b: tuple[int, int]) -> None:
    day = date(2026, 11, 22)
    code_a = make_code(agency_id="000.00.19.H56", day=day, prefix=f"{a[0]:02d}", counter=a[1])
    code_b = make_code(agency_id="000.00.19.H56", day=day, prefix=f"{b[0]:02d}", counter=b[1])
    assert (str(code_a) == str(code_b)) == (a == b)
