"""Reading the QR code printed on a Vietnamese citizen ID card (one-stop-rules.md §7).

A counter's USB/2D scanner types the QR content as keyboard input. The chip card of 2021
("căn cước công dân gắn chip") carries one UTF-8 line of ``|``-separated fields::

    ID (12 digits) | old ID (9 or 12 digits, or empty) | full name | birth ddmmyyyy
    | sex (Nam/Nữ) | address | issue date ddmmyyyy

The 2024 card ("thẻ căn cước") is assumed to keep these seven fields first and to append more
(cancelled ID numbers, parents' names); they are kept as they are in ``extra_fields``. Some
payloads stop after the address (six fields): the issue date is then unknown.

Scanner noise is tolerated: surrounding white space, CR/LF anywhere (Enter at the end, lines
split at a fixed width — they are removed, not turned into spaces), spaces around fields,
decomposed (NFD) text and case or missing diacritics in the sex field. Every field is
normalised to NFC with inner white space collapsed. Anything else is refused with a specific
:class:`~counter_app.domain.errors.ErrorCode`; the error parameters name the offending field
(``field=...``) but never carry its value, which is personal data.

Every text field is bounded and cleaned as the reception form's (``domain.fields.clean_text``):
NUL and other control characters (tab included), bidi marks and lone surrogates refuse the
field (``APPLICANT_FIELD_INVALID``, ``problem="characters"``), as does a name over 100 or an
address over 300 characters (``problem="too_long"``); a payload longer than
:data:`MAX_QR_TEXT` is no card (``QR_NOT_ID_CARD``) and is not even split.

Keyboard mangling (law-2026.md §6): a keyboard-wedge scanner that types the card's UTF-8 bytes
one by one, on a PC whose Vietnamese input method or code page reads them as Windows-1252
(Latin-1 for the bytes it lacks), turns ``NGUYỄN VĂN`` into ``NGUYá»„N VÄ‚N``. Such text is
recognised by its byte pairs (a lead byte À–ô followed by a continuation byte, which no
Vietnamese word contains) and repaired when the repair is unambiguous: the characters map back
to bytes one to one and those bytes are valid UTF-8 (twice at most, for a doubly mangled
scan). A mangled scan that cannot be repaired that way (bytes lost, or mangled and clean text
mixed) is refused with ``QR_KEYBOARD_MANGLED``, whose message tells the officer to switch the
keyboard to English and scan again. A repaired card says so (``keyboard_repaired``).

The 2024 card (thẻ căn cước) appends four fields whose order is not confirmed (law-2026.md §6:
cancelled ID numbers, parents' names): they are kept raw in ``extra_fields``, and the 7, 6 and
11-part payloads all parse. The ID digits are never checked against the birth year or the sex:
real cards exist whose digits do not match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.fields import clean_text
from counter_app.domain.models import Applicant
from counter_app.domain.text import fold, nfc

SEX_MALE = "Nam"
SEX_FEMALE = "Nữ"

MIN_FIELDS = 6
MAX_QR_TEXT = 2000  # a real card's payload is under 300 characters
EXTRA_FIELD_LIMIT = 300
MIN_BIRTH_YEAR = 1900

_ID_RE = re.compile(r"[0-9]{12}")
_OLD_ID_RE = re.compile(r"[0-9]{9}|[0-9]{12}")
_DATE_RE = re.compile(r"[0-9]{8}")
_SEX_BY_FOLDED = {"nam": SEX_MALE, "nu": SEX_FEMALE}

# Windows-1252 character -> its byte; the five bytes Windows-1252 leaves undefined (and the
# C1 range generally) come through as their Latin-1 characters.
_BYTE_OF: dict[str, int] = {chr(b): b for b in range(256)}
_BYTE_OF.update(
    {ch: b for b in range(0x80, 0xA0) if (ch := bytes([b]).decode("cp1252", errors="ignore"))}
)
_CONTINUATION = "".join(ch for ch, b in _BYTE_OF.items() if 0x80 <= b <= 0xBF)
# A UTF-8 lead byte of a Vietnamese letter (U+00C0..U+1EFF: C3..C6, CC..CD, E1) read as a
# character, followed by a continuation byte read as a character.
_MANGLED_RE = re.compile("[\u00c3-\u00c6\u00cc\u00cd\u00e1][" + re.escape(_CONTINUATION) + "]")
MAX_REPAIRS = 2


@dataclass(frozen=True, slots=True)
class IdCardData:
    """The fields read from an ID-card QR code, validated and in NFC."""

    id_number: str
    old_id_number: str | None
    name: str
    birth_date: date
    sex: str
    address: str
    issue_date: date | None
    extra_fields: tuple[str, ...] = ()
    keyboard_repaired: bool = False

    def to_applicant(self) -> Applicant:
        """The applicant record pre-filled from the card (no phone number on the card); the
        2024 card's fields 8 and after go with it raw (``qr_extra``) unless all empty."""
        return Applicant(
            name=self.name,
            id_number=self.id_number,
            birth_date=self.birth_date,
            sex=self.sex,
            address=self.address,
            phone=None,
            old_id_number=self.old_id_number,
            issue_date=self.issue_date,
            qr_extra=self.extra_fields if any(self.extra_fields) else (),
        )


