"""Hybrid logical clock (HLC) of the stations' events (stdlib only).

Every event a counter creates carries, in its payload under :data:`HLC_KEY`, a stamp
``"<wall ms>.<logical>"`` (e.g. ``"1764651600000.0"``): the station's physical time in
milliseconds since the Unix epoch, and a counter that breaks ties and keeps causality when
the physical clock lags. The station keeps the last stamp it issued or received
(:class:`Hlc`):

- a new local event gets :func:`tick`: ``max(last, now)``; the logical part restarts at 0
  when the wall part moved on, else it is the last one plus 1;
- every event received (a pull, a LAN peer, a USB bundle) goes through :func:`merge`, which
  moves ``last`` past the event's stamp.

So an event made after seeing another always has a greater stamp, however wrong the clocks
of both stations are (Kulkarni et al., "Logical Physical Clocks", 2014): a station 10
minutes behind that acts on a dossier after pulling an event stamped 10 minutes ahead
stamps its own event after it. The stamp's wall part stays within the largest clock skew of
the stations of real time. Events stored before stamps existed have none; the order
(:mod:`sync_protocol.order`) gives them one from their ``at``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

HLC_KEY = "hlc"
MAX_WALL_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z
MAX_LOGICAL = 999_999_999
_HLC_RE = re.compile(r"^(\d{1,15})\.(\d{1,9})$", re.ASCII)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True, order=True)
class Hlc:
    """One stamp: wall milliseconds, then the logical counter (ordered in that order)."""

    wall_ms: int
    logical: int = 0

    def text(self) -> str:
        """The stamp as it travels in a payload."""
        return f"{self.wall_ms}.{self.logical}"

    @classmethod
    def parse(cls, value: Any) -> Hlc | None:
        """The stamp of ``value`` (the payload's text), or None when it is not one."""
        if not isinstance(value, str):
            return None
        found = _HLC_RE.match(value)
        if found is None:
            return None
        wall, logical = int(found[1]), int(found[2])
        if wall > MAX_WALL_MS or logical > MAX_LOGICAL:
            return None
        return cls(wall, logical)


ZERO = Hlc(0, 0)


def epoch_us(at: datetime) -> int:
    """Microseconds since the Unix epoch of an aware ``at`` (exact, no float)."""
    delta = at - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def wall_ms(at: datetime) -> int:
    """Milliseconds since the Unix epoch of an aware ``at`` (floor)."""
    return epoch_us(at) // 1000


def tick(last: Hlc, now: datetime) -> Hlc:
    """The stamp of a new local event at physical time ``now``, after ``last``."""
    wall = max(last.wall_ms, min(wall_ms(now), MAX_WALL_MS))
    if wall == last.wall_ms:
        if last.logical >= MAX_LOGICAL:  # unreachable in practice; still monotonic
            return Hlc(wall + 1, 0)
        return Hlc(wall, last.logical + 1)
    return Hlc(wall, 0)


def merge(last: Hlc, seen: Hlc) -> Hlc:
    """The station's clock after receiving an event stamped ``seen`` (the greater one).

    The next :func:`tick` is then strictly after ``seen``: what a station does after seeing
    an event is ordered after it."""
    return max(last, seen)


def stamp_of(payload: Any) -> Hlc | None:
    """The stamp a payload carries, or None (an event from before stamps, or not one)."""
    if not isinstance(payload, dict):
        return None
    return Hlc.parse(payload.get(HLC_KEY))


class _Stamped(Protocol):
    @property
    def at(self) -> datetime | str: ...
    @property
    def payload(self) -> dict[str, Any]: ...


def received_stamp(event: _Stamped) -> Hlc:
    """The stamp an event counts as when received: its own, else ``(its at in ms, 0)``
    (an event from before stamps; the order gives it the same place)."""
    stamp = stamp_of(event.payload)
    if stamp is not None:
        return stamp
    at = event.at if isinstance(event.at, datetime) else datetime.fromisoformat(event.at)
    return Hlc(min(max(wall_ms(at), 0), MAX_WALL_MS), 0)
