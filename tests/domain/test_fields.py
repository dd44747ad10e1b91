"""Text fields are cleaned and bounded by one pure function; birth dates read as typed."""

from __future__ import annotations

from datetime import date

import pytest

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.fields import clean_text, parse_birth_date

TODAY = date(2026, 2, 13)


@pytest.mark.parametrize(
    "typed",
    [
        "31/01/1990",
        "31/1/1990",
        "31-01-1990",
        "31.01.1990",
        "31011990",
        "1990-01-31",
        " 31/01/1990 ",
    ],
)
def test_birth_dates_are_read_as_officers_type_them(typed: str) -> None:
    assert parse_birth_date(typed, today=TODAY) == date(1990, 1, 31)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("31/13/1990", "format"),
        ("30/02/1990", "format"),
        ("1990", "format"),
        ("14/02/2026", "future"),
        ("01/01/1899", "too_old"),
    ],
)
def test_bad_birth_dates_name_the_problem_not_the_value(typed: str, problem: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_birth_date(typed, today=TODAY)
    assert caught.value.code is ErrorCode.APPLICANT_FIELD_INVALID
    assert caught.value.params == {"field": "birth_date", "problem": problem}


def test_today_is_a_possible_birth_date() -> None:
    assert parse_birth_date("13/02/2026", today=TODAY) == TODAY


@pytest.mark.parametrize(
    "bad", ["Lê\x00Văn", "Lê\x07Văn", "Lê\u202eVăn", "Lê\u200fVăn", "Lê\ud800Văn", "Lê\tVăn"]
)
def test_controls_bidi_marks_and_surrogates_are_refused(bad: str) -> None:
    with pytest.raises(DomainError) as caught:
        clean_text("name", bad)
    assert caught.value.params == {"field": "name", "problem": "characters"}
    assert "Lê" not in str(caught.value)


def test_lengths_are_bounded_per_field() -> None:
    assert clean_text("name", "x" * 100) == "x" * 100
    with pytest.raises(DomainError) as caught:
        clean_text("name", "x" * 101)
    assert caught.value.params == {"field": "name", "problem": "too_long", "limit": 100}
    assert clean_text("address", "y" * 300) == "y" * 300
    with pytest.raises(DomainError):
        clean_text("address", "y" * 301)


def test_text_is_nfc_with_white_space_folded_and_a_required_field_missing() -> None:
    assert clean_text("name", "  Nguye\u0302\u0303n   Văn\n") == "Nguyễn Văn"
    with pytest.raises(DomainError) as caught:
        clean_text("address", "   ", required=True)
    assert caught.value.code is ErrorCode.APPLICANT_FIELD_MISSING
