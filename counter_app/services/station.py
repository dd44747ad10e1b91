"""The station context every use case runs in: store, clock, ids, office, calendar, hours."""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from time import time_ns
from typing import Any

from counter_app.domain.calendar import OfficeHours, WorkCalendar
from counter_app.domain.clock import Clock
from counter_app.domain.dossier import Dossier, EventKind, apply_event
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ, Event, Office
from counter_app.reference.holidays_vn import CULTURE_DAY_SETTING, default_calendar
from counter_app.storage.store import Store
from sync_protocol.events import EventProblem, payload_problem
from sync_protocol.hlc import HLC_KEY, ZERO, Hlc, merge, received_stamp, tick
from sync_protocol.v1 import RejectReason

HLC_STATE = "hlc"  # config: where the station's clock was kept before HLC_WALL/HLC_LOGICAL
# counters: the station's hybrid logical clock (last stamp issued or seen), on the counters'
# page the save writes anyway (one page a save less than a config row, issue 16)
HLC_WALL = "hlc|wall_ms"
HLC_LOGICAL = "hlc|logical"
LOOKUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
EVENT_SEQ = "event_seq"


def new_uuid() -> str:
    """A new UUID, time-ordered (RFC 9562 version 7: 48 bits of Unix milliseconds, then 74
    random bits): new keys land at the right end of the events' and dossiers' indexes
    instead of a random leaf each, so a save dirties fewer pages (issue 16). Still a valid
    UUID for every reader; the random part keeps them unique across stations."""
    ms = time_ns() // 1_000_000 & (1 << 48) - 1
    rand = int.from_bytes(os.urandom(10), "big")
    value = ms << 80 | 0x7 << 76 | (rand >> 64 & 0xFFF) << 64 | 0b10 << 62 | rand & (1 << 62) - 1
    return str(uuid.UUID(int=value))


def new_station_id() -> str:
    """A station's own identifier: random (version 4), not time-ordered like :func:`new_uuid`:
    its first characters name the station in folders and test slips, so two stations set up
    in the same minute must not share them."""
    return str(uuid.uuid4())


def new_lookup_key() -> str:
    """A short secret printed on the slip beside the QR (no 0/O, 1/I look-alikes)."""
    return "".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(6))


@dataclass
class StationContext:
    """Built once by the composition root; services receive it instead of globals."""

    store: Store
    clock: Clock
    new_id: Callable[[], str] = new_uuid
    _calendar: WorkCalendar | None = field(default=None, init=False, repr=False)
    _calendar_overrides: object = field(default=None, init=False, repr=False)

    def office(self) -> Office:
        data = self.store.config.get("office")
        if data is None:
            raise DomainError(ErrorCode.AGENCY_ID_INVALID, value="")
        return Office(**data)

    def calendar(self) -> WorkCalendar:
        """The working-day calendar: official years, province overrides, estimates.

        Rebuilt whenever the stored overrides change, also when another connection (the
        background sync, a command line next to the window) changed them, or the setting
        whether 24/11 on a weekend is made up (``culture_day_weekend_made_up``, default yes).
        """
        overrides = self.store.reference.calendar_overrides()
        made_up = bool(self.store.config.get(CULTURE_DAY_SETTING, True))
        key = (overrides, made_up)
        if self._calendar is None or key != self._calendar_overrides:
            self._calendar = default_calendar(overrides, culture_day_made_up=made_up)
            self._calendar_overrides = key
        return self._calendar

    def forget_calendar(self) -> None:
        self._calendar = None

    def hours(self) -> OfficeHours:
        raw = self.store.config.get("office_hours")
        if not raw:
            return OfficeHours()
        sessions = tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in raw["sessions"])
        return OfficeHours(sessions=sessions, cutoff=time.fromisoformat(raw["cutoff"]))

    def setting(self, key: str, default: Any) -> Any:
        return self.store.config.get(key, default)

    def new_event(
        self,
        *,
        dossier_uuid: str,
        kind: str,
        officer: str,
        at: datetime,
        payload: dict[str, Any],
        station_id: str | None = None,
    ) -> Event:
        """A new event of this station; call inside the use case's transaction.

        The event is checked first by the validator the province server runs
        (``sync_protocol.events``): a payload the server would refuse is refused here, with
        the field named, before anything is written (so it can never block the outbox).
        """
        problem = payload_problem(kind, payload, officer=officer)
        if problem is not None:
            raise event_refusal(problem)
        seq = self.store.counters.next(EVENT_SEQ)
        return Event(
            uuid=self.new_id(),
            dossier_uuid=dossier_uuid,
            kind=kind,
            station_id=station_id or self.office().station_id,
            seq=seq,
            officer=officer,
            at=at,
            payload={**payload, HLC_KEY: self.stamp(at).text()},
        )

    def stamp(self, at: datetime) -> Hlc:
        """The hybrid logical clock stamp of a new event at ``at`` (``sync_protocol.hlc``):
        after every stamp this station issued or received; stored at once (the caller's
        transaction)."""
        stamp = tick(self._hlc(), at)
        self._keep_hlc(stamp)
        return stamp

    def observe(self, events: Iterable[Event]) -> None:
        """Move the station's clock past the stamps of ``events`` received from elsewhere
        (a pull, a peer, a bundle), in the caller's transaction: what this station does
        next is ordered after them. An event without a stamp counts as ``(its at, 0)``."""
        last = self._hlc()
        seen = max((received_stamp(e) for e in events), default=last)
        if seen > last:
            self._keep_hlc(merge(last, seen))

    def _hlc(self) -> Hlc:
        counters = self.store.counters
        kept = Hlc(counters.current(HLC_WALL), counters.current(HLC_LOGICAL))
        if kept == ZERO:  # a station stamped by an older version kept it in config
            return Hlc.parse(self.store.config.get(HLC_STATE)) or ZERO
        return kept

    def _keep_hlc(self, stamp: Hlc) -> None:
        self.store.counters.put({HLC_WALL: stamp.wall_ms, HLC_LOGICAL: stamp.logical})

    def dossier_by_code(self, code: str) -> Dossier:
        from counter_app.domain.codes import parse_code

        parsed = str(parse_code(code))
        found = self.store.dossiers.by_code(parsed)
        if found is None:
            raise DomainError(ErrorCode.DOSSIER_NOT_FOUND, code=parsed)
        return found

    def dossier_by_uuid(self, dossier_uuid: str) -> Dossier:
        """The stored dossier ``dossier_uuid``, or DOSSIER_NOT_FOUND."""
        found = self.store.dossiers.by_uuid(dossier_uuid)
        if found is None:
            raise DomainError(ErrorCode.DOSSIER_NOT_FOUND, code=dossier_uuid)
        return found


