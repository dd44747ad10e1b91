"""Register numbers (Sổ theo dõi hồ sơ) that stay unique across the counters of an office.

Every counter of an office works offline, so a single office-wide counter cannot exist. The
number printed in the register and on the slips is therefore the receiving station's prefix
(unique in the province, assigned at enrolment) followed by that station's own yearly number:
``15-0042`` is the 42nd dossier station 15 entered in the register this year. Two counters can
never print the same number, and a number once printed never changes (the prefix is stored in
the dossier's creating event when the number is minted; a station whose prefix moves later keeps
its old numbers as printed).

The office reads its register sorted by reception time across all its counters
(:func:`register_order`); the label tells which counter entered each line and its place in that
counter's sequence. The station number has at least :data:`NUMBER_DIGITS` digits and widens past
9999, never wraps.
"""

from __future__ import annotations

from datetime import datetime

NUMBER_DIGITS = 4
SEPARATOR = "-"


def register_label(prefix: str | None, number: int | None) -> str:
    """The register number as printed: ``"15-0042"``; ``"0042"`` without a prefix (a dossier
    minted before prefixes were recorded, whose code carries none); ``""`` without a number."""
    if not number or number < 1:
        return ""
    digits = f"{number:0{NUMBER_DIGITS}d}"
    return f"{prefix}{SEPARATOR}{digits}" if prefix else digits


def register_order(
    received_at: datetime, prefix: str | None, number: int | None
) -> tuple[datetime, str, int]:
    """The sort key of the office's register: by reception time, then counter, then number
    (total and the same at every counter of the office)."""
    return received_at, prefix or "", number or 0