def parse_id_qr(text: str) -> IdCardData:
    """Parse the text a scanner typed from an ID-card QR code.

    Raises :class:`DomainError` with ``QR_EMPTY``, ``QR_NOT_ID_CARD``, ``QR_BAD_ID_NUMBER``,
    ``QR_BAD_OLD_ID``, ``QR_BAD_NAME``, ``QR_BAD_BIRTH_DATE``, ``QR_BAD_SEX`` or
    ``QR_BAD_ISSUE_DATE``. Fields are checked in card order, so the first bad one is reported.
    """
    cleaned = text.replace("\r", "").replace("\n", "")
    if not cleaned.strip():
        raise DomainError(ErrorCode.QR_EMPTY)
    if "|" not in cleaned or len(cleaned) > MAX_QR_TEXT:
        raise DomainError(ErrorCode.QR_NOT_ID_CARD, field_count=1)
    repaired = repair_keyboard_mangling(cleaned)
    keyboard_repaired = repaired != cleaned
    cleaned = repaired
    fields = [nfc(part) for part in cleaned.split("|")]
    if len(fields) < MIN_FIELDS:
        raise DomainError(ErrorCode.QR_NOT_ID_CARD, field_count=len(fields))

    id_number = fields[0]
    if not _ID_RE.fullmatch(id_number):
        raise DomainError(ErrorCode.QR_BAD_ID_NUMBER, field="id_number")

    old_id_number = fields[1] or None
    if old_id_number is not None and not _OLD_ID_RE.fullmatch(old_id_number):
        raise DomainError(ErrorCode.QR_BAD_OLD_ID, field="old_id_number")

    name = clean_text("name", fields[2])
    if not name or any(ch.isdigit() for ch in name) or not any(ch.isalpha() for ch in name):
        raise DomainError(ErrorCode.QR_BAD_NAME, field="name")

    birth_date = _parse_date(fields[3])
    if birth_date is None or birth_date.year < MIN_BIRTH_YEAR:
        raise DomainError(ErrorCode.QR_BAD_BIRTH_DATE, field="birth_date")

    sex = _SEX_BY_FOLDED.get(fold(fields[4]))
    if sex is None:
        raise DomainError(ErrorCode.QR_BAD_SEX, field="sex")

    address = clean_text("address", fields[5])

    issue_date: date | None = None
    if len(fields) > MIN_FIELDS and fields[6]:
        issue_date = _parse_date(fields[6])
        if issue_date is None:
            raise DomainError(ErrorCode.QR_BAD_ISSUE_DATE, field="issue_date")
        if birth_date > issue_date:
            raise DomainError(ErrorCode.QR_BAD_BIRTH_DATE, field="birth_date")

    return IdCardData(
        id_number=id_number,
        old_id_number=old_id_number,
        name=name,
        birth_date=birth_date,
        sex=sex,
        address=address,
        issue_date=issue_date,
        extra_fields=tuple(
            clean_text("qr_extra", extra, limit=EXTRA_FIELD_LIMIT)
            for extra in fields[MIN_FIELDS + 1 :]
        ),
        keyboard_repaired=keyboard_repaired,
    )


