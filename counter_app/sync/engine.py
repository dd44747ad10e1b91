"""The sync engine: enrol, push the outbox, pull others' events (DESIGN §7).

Guarantees:

- an event leaves the outbox only when the server answered ``accepted`` or ``duplicate``
  for it (both mean committed in PostgreSQL); a ``rejected`` one moves to the refused list
  with its reason (kept, shown to the officer, not re-sent by itself); anything else leaves
  it queued, with the attempt counted;
- a pulled page is applied in one local transaction together with the new cursor: remote
  events are stored without outbox entries, the station's hybrid logical clock moves past
  their stamps (what it does next is ordered after them, ``sync_protocol.hlc``), and every
  dossier they touch is re-projected from all its events by the projection the server
  runs too, which never aborts (``sync_protocol.projection`` via
  ``domain.total_projection``; :func:`reproject`), so every station converges; an event
  it cannot apply (refused by the shared validator, by the status machine, or failing in
  any way) is kept, skipped and listed with its reason and the event it clashed with
  (``SyncRepository.conflicts``, ``counter-app conflicts``), and the cursor moves on: one bad
  event sets its dossier aside, never the office's sync, reference data or uploads;
- before a batch is built, every queued event passes the validator the server runs
  (``sync_protocol.events``); one it would refuse moves to the refused list at once with
  the same reason, so it never holds back the events queued behind it;
- reference data (procedures, calendar years, office names, officer accounts) is applied
  in one local transaction together with its version; a year's calendar change drops the
  station's calendar cache, so the next due date uses it;
- a failed push does not prevent the pull, nor the reverse; a failed reference pull blocks
  neither; every attempt writes one ``sync_log`` row, whatever happened;
- attachments (``sync.attachments``) are uploaded last, after the events; their failures are
  in ``SyncReport.attachments``, never in ``errors``.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from counter_app.domain.calendar import CalendarDay, DayKind, YearCalendar
from counter_app.domain.codes import validate_agency_id, validate_station_prefix
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.lookup_url import clean_lookup_url
from counter_app.domain.models import Event, Office, Officer, Procedure, Role
from counter_app.reference.catalogue import procedure_from_record
from counter_app.storage.station_secrets import (
    set_office_secret,
    set_station_token,
    station_token,
)
from counter_app.storage.sync_repository import SyncAttempt
from counter_app.sync.attachments import AttachmentReport, sync_attachments
from counter_app.sync.codes_sync import (
    after_enrolment,
    apply_pulled_marks,
    declared_prefixes,
    declared_station_ids,
    fetch_marks_if_waiting,
    raise_past_own_events,
)
from counter_app.sync.transport import DEFAULT_PULL_LIMIT, ReferenceSource, SyncTransport
from counter_app.texts import DEMO_OFFICERS
from sync_protocol import (
    MAX_BATCH_BYTES,
    EventWire,
    PushRequest,
    PushResponse,
    PushStatus,
    ReferenceResponse,
    RejectReason,
    dumps,
)
from sync_protocol.chain import ChainClaim, ChainLink
from sync_protocol.events import event_problem
from sync_protocol.lan import normalise_secret

if TYPE_CHECKING:  # the services layer calls sync, never the reverse at run time
    from counter_app.services.station import StationContext

log = logging.getLogger(__name__)
SYNC_KEY = "sync"
# In the enrolment: the last lookup address the province sent (see _new_lookup_url).
PROVINCE_LOOKUP_KEY = "lookup_url"
PROVINCE_SOURCE = "province"
ENVELOPE_BYTES = 200  # {"batch_id": ..., "station_id": ..., "events": [...]}
_FATAL = {ErrorCode.SYNC_UNAUTHORIZED, ErrorCode.SYNC_PROTOCOL_MISMATCH}
# After these the reference pull is not tried (the server is known to be out of reach).
_SKIP_REFERENCE = _FATAL | {ErrorCode.SYNC_UNREACHABLE}


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one sync attempt did. ``errors`` is empty when push and pull both succeeded."""

    pushed: int
    duplicates: int
    rejected: int
    pulled: int
    waiting: int
    server_time: datetime | None
    started_at: datetime
    finished_at: datetime
    conflicts: int = 0
    errors: tuple[DomainError, ...] = ()
    reference_changes: int = 0
    attachments: AttachmentReport | None = None  # issue 6: the attachment upload step

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def clock_skew_seconds(self) -> float | None:
        """Server clock minus station clock (positive: the station is behind)."""
        if self.server_time is None:
            return None
        return (self.server_time - self.finished_at).total_seconds()


