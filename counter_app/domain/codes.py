"""Dossier codes ("Mã số hồ sơ"): format, parse, validate, and the station's sequence blocks.

Format (TT 01/2018 Art. 19, Decree 118/2025 Art. 28, TT 04/2025): ``<agency identifier>-<YYMMDD>-
<sequence>``. The agency identifier is that of the agency that decides the case, max 35
characters of ``[0-9A-Z.]`` in dot-separated groups; three shapes are in use and all parse:

- TT 01/2018, level-1 code on the right: ``000.00.19.H56``;
- QĐ 20/2020, level-1 code on the left: ``H55.242``;
- TT 03/04/2025, level-1 on the left with three groups: ``H56.123.45`` / ``G01.123.45``.

The sequence has at least 4 digits and is never truncated. Offline stations of one province
must never collide, so each station owns a disjoint block (DESIGN §4): its 3-digit prefix,
unique in the province and assigned at enrolment (room for 999 stations), followed by its own
daily counter of at least 4 digits (``…-261122-1500001``; the 10,000th dossier of the day
becomes ``15010000``, it never wraps). The prefix shapes (``sync_protocol.codes``):

- ``001``–``999`` enrolled; a station enrolled with a 2-digit prefix (``07``) continues with
  ``007``, its old codes (``…-261122-070051``) still parse and stay its own;
- ``000NN`` (NN 01–99, typed in the wizard) an offline set-up: the province never assigns a
  prefix starting ``000``, so these cannot collide with an enrolled station's codes;
  enrolment later moves the station to its enrolled prefix;
- ``000`` the demo office.

A station recovering from a lost database mints counters of the recovery range
(``storage/recovery.py``), above :data:`RECOVERY_BASE`, which normal numbering never reaches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from counter_app.domain.errors import DomainError, ErrorCode
from sync_protocol.codes import (
    DEMO_PREFIX,
    OFFLINE_LEAD,
    RECOVERY_BASE,
    RECOVERY_BLOCK,
    counter_after,
    is_enrolled_prefix,
    is_legacy_prefix,
    is_offline_prefix,
    widened_legacy,
)

_GROUP = r"[0-9A-Z]+"
_AGENCY_RE = re.compile(rf"^{_GROUP}(?:\.{_GROUP})*$")
_LEVEL1_RE = re.compile(r"^[A-Z]\d{2}$")
_CODE_RE = re.compile(r"^(?P<agency>[0-9A-Z.]{1,35})-(?P<date>\d{6})-(?P<seq>\d{4,})$")
_OFFLINE_NUMBER_RE = re.compile(r"^\d{1,2}$")
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
    """The prefix a station mints with, or STATION_PREFIX_INVALID.

    Accepted: an enrolled ``001``–``999``, an offline ``00001``–``00099``, the demo ``000``;
    an old 2-digit prefix (``07``, from an older server) becomes its 3-digit form ``007``.
    """
    value = prefix.strip()
    if value == DEMO_PREFIX[:2]:  # the old demo / unenrolled default
        return DEMO_PREFIX
    if is_legacy_prefix(value):
        return widened_legacy(value)
    if is_enrolled_prefix(value) or is_offline_prefix(value) or value == DEMO_PREFIX:
        return value
    raise DomainError(ErrorCode.STATION_PREFIX_INVALID, value=prefix)


def offline_prefix(typed: str) -> str:
    """The prefix of an offline set-up from the number typed in the wizard, or
    OFFLINE_PREFIX_INVALID naming the field.

    The officer types the counter's number in the office, 1–99 (``7``, ``07``), or the whole
    prefix ``00007``; the prefix is ``000`` followed by two digits, a shape the province never
    assigns (so the station's codes cannot collide with an enrolled station's).
    """
    value = typed.strip()
    if is_offline_prefix(value):
        return value
    if _OFFLINE_NUMBER_RE.match(value) and 1 <= int(value) <= 99:
        return f"{OFFLINE_LEAD}{int(value):02d}"
    raise DomainError(ErrorCode.OFFLINE_PREFIX_INVALID, field="station_prefix", value=typed)


def is_offline(prefix: str) -> bool:
    """True for the prefix of a station set up offline (not yet enrolled)."""
    return is_offline_prefix(prefix)


def split_sequence(sequence: str, prefixes: tuple[str, ...]) -> tuple[str, int] | None:
    """(prefix, counter) of a sequence minted under one of ``prefixes``, else None.

    A sequence alone does not say where its prefix ends (``0070051`` is station 007's,
    ``070051`` station 07's): only the station's own prefixes do.
    """
    for prefix in sorted(prefixes, key=len, reverse=True):
        counter = counter_after(sequence, prefix)
        if counter is not None:
            return prefix, counter
    return None


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
        """The prefix read from the sequence alone, for display (a register label): 2 digits
        for a 6-digit sequence (old stations), ``000NN`` for an offline one, else 3 digits;
        None for a bare 4-5 digit sequence. Ownership never relies on it: a widened old code
        (``0710000``) reads as ``071`` here; use :func:`split_sequence` with the station's
        prefixes."""
        seq = self.sequence
        if len(seq) < 6:
            return None
        if len(seq) == 6:
            return seq[:2]
        if seq.startswith(OFFLINE_LEAD) and len(seq) >= 9 and seq[3:5] != "00":
            return seq[:5]
        return seq[:3]


def format_sequence(prefix: str, counter: int) -> str:
    """The sequence for a station's ``counter``-th code of the day (≥ 4 digits, never wraps)."""
    prefix = validate_station_prefix(prefix)
    if counter < 1:
        raise ValueError("counter starts at 1")
    return f"{prefix}{counter:0{COUNTER_DIGITS}d}"


def recovery_counter(block: int, number: int) -> int:
    """The ``number``-th counter (1..999) of recovery block ``block`` (0..9999, the HHMM of the
    recovery): ``RECOVERY_BASE + block * 1000 + number``, above every normal counter."""
    if not 0 <= block < 10_000 or not 1 <= number < RECOVERY_BLOCK:
        raise ValueError("recovery block 0..9999, number 1..999")
    return RECOVERY_BASE + block * RECOVERY_BLOCK + number


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
