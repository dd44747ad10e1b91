"""Texts at the server's boundary: what a request may carry outside an event's payload.

Event payloads are checked by the shared event validator (:mod:`sync_protocol`); this module
checks the other texts a request carries (the enrolment code and application version, a
dossier code in a path): a NUL, another C0 or C1 control character, a bidirectional mark or
override, a lone surrogate or a text over its maximum is refused with 400 ``malformed`` and
a detail naming the field, before anything is read from or written to the database.
"""

from __future__ import annotations

import re

from province_server.errors import ApiError
from sync_protocol import ErrorCodes

# C0 and C1 controls (tab and line breaks too: no boundary text is multi-line), DEL, the
# bidirectional marks and overrides, lone surrogates.
_BAD = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def checked_text(value: str, field: str, *, max_len: int) -> str:
    """``value`` unchanged, or ApiError 400 naming ``field`` (too long, forbidden character)."""
    if len(value) > max_len:
        raise ApiError(400, ErrorCodes.MALFORMED, f"{field}: at most {max_len} characters")
    found = _BAD.search(value)
    if found is not None:
        point = f"U+{ord(found.group()):04X}"
        raise ApiError(400, ErrorCodes.MALFORMED, f"{field}: forbidden character {point}")
    return value
