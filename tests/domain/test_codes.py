from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.codes import (
    format_sequence,
    looks_like_code,
    make_code,
    offline_prefix,
    parse_code,
    recovery_counter,
    split_sequence,
    validate_agency_id,
    validate_station_prefix,
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
    assert format_sequence("150", 1) == "1500001"
    assert format_sequence("150", 9999) == "1509999"
    assert format_sequence("150", 10000) == "15010000"
    code = make_code(agency_id="000.00.19.H56", day=date(2026, 11, 22), prefix="150", counter=12)
    assert str(code) == "000.00.19.H56-261122-1500012"
    assert split_sequence(code.sequence, ("150",)) == ("150", 12)


def test_two_digit_prefixes_continue_with_three_digits_and_their_codes_stay_readable() -> None:
    """A station enrolled as 07 mints as 007; its old 070051 still parses and is its own."""
    assert validate_station_prefix("07") == "007"
    assert validate_station_prefix("00") == "000"  # the old demo default
    old = parse_code("000.00.19.H56-261122-070051")
    assert old.sequence == "070051"
    assert split_sequence(old.sequence, ("007", "07")) == ("07", 51)
    assert split_sequence("0070052", ("007", "07")) == ("007", 52)
    assert split_sequence("0710000", ("07",)) == ("07", 10000)  # widened, never wrapped
    assert split_sequence("0700001", ("07",)) is None  # station 070's first code, not 07's
    assert split_sequence("1500001", ("007", "07")) is None


@pytest.mark.parametrize("value", ["", "0", "1", "0001", "1000", "15a", "1 5", "\u0663", "00000"])
def test_bad_station_prefixes_are_refused(value: str) -> None:
    with pytest.raises(DomainError) as info:
        validate_station_prefix(value)
    assert info.value.code is ErrorCode.STATION_PREFIX_INVALID


@pytest.mark.parametrize(
    ("typed", "prefix"), [("7", "00007"), ("07", "00007"), ("99", "00099"), ("00012", "00012")]
)
def test_offline_prefix_is_000_and_the_typed_number(typed: str, prefix: str) -> None:
    assert offline_prefix(typed) == prefix
    assert validate_station_prefix(prefix) == prefix


@pytest.mark.parametrize("typed", ["", "0", "00", "100", "150", "7a", "-1", "00000", "00100"])
def test_offline_prefix_out_of_range_names_the_field(typed: str) -> None:
    with pytest.raises(DomainError) as info:
        offline_prefix(typed)
    assert info.value.code is ErrorCode.OFFLINE_PREFIX_INVALID
    assert info.value.params["field"] == "station_prefix"


def test_recovery_counters_lie_above_normal_numbering() -> None:
    assert recovery_counter(1405, 1) == 91_405_001
    assert format_sequence("150", recovery_counter(1405, 1)) == "15091405001"
    with pytest.raises(ValueError):
        recovery_counter(1405, 1000)


@pytest.mark.parametrize("value", ["000.00.19.H5", "h56..1", "H56-1", "ABC.DEF", "X" * 40])
def test_agency_identifier_validation(value: str) -> None:
    with pytest.raises(DomainError) as info:
        validate_agency_id(value)
    assert info.value.code is ErrorCode.AGENCY_ID_INVALID


def _prefix(number: int) -> str:
    """Station numbers 1..999 are enrolled prefixes; 1001..1099 offline ones (000NN)."""
    return f"{number:03d}" if number <= 999 else f"000{number - 1000:02d}"


_PREFIXES = st.integers(1, 999) | st.integers(1001, 1099)


@given(
    prefix=_PREFIXES,
    counter=st.integers(1, 200_000_000),
    day=st.dates(date(2000, 1, 1), date(2099, 12, 31)),
)
def test_minted_codes_round_trip(prefix: int, counter: int, day: date) -> None:
    code = make_code(agency_id="000.00.19.H56", day=day, prefix=_prefix(prefix), counter=counter)
    parsed = parse_code(str(code))
    assert parsed == code
    assert split_sequence(parsed.sequence, (_prefix(prefix),)) == (_prefix(prefix), counter)


@given(
    a=st.tuples(_PREFIXES, st.integers(1, 200_000)),
    b=st.tuples(_PREFIXES, st.integers(1, 200_000)),
)
def test_disjoint_station_blocks_never_collide(a: tuple[int, int], b: tuple[int, int]) -> None:
    """999 enrolled and 99 offline stations, counters widened past 9,999: never one code."""
    day = date(2026, 11, 22)
    code_a = make_code(agency_id="000.00.19.H56", day=day, prefix=_prefix(a[0]), counter=a[1])
    code_b = make_code(agency_id="000.00.19.H56", day=day, prefix=_prefix(b[0]), counter=b[1])
    assert (str(code_a) == str(code_b)) == (a == b)