@dataclass
class _Tally:
    pushed: int = 0
    duplicates: int = 0
    rejected: int = 0
    pulled: int = 0
    conflicts: int = 0
    reference: int = 0
    server_time: datetime | None = None
    attachments: AttachmentReport | None = None


def next_delay(
    attempt: int, *, base: float = 5.0, cap: float = 900.0, rng: Callable[[], float] = random.random
) -> float:
    """Seconds to wait before retry number ``attempt`` (0-based): exponential, capped, with
    "equal jitter" (half fixed, half random), so stations that lost the link together do
    not all come back in the same second. Always in [ceiling/2, ceiling]."""
    ceiling = min(cap, base * 2.0 ** max(0, min(attempt, 32)))
    return ceiling / 2 + rng() * ceiling / 2


def sync_settings(ctx: StationContext) -> dict[str, Any]:
    """The enrolment ({"url", "token", "enrolled_at"}) or SYNC_NOT_ENROLLED.

    The token is not in the database (issue 17): it comes from the station's secret store
    (``storage.station_secrets``); a database restored without it (a new PC) is not enrolled.
    """
    value = ctx.store.config.get(SYNC_KEY)
    token = station_token(ctx.store.data_dir)
    if not isinstance(value, dict) or not value.get("url") or not token:
        raise DomainError(ErrorCode.SYNC_NOT_ENROLLED)
    return {**value, "token": token}


def enrol(ctx: StationContext, transport: SyncTransport, *, url: str, code: str) -> Office:
    """Enrol this station with a one-time code; store the token and the office identity.

    Guarantees: nothing is written unless the server accepted the code and its answer is
    valid (agency identifier, 2-digit prefix); then the office (agency, station id, prefix,
    names, the lookup address of the slips' QR, no longer a demo), the enrolment and an audit
    entry are stored in one transaction. The pull cursor restarts when the agency changes. A
    server too old to send a lookup address (or sending one that is not http(s)) leaves the
    station's own, which the administrator is then warned about if it is a placeholder.

    The token goes to the station's secret store, never into the database (issue 17), and
    the demo accounts (their password is public) are locked in the same transaction: a real
    office never opens with ``demo1234``.
    """
    former = declared_prefixes(ctx)  # an offline set-up's codes stay this station's
    ids = declared_station_ids(ctx)  # ... and its events, which carry its own station id
    answer = (
        transport.enrol(code, former_prefixes=former, former_station_ids=ids)
        if former
        else transport.enrol(code)
    )
    agency_id = validate_agency_id(answer.agency_id)
    prefix = validate_station_prefix(answer.station_prefix)
    store = ctx.store
    old = ctx.office()
    lookup = clean_lookup_url(answer.lookup_url)
    office = replace(
        old,
        agency_id=agency_id,
        station_id=answer.station_id,
        station_prefix=prefix,
        parent_body=answer.parent_body or old.parent_body,
        unit_name=answer.unit_name or old.unit_name,
        place_name=answer.place_name or old.place_name,
        lookup_url=lookup or old.lookup_url,
        is_demo=False,
    )
    now = ctx.clock.now()
    set_station_token(store.data_dir, answer.token)
    if answer.office_secret and normalise_secret(answer.office_secret):
        set_office_secret(store.data_dir, answer.office_secret)  # office LAN sync (issue 15)
    with store.db.atomic():
        store.config.set("office", asdict(office))
        store.config.set(
            SYNC_KEY,
            {
                "url": url.strip().rstrip("/"),
                "enrolled_at": now.isoformat(),
                PROVINCE_LOOKUP_KEY: lookup or "",
            },
        )
        after_enrolment(
            ctx,
            old_prefix=old.station_prefix,
            new_prefix=prefix,
            marks=answer.high_water,
            event_seq=answer.event_seq,
        )
        remember_province_key(ctx, answer.bundle_key)  # USB bundles (sync/usb_bundle.py)
        for username, _name, _role in DEMO_OFFICERS:
            store.officers.set_active(username, False)
        if old.agency_id != agency_id:
            store.sync.set_cursor(0)
        store.audit.record(
            at=now,
            officer="system",
            action="enrolled",
            dossier_uuid=None,
            detail={"url": url, "agency_id": agency_id, "station_prefix": prefix},
        )
    return office


