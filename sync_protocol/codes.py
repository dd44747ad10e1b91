"""What counter and server agree on about dossier code sequences (DESIGN §4, issue 12).

A code is ``<deciding agency>-<YYMMDD>-<sequence>``; the sequence is the station's prefix
followed by its own daily counter of at least 4 digits. Prefixes:

- ``001``–``999``: assigned by the province at enrolment (station number N: ``f"{N:03d}"``);
- ``01``–``99``: the 2-digit prefixes of stations enrolled before, kept as *former* prefixes of
  the same station (its old codes stay valid and its own);
- ``000`` + two digits (``00001``–``00099``): a station set up offline, before it could enrol.
  The province never assigns a prefix starting with ``000``, so these cannot collide with an
  enrolled station's codes; enrolment moves the station to its enrolled prefix;
- ``000``: the demo office (never synced).

Counters at or above :data:`RECOVERY_BASE` form the *recovery range*: a station that lost its
data and may not know its last codes mints ``RECOVERY_BASE + block * 1000 + n`` (``block`` the
HHMM of the recovery, ``n`` 1..999), which normal numbering never reaches; such counters are
never high-water marks.

:class:`HighWater` is one mark: the highest normal counter the server stored for a station,
deciding agency and day. It travels in the enrolment answer, the pull answer and
``GET /stations/marks`` (:class:`MarksResponse`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

PREFIX_DIGITS = 3
LEGACY_PREFIX_DIGITS = 2
MIN_COUNTER_DIGITS = 4
MAX_STATION_NUMBER = 999
OFFLINE_LEAD = "000"
DEMO_PREFIX = "000"
RECOVERY_BASE = 90_000_000
RECOVERY_BLOCK = 1_000
MAX_MARKS = 20_000  # rows in one answer (a station's marks of several years)
_ENROLLED_RE = re.compile(r"^(?!000)\d{3}$", re.ASCII)
_LEGACY_RE = re.compile(r"^(?!00)\d{2}$", re.ASCII)
_OFFLINE_RE = re.compile(r"^000(?!00)\d{2}$", re.ASCII)
_AGENCY_RE = re.compile(r"^[0-9A-Z]+(?:\.[0-9A-Z]+)*$", re.ASCII)


def prefix_of_station(number: int) -> str:
    """The prefix of enrolled station ``number`` (1..999): three digits."""
    if not 1 <= number <= MAX_STATION_NUMBER:
        raise ValueError(f"station number must be 1..{MAX_STATION_NUMBER}")
    return f"{number:0{PREFIX_DIGITS}d}"


def is_enrolled_prefix(prefix: str) -> bool:
    return bool(_ENROLLED_RE.match(prefix))


def is_legacy_prefix(prefix: str) -> bool:
    return bool(_LEGACY_RE.match(prefix))


def is_offline_prefix(prefix: str) -> bool:
    return bool(_OFFLINE_RE.match(prefix))


def widened_legacy(prefix: str) -> str:
    """The 3-digit prefix a 2-digit station continues with (``07`` -> ``007``)."""
    return f"0{prefix}" if is_legacy_prefix(prefix) else prefix


def counter_after(sequence: str, prefix: str) -> int | None:
    """The daily counter of ``sequence`` if it was minted under ``prefix``, else None.

    The counter has at least 4 digits. Under a 2-digit prefix a counter longer than 4
    digits must not start with 0 (the old stations widened 9999 to 10000; ``0700001`` is
    station 070's, not station 07's).
    """
    if not sequence.isascii() or not sequence.isdigit() or not sequence.startswith(prefix):
        return None
    rest = sequence[len(prefix) :]
    if len(rest) < MIN_COUNTER_DIGITS:
        return None
    if len(prefix) == LEGACY_PREFIX_DIGITS and len(rest) > MIN_COUNTER_DIGITS and rest[0] == "0":
        return None
    counter = int(rest)
    return counter if counter >= 1 else None


def is_recovery_counter(counter: int) -> bool:
    return counter >= RECOVERY_BASE


@dataclass(frozen=True, slots=True, order=True)
class HighWater:
    """The highest normal counter stored for one station, deciding agency and day."""

    agency_id: str
    day: date
    high: int

    def to_json(self) -> dict[str, Any]:
        return {"agency_id": self.agency_id, "day": self.day.isoformat(), "high": self.high}

    @classmethod
    def from_json(cls, value: Any) -> HighWater:
        if not isinstance(value, dict):
            raise ValueError("high_water: object expected")
        agency, day, high = value.get("agency_id"), value.get("day"), value.get("high")
        if not isinstance(agency, str) or len(agency) > 35 or not _AGENCY_RE.match(agency):
            raise ValueError("high_water.agency_id: agency identifier expected")
        if not isinstance(day, str) or len(day) != 10:
            raise ValueError("high_water.day: YYYY-MM-DD expected")
        if not isinstance(high, int) or isinstance(high, bool) or not 1 <= high < RECOVERY_BASE:
            raise ValueError("high_water.high: counter expected")
        return cls(agency, date.fromisoformat(day), high)


def marks_to_json(marks: tuple[HighWater, ...]) -> list[dict[str, Any]]:
    return [m.to_json() for m in marks]


def marks_from_json(value: Any) -> tuple[HighWater, ...]:
    """Marks of an answer (absent, from an older server: none); ValueError when malformed."""
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_MARKS:
        raise ValueError(f"high_water: list of at most {MAX_MARKS} expected")
    return tuple(HighWater.from_json(v) for v in value)


@dataclass(frozen=True, slots=True)
class MarksResponse:
    """Every high-water mark of the calling station (``GET /stations/marks``)."""

    high_water: tuple[HighWater, ...]
    server_time: str
    event_seq: int = 0  # the highest event sequence number of the station the server holds

    def to_json(self) -> dict[str, Any]:
        return {
            "high_water": marks_to_json(self.high_water),
            "server_time": self.server_time,
            "event_seq": self.event_seq,
        }

    @classmethod
    def from_json(cls, value: Any) -> MarksResponse:
        from sync_protocol.v1 import ProtocolError, _instant, _int, _obj

        data = _obj(value, "marks")
        try:
            marks = marks_from_json(data.get("high_water"))
        except ValueError as error:
            raise ProtocolError("malformed", str(error)) from None
        seq = _int(data, "event_seq") if "event_seq" in data else 0
        return cls(high_water=marks, server_time=_instant(data, "server_time"), event_seq=seq)
