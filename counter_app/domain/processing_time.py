"""Processing time of a procedure ("thời hạn giải quyết") and its parsing from text.

Units follow the catalogue and DESIGN §5: working days, working hours, calendar days,
months, same day (0 working days in the catalogue), no fixed date, or unknown (the catalogue
gives nothing usable: the officer must state the time).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.text import fold


class TimeUnit(StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"
    SAME_DAY = "same_day"
    NO_DUE_DATE = "no_due_date"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ProcessingTime:
    """How long a procedure takes. ``amount`` is 0 for SAME_DAY, NO_DUE_DATE and UNKNOWN."""

    unit: TimeUnit
    amount: float = 0

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise DomainError(ErrorCode.TIME_TEXT_INVALID, text=str(self.amount))

    @property
    def has_due_date(self) -> bool:
        return self.unit not in (TimeUnit.NO_DUE_DATE, TimeUnit.UNKNOWN)

    def to_json(self) -> dict[str, object]:
        return {"unit": self.unit.value, "amount": self.amount}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> ProcessingTime:
        amount = data.get("amount", 0)
        if not isinstance(amount, int | float):
            raise DomainError(ErrorCode.TIME_TEXT_INVALID, text=str(data))
        return cls(TimeUnit(str(data["unit"])), float(amount))


SAME_DAY = ProcessingTime(TimeUnit.SAME_DAY)
NO_DUE_DATE = ProcessingTime(TimeUnit.NO_DUE_DATE)
UNKNOWN = ProcessingTime(TimeUnit.UNKNOWN)

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_PATTERNS: tuple[tuple[re.Pattern[str], TimeUnit], ...] = (
    (re.compile(rf"^{_NUMBER}\s*ngay\s*lam\s*viec$"), TimeUnit.WORKING_DAYS),
    (re.compile(rf"^{_NUMBER}\s*gio(\s*lam\s*viec)?$"), TimeUnit.WORKING_HOURS),
    (re.compile(rf"^{_NUMBER}\s*ngay(\s*lich)?$"), TimeUnit.CALENDAR_DAYS),
    (re.compile(rf"^{_NUMBER}\s*thang$"), TimeUnit.MONTHS),
)
_SAME_DAY_TEXTS = {"trong ngay", "ngay", "trong ngay lam viec", "same day", "0"}
_NO_DUE_TEXTS = {
    "khong co ngay hen tra",
    "khong co ngay hen tra cu the",
    "khong co ngay hen tra cu the theo quy dinh",
    "khong quy dinh",
    "khong thoi han",
}


def parse_processing_time(text: str) -> ProcessingTime:
    """Read a processing time written the way officers and the catalogue write it.

    Accepts, with or without diacritics and in any case: "3 ngày làm việc", "15 ngày",
    "8 giờ", "8 giờ làm việc", "2 tháng", "trong ngày", "0 ngày làm việc" (same day) and
    "không có ngày hẹn trả cụ thể". Anything else raises ``TIME_TEXT_INVALID``.
    """
    folded = " ".join(fold(unicodedata.normalize("NFC", text)).split())
    if folded in _SAME_DAY_TEXTS:
        return SAME_DAY
    if folded in _NO_DUE_TEXTS:
        return NO_DUE_DATE
    for pattern, unit in _PATTERNS:
        match = pattern.match(folded)
        if match is None:
            continue
        amount = float(match.group(1).replace(",", "."))
        if amount == 0 and unit in (TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS):
            return SAME_DAY
        if amount == 0 or amount > 3650:
            break
        return ProcessingTime(unit, amount)
    raise DomainError(ErrorCode.TIME_TEXT_INVALID, text=text)