def remember_province_key(ctx: StationContext, text: str) -> None:
    """Keep the province's USB bundle key (``sync.usb_bundle``), in the caller's transaction."""
    from counter_app.sync.usb_bundle import remember_province_key as remember

    remember(ctx, text)


def _to_wire(event: Event) -> EventWire:
    return EventWire(
        uuid=event.uuid,
        dossier_uuid=event.dossier_uuid,
        kind=event.kind,
        station_id=event.station_id,
        seq=event.seq,
        officer=event.officer,
        at=event.at.isoformat(),
        payload=event.payload,
    )


def _from_wire(wire: EventWire) -> Event:
    return Event(
        uuid=wire.uuid,
        dossier_uuid=wire.dossier_uuid,
        kind=wire.kind,
        station_id=wire.station_id,
        seq=wire.seq,
        officer=wire.officer,
        at=datetime.fromisoformat(wire.at),
        payload=wire.payload,
    )


def _server_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _fitting_batch(ctx: StationContext, wires: list[EventWire], limit: int) -> PushRequest | None:
    """The longest prefix of ``wires`` whose JSON fits ``limit`` (None: not even one).

    Each event is encoded once: the batch's size is the envelope's plus the events' and the
    commas between them (compact JSON), checked once on the batch as built."""
    station_id = ctx.office().station_id
    batch_id = ctx.new_id()
    queued = ctx.store.sync.waiting()
    chain = _chain_claim(ctx)
    empty = PushRequest(batch_id, station_id, (), waiting=queued, chain=chain)
    room = limit - _utf8_len(dumps(empty.to_json()))
    count = 0
    for wire in wires:
        room -= _utf8_len(dumps(wire.to_json())) + (1 if count else 0)
        if room < 0:
            break
        count += 1
    while count:
        request = PushRequest(
            batch_id, station_id, tuple(wires[:count]), waiting=max(queued - count, 0), chain=chain
        )
        if _utf8_len(dumps(request.to_json())) <= limit:
            return request
        count -= 1  # never in practice: the sum above is exact
    return None


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _chain_claim(ctx: StationContext) -> ChainClaim | None:
    """The history chain's head and anchors for a push (storage/chain.py)."""
    found = ctx.store.chain.push_claim()
    if found is None:
        return None
    head, anchors = found
    return ChainClaim(
        ChainLink(head.pos, head.hash), tuple(ChainLink(a.pos, a.hash) for a in anchors)
    )


def _note_chain_sent(ctx: StationContext, request: PushRequest, *, acknowledged: bool) -> None:
    if request.chain is not None:
        with ctx.store.db.atomic():
            ctx.store.chain.note_sent(request.chain.head.pos, acknowledged=acknowledged)


def _record_results(
    ctx: StationContext, request: PushRequest, response: PushResponse, tally: _Tally
) -> int:
    """Apply a push answer in one transaction; return how many events left the queue."""
    sent = {e.uuid for e in request.events}
    if response.batch_id != request.batch_id or any(r.uuid not in sent for r in response.results):
        raise DomainError(ErrorCode.SYNC_SERVER_ERROR, detail="results_mismatch")
    acked = [r.uuid for r in response.results if r.status is not PushStatus.REJECTED]
    refused = [r for r in response.results if r.status is PushStatus.REJECTED]
    answered = set(acked) | {r.uuid for r in refused}
    now = ctx.clock.now()
    store = ctx.store
    with store.db.atomic():
        moved = store.sync.mark_acked(acked)
        for result in refused:
            store.sync.mark_rejected(
                result.uuid, result.reason or "rejected", at=now, batch_id=request.batch_id
            )
        store.sync.mark_failed([u for u in sent if u not in answered], "no_result")
    tally.pushed += sum(r.status is PushStatus.ACCEPTED for r in response.results)
    tally.duplicates += sum(r.status is PushStatus.DUPLICATE for r in response.results)
    tally.rejected += len(refused)
    tally.server_time = _server_time(response.server_time)
    return moved + len(refused)


