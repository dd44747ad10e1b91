"""The character rules of every text that a person types and an event carries (stdlib only).

Shared by the counter's form checks (``counter_app.domain.fields``) and the event validator
(:mod:`sync_protocol.events`), so a text the counter accepts is a text the server accepts:

- refused everywhere: C0 and C1 control characters (a *multi-line* text may hold tab and line
  breaks: ``\\t``, ``\\n``, ``\\r``), bidirectional marks and overrides (U+061C, U+200E/F,
  U+202A–U+202E, U+2066–U+2069) and lone surrogates;
- a text is stored in NFC;
- the maxima of :data:`LIMITS` (characters, after cleaning).
"""

from __future__ import annotations

import re
import unicodedata

# Maxima of the fields typed at the counter (characters). The wire accepts these too.
LIMITS = {
    "name": 100,
    "address": 300,
    "id_number": 12,
    "old_id_number": 12,
    "phone": 15,
    "return_address": 300,
    "fee": 200,
    "reason": 2000,
    "note": 2000,
    "due_override_reason": 300,
}
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MULTILINE_ALLOWED = frozenset("\t\n\r")
# One pass of the C library regex engine: far cheaper than a Python loop per character.
_BAD_ONE_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_BAD_MULTILINE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)

PROBLEM_CHARACTERS = "characters"
PROBLEM_NOT_NFC = "not_nfc"
PROBLEM_TOO_LONG = "too_long"


def bad_character(ch: str) -> bool:
    """Control characters (tab and line breaks included), bidi marks and lone surrogates."""
    return ch in BIDI or unicodedata.category(ch) in ("Cc", "Cs")


def has_bad_characters(value: str, *, multiline: bool = False) -> bool:
    """True when ``value`` holds a character no text may hold (see the module docstring)."""
    pattern = _BAD_MULTILINE if multiline else _BAD_ONE_LINE
    return pattern.search(value) is not None


def text_problem(value: str, *, limit: int, multiline: bool = False) -> str | None:
    """Why ``value`` may not travel as a text of at most ``limit`` characters, or None."""
    if len(value) > limit:
        return PROBLEM_TOO_LONG
    if has_bad_characters(value, multiline=multiline):
        return PROBLEM_CHARACTERS
    if not value.isascii() and not unicodedata.is_normalized("NFC", value):
        return PROBLEM_NOT_NFC
    return None
