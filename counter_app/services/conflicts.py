"""Conflicts between stations: list them with both actions, settle one with a new event.

An *open conflict* is one event a dossier's projection set aside (``sync_conflicts``): the
action that could not happen at its place in the shared order, and the applied action it
clashed with (``clashed_with``; none when the event is wrong by itself). Each is shown with
who did it (officer's full name), where (this station, or another one by its prefix) and when.

:func:`settle_conflict` is the way out: a leader (or an administrator) voids one or more of
the actions of the dossier's open conflicts with a note, as a ``conflict_settled`` event
(``sync_protocol.projection``): the event, its outbox entry, the dossier's new projection and
conflicts, and the audit entry in one transaction. The event travels like any other, so every
station and the province server replay the same settlement and agree. An officer is refused
(``CONFLICT_SETTLE_NOT_ALLOWED``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from counter_app.domain.changes import Changes
from counter_app.domain.codes import parse_code
from counter_app.domain.dossier import CREATING_KINDS, Dossier, Status
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ, Event, Role
from counter_app.domain.text import nfc
from counter_app.services.station import StationContext
from counter_app.storage import conflict_queries
from counter_app.storage.sync_repository import ConflictEntry

SETTLE_KIND = "conflict_settled"
SETTLE_ROLES = frozenset({Role.LEADER, Role.ADMIN})


@dataclass(frozen=True, slots=True)
class ConflictAction:
    """One action of a conflict: what, who (username and full name), where, when."""

    event_uuid: str
    kind: str
    officer: str
    officer_name: str
    station_id: str
    station_prefix: str | None
    own_station: bool
    at: datetime


@dataclass(frozen=True, slots=True)
class OpenConflict:
    """An event set aside (``action``) and the applied one it clashed with (``clashed``)."""

    dossier_uuid: str
    code: str | None
    applicant_name: str
    procedure_name: str
    status: Status | None  # the dossier's status every station shows (None: no dossier)
    reason: str  # a reason code of the projection
    detected_at: datetime
    action: ConflictAction
    clashed: ConflictAction | None

    def event_uuids(self) -> tuple[str, ...]:
        """The actions a settlement of this conflict may void."""
        second = (self.clashed.event_uuid,) if self.clashed is not None else ()
        return (self.action.event_uuid, *second)


def can_settle(role: Role) -> bool:
    """Whether an officer of ``role`` may settle a conflict (leaders and administrators)."""
    return role in SETTLE_ROLES


def _prefix(code: str | None) -> str | None:
    """The station prefix a code was minted under, as shown (``DossierCode.station_prefix``)."""
    if not code:
        return None
    try:
        return parse_code(code).station_prefix
    except DomainError:
        return None


class _Actions:
    """Builds :class:`ConflictAction` values, looking officers and stations up once."""

    def __init__(self, ctx: StationContext, events: Sequence[Event]) -> None:
        self.ctx = ctx
        self.own = ctx.office().station_id
        codes = conflict_queries.station_codes(ctx.store.db, {e.station_id for e in events})
        self.prefixes = {station: _prefix(code) for station, code in codes.items()}
        if self.own:
            self.prefixes.setdefault(self.own, ctx.office().station_prefix or None)
        self.names: dict[str, str] = {}

    def name(self, username: str) -> str:
        if username not in self.names:
            found = self.ctx.store.officers.get(username)
            self.names[username] = found[0].full_name if found else username
        return self.names[username]

    def of(self, event: Event) -> ConflictAction:
        return ConflictAction(
            event_uuid=event.uuid,
            kind=event.kind,
            officer=event.officer,
            officer_name=self.name(event.officer),
            station_id=event.station_id,
            station_prefix=self.prefixes.get(event.station_id),
            own_station=event.station_id == self.own,
            at=event.at.astimezone(VN_TZ),
        )


def _conflict(
    entry: ConflictEntry,
    clashed: Event | None,
    dossier: Dossier | None,
    actions: _Actions,
) -> OpenConflict:
    return OpenConflict(
        dossier_uuid=entry.event.dossier_uuid,
        code=entry.dossier_code,
        applicant_name=dossier.applicant.name if dossier is not None else "",
        procedure_name=dossier.procedure_name if dossier is not None else "",
        status=dossier.status if dossier is not None else None,
        reason=entry.reason,
        detected_at=entry.detected_at.astimezone(VN_TZ),
        action=actions.of(entry.event),
        clashed=actions.of(clashed) if clashed is not None else None,
    )


def open_conflicts(ctx: StationContext, *, dossier_uuid: str | None = None) -> list[OpenConflict]:
    """Every open conflict of the station (or of one dossier), in the order they were found,
    then the dossier's order of events. Reads only."""
    entries = [
        e
        for e in ctx.store.sync.conflicts()
        if dossier_uuid is None or e.event.dossier_uuid == dossier_uuid
    ]
    pairs = conflict_queries.clashed_with(ctx.store.db, [e.event.uuid for e in entries])
    dossiers: dict[str, Dossier | None] = {}
    events: dict[str, Event] = {}
    for entry in entries:
        uuid = entry.event.dossier_uuid
        if uuid not in dossiers:
            dossiers[uuid] = ctx.store.dossiers.by_uuid(uuid)
            events.update((e.uuid, e) for e in ctx.store.dossiers.events_of(uuid))
    clashed = {e.event.uuid: events.get(pairs.get(e.event.uuid) or "") for e in entries}
    actions = _Actions(ctx, [*(e.event for e in entries), *filter(None, clashed.values())])
    found = [
        _conflict(e, clashed[e.event.uuid], dossiers[e.event.dossier_uuid], actions)
        for e in entries
    ]
    return found