def push_outbox(
    ctx: StationContext,
    transport: SyncTransport,
    *,
    batch_bytes: int = MAX_BATCH_BYTES,
    tally: _Tally | None = None,
) -> _Tally:
    """Send the whole outbox, oldest first, in batches of at most ``batch_bytes`` of JSON.

    Batches go one at a time, each answered and recorded before the next is sent. With a
    transport that may push from a worker thread (``concurrent_push``, the HTTP client), the
    next batch is read, checked and encoded while the server stores the current one: the
    station's work and the server's overlap instead of waiting for each other.
    """
    tally = tally if tally is not None else _Tally()
    limit = min(batch_bytes, MAX_BATCH_BYTES)
    if not getattr(transport, "concurrent_push", False):
        while (request := _next_batch(ctx, limit, tally)) is not None:
            _note_chain_sent(ctx, request, acknowledged=False)
            response = _pushed(ctx, request, partial(transport.push, request))
            if not _answered(ctx, request, response, tally):
                break
        return tally
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-push") as pool:
        request = _next_batch(ctx, limit, tally)
        while request is not None:
            _note_chain_sent(ctx, request, acknowledged=False)
            future = pool.submit(transport.push, request)
            in_flight = frozenset(e.uuid for e in request.events)
            try:
                upcoming = _next_batch(ctx, limit, tally, skip=in_flight)
            finally:
                response = _pushed(ctx, request, future.result)
            if not _answered(ctx, request, response, tally):
                break
            # built before this answer: the queue count and the chain claim as they are now
            request = None if upcoming is None else _refreshed(ctx, upcoming)
    return tally


def _next_batch(
    ctx: StationContext, limit: int, tally: _Tally, *, skip: frozenset[str] = frozenset()
) -> PushRequest | None:
    """The next batch to send (None: nothing waiting but ``skip``); invalid events met on the
    way and one event too large for any batch are set aside, visibly."""
    store = ctx.store
    while True:
        events = store.sync.pending(limit - ENVELOPE_BYTES, skip=skip)
        if not events:
            return None
        wires = [_to_wire(e) for e in events]
        if _set_aside_invalid(ctx, wires, tally):
            continue
        request = _fitting_batch(ctx, wires, limit)
        if request is not None:
            return request
        with store.db.atomic():  # one event bigger than any batch
            store.sync.mark_rejected(
                events[0].uuid, RejectReason.EVENT_TOO_LARGE, at=ctx.clock.now()
            )
        tally.rejected += 1


def _pushed(
    ctx: StationContext, request: PushRequest, send: Callable[[], PushResponse]
) -> PushResponse:
    """The server's answer to ``request``; a failed send marks its events and raises."""
    try:
        return send()
    except DomainError as error:
        with ctx.store.db.atomic():
            ctx.store.sync.mark_failed([e.uuid for e in request.events], error.code.value)
        raise


def _answered(
    ctx: StationContext, request: PushRequest, response: PushResponse, tally: _Tally
) -> bool:
    """Record an answer; False when it moved nothing (stop, retry later)."""
    _note_chain_sent(ctx, request, acknowledged=True)
    return _record_results(ctx, request, response, tally) != 0


def _refreshed(ctx: StationContext, request: PushRequest) -> PushRequest:
    waiting = max(ctx.store.sync.waiting() - len(request.events), 0)
    return replace(request, waiting=waiting, chain=_chain_claim(ctx))


def _set_aside_invalid(ctx: StationContext, events: list[EventWire], tally: _Tally) -> bool:
    """Move the queued events the server would refuse to the refused list (one transaction);
    True when there were some."""
    refused = [(e, problem) for e in events if (problem := event_problem(e))]
    if not refused:
        return False
    now = ctx.clock.now()
    with ctx.store.db.atomic():
        for event, problem in refused:
            ctx.store.sync.mark_rejected(event.uuid, problem.reason(), at=now)
    log.warning("%d queued events set aside before sending: invalid", len(refused))
    tally.rejected += len(refused)
    return True


def pull_remote(
    ctx: StationContext,
    transport: SyncTransport,
    *,
    limit: int = DEFAULT_PULL_LIMIT,
    tally: _Tally | None = None,
) -> _Tally:
    """Fetch and apply every page after the stored cursor (one transaction per page)."""
    tally = tally if tally is not None else _Tally()
    store = ctx.store
    fetch_marks_if_waiting(ctx, transport)  # after a loss: every mark before minting again
    cursor = store.sync.cursor()
    while True:
        page = transport.pull(cursor, limit=limit)
        tally.server_time = _server_time(page.server_time)
        events = [_from_wire(w) for w in page.events]
        with store.db.atomic():
            touched = apply_remote_events(ctx, events, tally)
            store.sync.settle_relays(e.uuid for e in events)  # the province holds them
            new_cursor = max(cursor, page.cursor)
            store.sync.set_cursor(new_cursor)
            apply_pulled_marks(ctx, page.high_water)  # never mint at or below them
        tally.pulled += sum(touched.values())
        if not page.has_more or new_cursor == cursor:
            return tally
        cursor = new_cursor


