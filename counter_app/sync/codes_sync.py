"""The sync side of dossier numbering (issue 12): prefixes at enrolment, high-water marks.

- At enrolment the station declares the prefixes it minted codes with before (an offline
  set-up's ``000NN``, an old 2-digit prefix), so the server keeps those codes as its own, and
  moves to the prefix the province assigned; every later code carries that one.
- The enrolment answer holds every high-water mark of the station, a pull answer those of
  recent days: the normal counters are raised to them in the transaction that applies the
  answer (``storage.recovery.apply_marks``), so the station never mints at or below them.
- A station whose numbering waits for a recovery (a restore, a lost ledger) fetches all its
  marks (``GET /stations/marks``) during the sync, which ends the wait.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from counter_app.domain.codes import is_offline
from counter_app.domain.models import Event
from counter_app.storage.recovery import (
    apply_marks,
    former_prefixes,
    is_pending,
    remember_prefix,
)
from sync_protocol.codes import HighWater, MarksResponse, is_legacy_prefix

if TYPE_CHECKING:
    from counter_app.services.station import StationContext

log = logging.getLogger(__name__)
EVENT_SEQ = "event_seq"  # the station's event counter (services.station.EVENT_SEQ)


@runtime_checkable
class MarkSource(Protocol):
    """A connection that can fetch every high-water mark of the station (HTTP client)."""

    def marks(self) -> MarksResponse:
        """Every mark of the calling station."""
        ...


def declared_prefixes(ctx: StationContext) -> tuple[str, ...]:
    """The prefixes to declare at enrolment: the former ones and the current one when it is
    an offline (``000NN``) or old 2-digit prefix; the demo's ``000`` never."""
    current = ctx.office().station_prefix
    found = former_prefixes(ctx.store.config)
    if is_offline(current) and current not in found:
        found.append(current)
    return tuple(p for p in found if is_offline(p) or is_legacy_prefix(p))


def raise_event_seq(ctx: StationContext, seq: int) -> None:
    """Number the station's next events past ``seq`` (the highest the server holds of it, or
    of its own events pulled back): a restored station never reuses a sequence number the
    province already holds (in the caller's transaction)."""
    if seq > 0:
        ctx.store.counters.raise_to({EVENT_SEQ: seq})


def raise_past_own_events(ctx: StationContext, events: list[Event]) -> None:
    """In a pull page's transaction: past the sequence of the station's own events in it."""
    station_id = ctx.office().station_id
    raise_event_seq(ctx, max((e.seq for e in events if e.station_id == station_id), default=0))


def declared_station_ids(ctx: StationContext) -> tuple[str, ...]:
    """The station id of an offline set-up (its events carry it) to declare at enrolment."""
    office = ctx.office()
    return (office.station_id,) if is_offline(office.station_prefix) else ()


def after_enrolment(
    ctx: StationContext,
    *,
    old_prefix: str,
    new_prefix: str,
    marks: tuple[HighWater, ...],
    event_seq: int = 0,
) -> None:
    """In the enrolment's transaction: keep the old prefix among the former ones (its codes
    stay the station's), continue past the station's last event the server holds, and apply
    every mark (ends a pending recovery)."""
    store = ctx.store
    raise_event_seq(ctx, event_seq)
    if old_prefix != new_prefix and (is_offline(old_prefix) or is_legacy_prefix(old_prefix)):
        remember_prefix(store.config, old_prefix)
    apply_marks(store.config, store.counters, marks, now=ctx.clock.now(), complete=True)


def apply_pulled_marks(ctx: StationContext, marks: tuple[HighWater, ...]) -> None:
    """In a pull page's transaction: raise the counters to the marks of recent days."""
    if marks:
        apply_marks(
            ctx.store.config, ctx.store.counters, marks, now=ctx.clock.now(), complete=False
        )


def fetch_marks_if_waiting(ctx: StationContext, transport: object) -> bool:
    """When minting waits for a recovery, fetch every mark and apply them in one transaction
    (which ends the wait); True when it did. Errors are the transport's (DomainError)."""
    store = ctx.store
    if not is_pending(store.config) or not isinstance(transport, MarkSource):
        return False
    answer = transport.marks()
    with store.db.atomic():
        raise_event_seq(ctx, answer.event_seq)
        apply_marks(
            store.config, store.counters, answer.high_water, now=ctx.clock.now(), complete=True
        )
    log.info("numbering recovered from the server's %d marks", len(answer.high_water))
    return True