def open_conflict_count(ctx: StationContext) -> int:
    """How many events are in conflict (each one an open conflict of the list)."""
    return conflict_queries.open_count(ctx.store.db)


def check_settler(ctx: StationContext, username: str) -> None:
    """Refuse unless ``username`` is an active leader or administrator (a clear sentence
    for an officer: ``CONFLICT_SETTLE_NOT_ALLOWED``)."""
    found = ctx.store.officers.get(username)
    if found is None or not found[0].active:
        raise DomainError(ErrorCode.OFFICER_UNKNOWN, username=username)
    if not can_settle(found[0].role):
        raise DomainError(ErrorCode.CONFLICT_SETTLE_NOT_ALLOWED, username=username)


def _check_void(
    conflicts: Sequence[OpenConflict], void: Sequence[str], events: dict[str, Event]
) -> list[str]:
    allowed = {uuid for c in conflicts for uuid in c.event_uuids()}
    chosen = sorted({v.strip().lower() for v in void if v.strip()})
    if not chosen:
        raise DomainError(ErrorCode.CONFLICT_VOID_INVALID, value="")
    for uuid in chosen:
        event = events.get(uuid)
        if (
            uuid not in allowed
            or event is None
            or event.kind in CREATING_KINDS
            or event.kind == SETTLE_KIND
        ):
            raise DomainError(ErrorCode.CONFLICT_VOID_INVALID, value=uuid)
    return chosen


def settle_conflict(
    ctx: StationContext,
    *,
    dossier_uuid: str,
    void: Sequence[str],
    note: str,
    officer: str,
) -> tuple[list[OpenConflict], Changes]:
    """Void ``void`` (actions of the dossier's open conflicts) with ``note``; returns the
    dossier's open conflicts afterwards (an action that clashed with a voided one may now be
    applied, or clash with another).

    Refusals change nothing: an officer who is not a leader or an administrator
    (``CONFLICT_SETTLE_NOT_ALLOWED``), a dossier without an open conflict
    (``CONFLICT_NOT_FOUND``), an action that is not one of its conflicts' or is the
    dossier's reception (``CONFLICT_VOID_INVALID``), an empty note (``CONFLICT_NOTE_MISSING``).
    Accepted: the ``conflict_settled`` event, its outbox entry, the re-projected dossier and
    its conflicts, and the audit entry are committed in one transaction.
    """
    from counter_app.sync.engine import reproject  # the same re-projection as a pull's

    check_settler(ctx, officer)
    store = ctx.store
    dossier = store.dossiers.by_uuid(dossier_uuid)
    conflicts = open_conflicts(ctx, dossier_uuid=dossier_uuid)
    if dossier is None or not conflicts:
        code = dossier.code if dossier is not None else None
        raise DomainError(ErrorCode.CONFLICT_NOT_FOUND, code=code or dossier_uuid)
    events = {e.uuid: e for e in store.dossiers.events_of(dossier_uuid)}
    chosen = _check_void(conflicts, void, events)
    text = nfc(note).strip()
    if not text:
        raise DomainError(ErrorCode.CONFLICT_NOTE_MISSING)
    now = ctx.clock.now()
    latest = max(e.at for e in events.values())
    when = now.astimezone(VN_TZ)
    with store.db.atomic():
        event = ctx.new_event(
            dossier_uuid=dossier_uuid,
            kind=SETTLE_KIND,
            officer=officer,
            at=when if when > latest else latest + timedelta(microseconds=1),
            payload={"voided": chosen, "note": text},
        )
        store.dossiers.append(dossier, event, queued_at=now)
        reproject(ctx, dossier_uuid)
        store.audit.record(
            at=now,
            officer=officer,
            action=SETTLE_KIND,
            dossier_uuid=dossier_uuid,
            detail={"code": dossier.code, "voided": chosen},
        )
    return open_conflicts(ctx, dossier_uuid=dossier_uuid), Changes(dossiers=True)