def apply_remote_events(
    ctx: StationContext,
    events: list[Event],
    tally: _Tally,
    *,
    inserted: list[str] | None = None,
) -> dict[str, int]:
    """Store events of others (the province's pull, a peer's page: ``sync/lan``) and
    re-project every dossier that got new ones, in the caller's transaction; returns the
    dossiers touched with how many events each got (``inserted``: the uuids stored now).

    One path for every source: events already held are skipped, the station's clock moves
    past what it has now seen, each touched dossier is rebuilt by the shared projection (its
    conflicts listed), and a restored station moves past its own events it meets again."""
    touched = ctx.store.sync.insert_remote_events(events, inserted=inserted)
    ctx.observe(events)  # the station's clock moves past what it has now seen
    for dossier_uuid in sorted(touched):
        tally.conflicts += not reproject(ctx, dossier_uuid)
    raise_past_own_events(ctx, events)  # a restored station: past its own events
    return touched


@dataclass(frozen=True, slots=True)
class _Reference:
    """A reference answer converted to domain objects (nothing written yet)."""

    procedures: list[Procedure]
    years: list[YearCalendar]
    officers: list[tuple[Officer, str]]


def _converted(answer: ReferenceResponse) -> _Reference:
    """Every part of the answer as domain objects, or SYNC_SERVER_ERROR (nothing applied)."""
    try:
        procedures = [procedure_from_record(r) for r in answer.procedures]
        years = [
            YearCalendar(
                year=y.year,
                days_off=frozenset(date.fromisoformat(d) for d in y.days_off),
                extra_working_days=frozenset(date.fromisoformat(d) for d in y.extra_working_days),
                confirmed=y.confirmed,
                source=PROVINCE_SOURCE,
                days=tuple(
                    CalendarDay(
                        date.fromisoformat(n.date),
                        DayKind(n.kind),
                        name=n.name,
                        source=n.source or PROVINCE_SOURCE,
                        announced=n.announced,
                    )
                    for n in y.days
                ),
            )
            for y in answer.calendar_years
        ]
        officers = [
            (Officer(o.username, o.full_name, Role(o.role), o.active), o.password_hash)
            for o in answer.officers
        ]
    except (DomainError, KeyError, TypeError, ValueError) as error:
        log.warning("reference data refused: %s", error)
        raise DomainError(ErrorCode.SYNC_SERVER_ERROR, detail="reference_invalid") from None
    return _Reference(procedures, years, officers)


def pull_reference(
    ctx: StationContext, transport: SyncTransport, *, tally: _Tally | None = None
) -> _Tally:
    """Fetch the reference data changed since the stored version and apply it all in one
    transaction with the new version (a transport without reference data: nothing to do)."""
    tally = tally if tally is not None else _Tally()
    if not isinstance(transport, ReferenceSource):
        return tally
    store = ctx.store
    since = store.sync.reference_version()
    answer = transport.reference(since)
    tally.server_time = _server_time(answer.server_time)
    lookup = _new_lookup_url(ctx, answer.lookup_url)
    if answer.version <= since and answer.empty and lookup is None:
        if answer.bundle_key:  # a station enrolled before USB bundles gets the key too
            with store.db.atomic():
                remember_province_key(ctx, answer.bundle_key)
        return tally
    data = _converted(answer)
    now = ctx.clock.now()
    with store.db.atomic():
        if lookup is not None:
            _store_lookup_url(ctx, lookup)
        if data.procedures:
            store.reference.replace_procedures(data.procedures)
        for year in data.years:
            store.reference.save_calendar_year(year, at=now)
        office = answer.office
        if office is not None and office.agency_id == ctx.office().agency_id:
            current = ctx.office()
            store.config.set(
                "office",
                asdict(
                    replace(
                        current,
                        parent_body=office.parent_body or current.parent_body,
                        unit_name=office.unit_name or current.unit_name,
                        place_name=office.place_name or current.place_name,
                    )
                ),
            )
        store.sync.upsert_officers(data.officers, at=now)
        remember_province_key(ctx, answer.bundle_key)  # USB bundles (sync/usb_bundle.py)
        store.sync.set_reference_version(max(since, answer.version))
    if data.years:
        ctx.forget_calendar()
    tally.reference += len(data.procedures) + len(data.years) + len(data.officers)
    tally.reference += (office is not None) + (lookup is not None)
    return tally


