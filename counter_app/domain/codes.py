"""Dossier codes ("Mã số hồ sơ"): format, parse, validate, and the station's sequence blocks.

Format (TT 01/2018 Art. 19, Decree 118/2025 Art. 28, TT 04/2025): ``<agency identifier>-<YYMMDD>-
<sequence>``. The agency identifier is that of the agency that decides the case, max 35
characters of ``[0-9A-Z.]`` in dot-separated groups; three shapes are in use and all parse:

- TT 01/2018, level-1 code on the right: ``000.00.19.H56``;
- QĐ 20/2020, level-1 code on the left: ``H55.242``;
- TT 03/04/2025, level-1 on the left with three groups: ``H56.123.45`` / ``G01.123.45``.

The sequence has at least 4 digits and is never truncated. Offline stations of one province
must never collide, so each station owns a disjoint block (DESIGN §4): its 2-digit prefix,
unique in the province, followed by its own daily counter of at least 4 digits
(``…-261122-070001``; the 10,000th dossier of the day becomes ``0710000``, it never wraps).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from counter_app.domain.errors import DomainError, ErrorCode

_GROUP = r"[0-9A-Z]+"
_AGENCY_RE = re.compile(rf"^{_GROUP}(?:\.{_GROUP})*$")
_LEVEL1_RE = re.compile(r"^[A-Z]\d{2}$")
_CODE_RE = re.compile(r"^(?P<agency>[0-9A-Z.]{1,35})-(?P<date>\d{6})-(?P<seq>\d{4,})$")
_PREFIX_RE = re.compile(r"^\d{2}$")
MAX_AGENCY_LENGTH = 35
COUNTER_DIGITS = 4


def validate_agency_id(agency_id: str) -> str:
    """Return the agency identifier upper-cased and trimmed, or raise AGENCY_ID_INVALID.

    Guarantees: ≤ 35 characters, groups of ``[0-9A-Z]`` separated by single dots, and one
    group shaped like a level-1 code (a letter and two digits, e.g. ``H56``) either first
    (QĐ 20/2020 and 2025 order) or last (TT 01/2018 order).
    """
    value = agency_id.strip().upper()
    if len(value) > MAX_AGENCY_LENGTH or not _AGENCY_RE.match(value):
        raise DomainError(ErrorCode.AGENCY_ID_INVALID, value=agency_id)
    groups = value.split(".")
    if not (_LEVEL1_RE.match(groups[0]) or _LEVEL1_RE.match(groups[-1])):
        raise DomainError(ErrorCode.AGENCY_ID_INVALID, value=agency_id)
    return value


def validate_station_prefix(prefix: str) -> str:
    """Return the station prefix (exactly two digits) or raise STATION_PREFIX_INVALID."""
    if not _PREFIX_RE.match(prefix):
        raise DomainError(ErrorCode.STATION_PREFIX_INVALID, value=prefix)
    return prefix


@dataclass(frozen=True, slots=True, order=True)
class DossierCode:
    """A parsed dossier code. ``sequence`` keeps its digits exactly as printed."""

    agency_id: str
    day: date
    sequence: str

    def __str__(self) -> str:
        return f"{self.agency_id}-{self.day:%y%m%d}-{self.sequence}"

    @property
    def station_prefix(self) -> str | None:
        """The station block prefix when the sequence has the station shape (6+ digits)."""
        return self.sequence[:2] if len(self.sequence) >= 6 else None

    @property
    def station_counter(self) -> int | None:
        """The station's daily counter when the sequence has the station shape."""
        return int(self.sequence[2:]) if len(self.sequence) >= 6 else None


def format_sequence(prefix: str, counter: int) -> str:
    """The sequence for a station's ``counter``-th code of the day (≥ 4 digits, never wraps)."""
    validate_station_prefix(prefix)
    if counter < 1:
        raise ValueError("counter starts at 1")
    return f"{prefix}{counter:0{COUNTER_DIGITS}d}"


def make_code(*, agency_id: str, day: date, prefix: str, counter: int) -> DossierCode:
    """Build the code of a station's ``counter``-th dossier of ``day`` for ``agency_id``."""
    return DossierCode(validate_agency_id(agency_id), day, format_sequence(prefix, counter))


def parse_code(text: str) -> DossierCode:
    """Parse a printed or scanned dossier code; raise DOSSIER_CODE_INVALID if it is not one.

    Surrounding white space (a scanner's Enter) is ignored; letters are upper-cased. The date
    must be a real calendar date (YYMMDD, years 2000–2099).
    """
    value = text.strip().upper()
    match = _CODE_RE.match(value)
    if match is None:
        raise DomainError(ErrorCode.DOSSIER_CODE_INVALID, value=text)
    try:
        agency = validate_agency_id(match["agency"])
    except DomainError:
        raise DomainError(ErrorCode.DOSSIER_CODE_INVALID, value=text) from None
    raw = match["date"]
    try:
        day = date(2000 + int(raw[:2]), int(raw[2:4]), int(raw[4:]))
    except ValueError:
        raise DomainError(ErrorCode.DOSSIER_CODE_INVALID, value=text) from None
    return DossierCode(agency, day, match["seq"])


def looks_like_code(text: str) -> bool:
    """True when ``text`` parses as a dossier code (used to route scanner input)."""
    try:
        parse_code(text)
    except DomainError:
        return False
    return True


def register_position(number: int, *, book_size: int) -> tuple[int, int]:
    """(Quyển số, Số thứ tự) of the ``number``-th dossier of the year in the register.

    Numbering runs from 1 through the whole year and restarts on 1 January; a new physical
    book (every ``book_size`` entries; 0 = one book a year) continues the numbers.
    """
    if number < 1:
        raise ValueError("register numbers start at 1")
    book = 1 if book_size <= 0 else (number - 1) // book_size + 1
    return book, number
