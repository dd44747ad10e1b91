"""Checks of the text fields a person types or a scanner sends (pure; no Qt, no storage).

One function bounds and cleans every text field (:func:`clean_text`): NFC, white space folded,
and refused with the field named (``field=...``) and the problem (``problem=...``), never
with the value, which is personal data:

- ``characters``: NUL and other control characters, bidirectional marks and overrides
  (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069), lone surrogates;
- ``too_long``: more than ``limit`` characters (``limit=`` is given; name ≤ 100,
  address ≤ 300, see :data:`LIMITS`; the character rules and the limits are those of
  :mod:`sync_protocol.text`, which the event validator applies to the same fields);
- ``missing``: empty while required.

:func:`parse_birth_date` reads a birth date as the reception form takes it (``dd/mm/yyyy``;
also ``d/m/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy``, eight digits ``ddmmyyyy`` and ISO
``yyyy-mm-dd``) and refuses a date in the future (``problem="future"``) or before 1900
(``problem="too_old"``), or an unreadable one (``problem="format"``).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from counter_app.domain.errors import DomainError, ErrorCode
from sync_protocol.text import LIMITS as LIMITS  # re-exported: the form's maxima
from sync_protocol.text import bad_character as bad_character

MIN_BIRTH_YEAR = 1900
PROBLEM_CHARACTERS = "characters"
PROBLEM_TOO_LONG = "too_long"
PROBLEM_MISSING = "missing"
PROBLEM_FORMAT = "format"
PROBLEM_FUTURE = "future"
PROBLEM_TOO_OLD = "too_old"

_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_EIGHT = re.compile(r"(\d{2})(\d{2})(\d{4})")


def _refuse(field: str, problem: str, **params: object) -> DomainError:
    if problem == PROBLEM_MISSING:
        return DomainError(ErrorCode.APPLICANT_FIELD_MISSING, field=field, problem=problem)
    return DomainError(ErrorCode.APPLICANT_FIELD_INVALID, field=field, problem=problem, **params)


def clean_text(field: str, value: str, *, required: bool = False, limit: int | None = None) -> str:
    """``value`` in NFC with white space folded; refused with ``field`` named (see module)."""
    if any(bad_character(ch) for ch in value.strip("\r\n\t ")):
        raise _refuse(field, PROBLEM_CHARACTERS)
    cleaned = " ".join(unicodedata.normalize("NFC", value).split())
    if required and not cleaned:
        raise _refuse(field, PROBLEM_MISSING)
    bound = LIMITS.get(field) if limit is None else limit
    if bound is not None and len(cleaned) > bound:
        raise _refuse(field, PROBLEM_TOO_LONG, limit=bound)
    return cleaned


def check_birth_date(value: date, *, today: date, field: str = "birth_date") -> date:
    """``value`` when it is a possible birth date on ``today``; refused otherwise."""
    if value > today:
        raise _refuse(field, PROBLEM_FUTURE)
    if value.year < MIN_BIRTH_YEAR:
        raise _refuse(field, PROBLEM_TOO_OLD)
    return value


def parse_birth_date(text: str, *, today: date, field: str = "birth_date") -> date:
    """Read a typed birth date (``31/01/1990`` and the spellings in the module docstring)."""
    typed = clean_text(field, text, required=True, limit=10)
    found: date | None = None
    for pattern, order in ((_DMY, (3, 2, 1)), (_ISO, (1, 2, 3)), (_EIGHT, (3, 2, 1))):
        match = pattern.fullmatch(typed)
        if match is None:
            continue
        year, month, day = (int(match.group(i)) for i in order)
        try:
            found = date(year, month, day)
        except ValueError:
            found = None
        break
    if found is None:
        raise _refuse(field, PROBLEM_FORMAT)
    return check_birth_date(found, today=today, field=field)