def _new_lookup_url(ctx: StationContext, sent: str) -> str | None:
    """The province's lookup address when it changed since the last one it sent, else None.

    Compared with the last address *received* (kept in the enrolment), not with the office's
    current one: an administrator's own address stays until the province changes its own.
    """
    lookup = clean_lookup_url(sent)
    settings = ctx.store.config.get(SYNC_KEY)
    last = settings.get(PROVINCE_LOOKUP_KEY) if isinstance(settings, dict) else None
    return lookup if lookup is not None and lookup != last else None


def _store_lookup_url(ctx: StationContext, lookup: str) -> None:
    """Put the province's new lookup address in the office and the enrolment (in the caller's
    transaction)."""
    store = ctx.store
    store.config.set("office", asdict(replace(ctx.office(), lookup_url=lookup)))
    settings = dict(store.config.get(SYNC_KEY) or {})
    store.config.set(SYNC_KEY, {**settings, PROVINCE_LOOKUP_KEY: lookup})
    log.info("lookup address of the slips' QR set by the province server")


def reproject(ctx: StationContext, dossier_uuid: str) -> bool:
    """Rebuild one dossier row from all its events (``SyncRepository.reproject``, in the
    caller's transaction); True when it has no conflict."""
    conflicts = ctx.store.sync.reproject(dossier_uuid, at=ctx.clock.now())
    if conflicts:
        log.warning("dossier %s: %d events in conflict", dossier_uuid, len(conflicts))
    return not conflicts


def run_sync(
    ctx: StationContext,
    transport: SyncTransport,
    *,
    batch_bytes: int = MAX_BATCH_BYTES,
    pull_limit: int = DEFAULT_PULL_LIMIT,
) -> SyncReport:
    """One sync attempt: push the outbox, pull events, then pull reference data; always
    logged. Never raises a sync error: failures are in ``SyncReport.errors`` (push failure
    first). The reference pull is skipped when the server proved unreachable or refused the
    station; its own failure affects nothing else."""
    started = ctx.clock.now()
    tally = _Tally()
    errors: list[DomainError] = []
    unexpected: Exception | None = None
    try:
        try:
            push_outbox(ctx, transport, batch_bytes=batch_bytes, tally=tally)
        except DomainError as error:
            errors.append(error)
        if not (errors and errors[0].code in _FATAL):
            try:
                pull_remote(ctx, transport, limit=pull_limit, tally=tally)
            except DomainError as error:
                errors.append(error)
            if not (errors and errors[-1].code in _SKIP_REFERENCE):
                try:
                    pull_reference(ctx, transport, tally=tally)
                except DomainError as error:
                    errors.append(error)
        # Attachments (issue 6): uploaded last, after the events were pushed and pulled, so
        # they never delay nor block event sync; their failures stay out of ``errors``.
        if not any(e.code in _SKIP_REFERENCE for e in errors):
            tally.attachments = sync_attachments(ctx, transport)
    except Exception as exc:  # logged below, then raised again
        unexpected = exc
    report = _finish(ctx, started, tally, errors, unexpected)
    if unexpected is not None:
        raise unexpected
    return report


def _finish(
    ctx: StationContext,
    started: datetime,
    tally: _Tally,
    errors: list[DomainError],
    unexpected: Exception | None,
) -> SyncReport:
    """Write the sync_log row of an attempt and build its report."""
    finished = ctx.clock.now()
    store = ctx.store
    waiting = store.sync.waiting()
    messages = [str(e) for e in errors]
    if unexpected is not None:
        messages.append(f"unexpected: {type(unexpected).__name__}")
    partial = "partial" if tally.pushed or tally.pulled else "failed"
    status = partial if messages else "ok"
    with store.db.atomic():
        store.sync.log_attempt(
            SyncAttempt(
                started_at=started,
                finished_at=finished,
                status=status,
                pushed=tally.pushed,
                duplicates=tally.duplicates,
                rejected=tally.rejected,
                pulled=tally.pulled,
                waiting=waiting,
                server_time=tally.server_time,
                error="; ".join(messages) or None,
            )
        )
    return SyncReport(
        pushed=tally.pushed,
        duplicates=tally.duplicates,
        rejected=tally.rejected,
        pulled=tally.pulled,
        waiting=waiting,
        server_time=tally.server_time,
        started_at=started,
        finished_at=finished,
        conflicts=tally.conflicts,
        errors=tuple(errors),
        reference_changes=tally.reference,
        attachments=tally.attachments,
    )