def event_refusal(problem: EventProblem) -> DomainError:
    """The domain error of an event the validator refuses: the field named by its last part
    (``applicant.name`` -> ``name``), the problem as ``domain.fields`` says it."""
    leaf = problem.field.rsplit(".", 1)[-1].split("[", 1)[0] or problem.field
    if problem.code == RejectReason.MISSING_FIELD:
        return DomainError(ErrorCode.APPLICANT_FIELD_MISSING, field=leaf, problem="missing")
    if problem.code == RejectReason.TEXT_TOO_LONG:
        return DomainError(
            ErrorCode.APPLICANT_FIELD_INVALID, field=leaf, problem="too_long", limit=problem.limit
        )
    if problem.code == RejectReason.INVALID_TEXT:
        return DomainError(ErrorCode.APPLICANT_FIELD_INVALID, field=leaf, problem="characters")
    return DomainError(ErrorCode.APPLICANT_FIELD_INVALID, field=leaf, problem="format")


def append_event(
    ctx: StationContext,
    dossier: Dossier,
    kind: EventKind,
    *,
    officer: str,
    payload: dict[str, Any],
    detail: dict[str, Any],
) -> Dossier:
    """Inside the use case's transaction: the event ``kind`` of ``dossier`` dated now, its
    outbox entry, the dossier's new projection and the audit entry (``detail`` after the
    dossier's code); returns the dossier after the event.

    The event is never dated before the dossier's latest event (a clock behind another
    station's moves to just after it), so the dossier's events keep their order.
    """
    now = ctx.clock.now()
    latest = dossier.updated_at or dossier.received_at
    when = now.astimezone(VN_TZ)
    event = ctx.new_event(
        dossier_uuid=dossier.uuid,
        kind=kind.value,
        officer=officer,
        at=when if when > latest else latest + timedelta(microseconds=1),
        payload=payload,
    )
    updated = apply_event(dossier, event)
    ctx.store.dossiers.append(updated, event, queued_at=now)
    ctx.store.audit.record(
        at=now,
        officer=officer,
        action=kind.value,
        dossier_uuid=dossier.uuid,
        detail={"code": dossier.code, **detail},
    )
    return updated


@contextmanager
def opened_station(data_dir: Path, *, mirror_dir: Path, clock: Clock) -> Iterator[StationContext]:
    """The station in ``data_dir`` opened on a connection of the calling thread, closed on
    exit: for a worker thread that also writes (the background sync), since sqlite objects
    belong to the thread that made them."""
    store = Store(data_dir, mirror_dir=mirror_dir)
    try:
        yield StationContext(store=store, clock=clock)
    finally:
        store.close()