def looks_keyboard_mangled(text: str) -> bool:
    """Whether ``text`` carries the byte pairs of UTF-8 read as Windows-1252 (``á»``, ``Ä‚``)."""
    return _MANGLED_RE.search(text) is not None


def repair_keyboard_mangling(text: str) -> str:
    """``text`` with a scanner's Windows-1252 mangling undone; unchanged when it shows none.

    Raises :class:`DomainError` (``QR_KEYBOARD_MANGLED``) when the text is mangled but cannot be
    repaired unambiguously (see the module documentation).
    """
    for _ in range(MAX_REPAIRS):
        if not looks_keyboard_mangled(text):
            return text
        raw = bytearray()
        for ch in text:
            byte = _BYTE_OF.get(ch)
            if byte is None:  # a real Vietnamese letter beside mangled ones: mixed text
                raise DomainError(ErrorCode.QR_KEYBOARD_MANGLED)
            raw.append(byte)
        try:
            text = bytes(_restore_lost_bytes(raw)).decode("utf-8")
        except UnicodeDecodeError:  # bytes lost or changed on the way
            raise DomainError(ErrorCode.QR_KEYBOARD_MANGLED) from None
    if looks_keyboard_mangled(text):
        raise DomainError(ErrorCode.QR_KEYBOARD_MANGLED)
    return text


# The five bytes Windows-1252 leaves undefined: typed as C1 control characters, which a text
# field (or the input method) may drop. Where one of them is missing from a character, it is
# put back when exactly one of the five makes a Vietnamese letter (``Đ`` = C4 90: C4 with
# any other of them is no Vietnamese letter); otherwise the scan stays refused (``ọ`` = E1 BB
# 8D, but E1 BB 81 is ``ề``, E1 BB 8F ``ỏ``...).
_UNDEFINED_BYTES = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
_VIETNAMESE_LETTERS = frozenset(
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư"
    + "".join(chr(c) for c in range(0x1EA0, 0x1EFA))
    + "\u0300\u0301\u0303\u0309\u0323"  # the tone marks of decomposed (NFD) text
)


def _sequence_length(lead: int) -> int:
    """How many bytes a UTF-8 sequence starting with ``lead`` has (1 for ASCII and strays)."""
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 1


def _restore_lost_bytes(raw: bytearray) -> bytearray:
    """``raw`` with each multi-byte character that lacks exactly one undefined byte completed,
    when only one completion is a Vietnamese letter (else left as it is: it will not decode)."""
    out = bytearray()
    index = 0
    while index < len(raw):
        length = _sequence_length(raw[index])
        present = 1
        while (
            present < length and index + present < len(raw) and 0x80 <= raw[index + present] <= 0xBF
        ):
            present += 1
        chunk = raw[index : index + present]
        if length - present == 1:
            letters = []
            for position in range(1, length):
                for byte in _UNDEFINED_BYTES:
                    trial = bytes(chunk[:position]) + bytes([byte]) + bytes(chunk[position:])
                    try:
                        char = trial.decode("utf-8")
                    except UnicodeDecodeError:
                        continue
                    if char in _VIETNAMESE_LETTERS:
                        letters.append(trial)
            if len(letters) == 1:
                chunk = bytearray(letters[0])
        out += chunk
        index += present
    return out


def format_id_qr(card: IdCardData) -> str:
    """The QR text of ``card`` in card order (the inverse of :func:`parse_id_qr`).

    Used to build test payloads and demo data; the issue-date field is always written (empty
    when unknown).
    """
    fields = [
        card.id_number,
        card.old_id_number or "",
        card.name,
        _format_date(card.birth_date),
        card.sex,
        card.address,
        _format_date(card.issue_date) if card.issue_date else "",
        *card.extra_fields,
    ]
    return "|".join(fields)


def _format_date(value: date) -> str:
    return f"{value.day:02d}{value.month:02d}{value.year:04d}"


def _parse_date(value: str) -> date | None:
    """``ddmmyyyy`` → date, or None when it is not eight digits of a real calendar date."""
    if not _DATE_RE.fullmatch(value):
        return None
    try:
        return date(int(value[4:]), int(value[2:4]), int(value[:2]))
    except ValueError:
        return None
