"""The one total order of a dossier's events, computed the same at every station and at the
province server (stdlib only).

:func:`order_key` sorts a dossier's events by:

1. creating events (``received``, ``guided``, ``refused``) first, whatever their clocks say;
2. the hybrid logical clock stamp (:mod:`sync_protocol.hlc`): wall milliseconds, then the
   logical counter. An event without a stamp (stored before stamps existed) gets
   ``(its at in ms, 0)``;
3. for events without a stamp only, the microseconds of ``at`` within its millisecond (so old
   events keep exactly their old order: time, station, sequence, uuid);
4. the station id, then the station's sequence number, then the event uuid.

Every part comes from the event itself (never from where or when it arrived), so the same
events sort the same everywhere; the uuid makes the order total. An event made after its
station saw another (pulled, or its own earlier one) sorts after it, whatever the clocks of
both stations (the stamp's guarantee), so clock skew cannot reorder what one station did
after seeing another's work. Two events made without either seeing the other (offline, at
two counters) are ordered by their stamps: the earlier wall time first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sync_protocol.hlc import epoch_us, stamp_of
from sync_protocol.v1 import CREATING_KINDS

OrderKey = tuple[bool, int, int, int, str, int, str]


class Ordered(Protocol):
    """What the order needs of an event (the counter's ``Event`` and ``EventWire`` both)."""

    @property
    def uuid(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def station_id(self) -> str: ...
    @property
    def seq(self) -> int: ...
    @property
    def at(self) -> datetime | str: ...
    @property
    def payload(self) -> dict[str, Any]: ...


E = TypeVar("E", bound=Ordered)


def instant(at: datetime | str) -> datetime:
    """``at`` as an aware datetime (the wire keeps it as ISO text)."""
    return at if isinstance(at, datetime) else datetime.fromisoformat(at)


def order_key(event: Ordered) -> OrderKey:
    """The sort key of ``event`` in its dossier (module docstring)."""
    stamp = stamp_of(event.payload)
    if stamp is not None:
        wall, logical, sub = stamp.wall_ms, stamp.logical, 0
    else:
        us = epoch_us(instant(event.at))
        wall, logical, sub = us // 1000, 0, us % 1000
    return (
        event.kind not in CREATING_KINDS,
        wall,
        logical,
        sub,
        event.station_id,
        event.seq,
        event.uuid,
    )


def ordered(events: Iterable[E]) -> list[E]:
    """``events`` sorted by :func:`order_key` (a new list)."""
    return sorted(events, key=order_key)
