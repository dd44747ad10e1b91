"""Push and pull of dossier events, scoped to the calling station's office.

A dossier belongs to the office that received it (``dossiers.owner_agency``: the agency the
receiving station enrolled for), whatever deciding agency its code carries (Decree 118/2025:
a commune centre receives for any agency of the province). A station writes and reads only
dossiers owned by its office.

Push guarantees: the whole batch is one PostgreSQL transaction, committed before the answer
is built, so "accepted" and "duplicate" both mean "durably stored"; an event is stored at
most once (``ON CONFLICT (uuid) DO NOTHING``); a dossier code is held by one dossier only
(unique index); a station never writes into a dossier owned by another office nor in
the name of a station of another office: it may relay the events of the other enrolled, not
revoked stations of its own office, learned on the office LAN (issue 15), which are judged as
if their maker pushed them (its prefixes for the code, its high-water marks, it is the
dossier's receiving station), and an event stored already is ``duplicate`` whoever sends it;
every event's content passes the validator the counter runs too
(``sync_protocol.events``: the kind's payload schema, texts bounded and clean), else it is
answered ``rejected`` with the reason ``<code>:<field>``, and a dossier keeps its one creating
event (``duplicate_dossier``), so no stored event can break a station's projection. A
creating event holds only a code its station minted: its deciding agency, in the station's
province, then the station's prefix (``foreign_code`` otherwise, ``stations/ownership.py``,
which also keeps the station's highest counter per agency and day in ``code_high_water``).
Pushes of one office are serialised by a transaction-scoped
advisory lock, so within an office the server sequence grows in commit order and a pull
cursor (the last sequence seen) can never step over an event that commits later.
``events.agency_id`` is the owner office of the event's dossier.

The same transaction keeps ``dossier_digitisation`` (Alembic r0006) current: every dossier
whose ``received``, ``corrected`` or ``component_digitised`` event is stored now gets its row
recomputed from all its stored events (``refresh_digitisation``), for the dashboard's rate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg

from province_server.errors import ApiError
from province_server.stations.history import check_chain
from province_server.stations.ownership import (
    Prefixes,
    aliases,
    code_refusal,
    marks_wire,
    owned_prefixes,
    record_high_water,
)
from province_server.stations.service import Station, touch
from province_server.sync.projection import refresh_states
from sync_protocol import (
    CREATING_KINDS,
    DossierResponse,
    ErrorCodes,
    EventWire,
    PushRequest,
    PushResponse,
    PushResult,
    PushStatus,
    RejectReason,
    dumps,
)
from sync_protocol.codes import marks_to_json
from sync_protocol.events import event_problem

_AGENCY_RE = re.compile(r"^[0-9A-Z]+(\.[0-9A-Z]+)*$")
# Events that can change whether a dossier is a digitised paper dossier (r0006).
_DIGITISATION_KINDS = frozenset({"received", "corrected", "component_digitised"})
_EVENT_COLUMNS = (
    "uuid::text, dossier_uuid::text, kind, station_id::text, station_seq, officer, at_text, payload"
)
# One event as the JSON text of an ``EventWire``, built by PostgreSQL: the stored jsonb payload
# is written out as its own text, never decoded into Python objects and encoded again.
_EVENT_JSON = (
    "json_build_object('uuid', uuid, 'dossier_uuid', dossier_uuid, 'kind', kind,"
    " 'station_id', station_id, 'seq', station_seq, 'officer', officer, 'at', at_text,"
    " 'payload', payload)::text"
)


@dataclass(frozen=True, slots=True)
class _Origins:
    """Who made the events of a batch: the pushing station (its own id and an offline
    set-up's former ids) and, for events relayed from the office LAN (issue 15), the other
    stations of the same office, with their prefixes when the batch creates dossiers."""

    own: frozenset[str] = frozenset()
    relayed: dict[str, Station] = field(default_factory=dict)  # event station id -> maker
    prefixes: dict[str, Prefixes] = field(default_factory=dict)  # maker station id -> prefixes

    def maker(self, station: Station, station_id: str) -> Station | None:
        if station_id == station.id or station_id in self.own:
            return station
        return self.relayed.get(station_id)


def _relay_origins(
    conn: psycopg.Connection, station: Station, batch: PushRequest, creates: bool
) -> _Origins:
    """The makers of events another station of the office relays (issue 15): enrolled, not
    revoked stations of the pushing station's own office, by id or by a former id; any
    other station id stays ``wrong_station``."""
    foreign = {e.station_id for e in batch.events if e.station_id != station.id}
    own = aliases(conn, station) if foreign else frozenset()
    others = sorted(foreign - own)
    relayed: dict[str, Station] = {}
    if others:
        rows = conn.execute(
            "SELECT x.sid, s.id::text, s.prefix FROM unnest(%s::text[]) AS x(sid)"
            " JOIN LATERAL (SELECT COALESCE((SELECT a.station_id FROM station_aliases a"
            "  WHERE a.alias::text = x.sid), x.sid::uuid) AS id) m ON true"
            " JOIN stations s ON s.id = m.id"
            " WHERE s.agency_id = %s AND s.revoked_at IS NULL AND s.token_hash IS NOT NULL",
            (others, station.agency_id),
        ).fetchall()
        relayed = {sid: Station(maker, station.agency_id, prefix) for sid, maker, prefix in rows}
    prefixes: dict[str, Prefixes] = {}
    if creates:
        for maker in {station.id: station, **{m.id: m for m in relayed.values()}}.values():
            prefixes[maker.id] = owned_prefixes(conn, maker)
    return _Origins(own, relayed, prefixes)


@dataclass(slots=True)
class _Known:
    owner_agency: str  # the office that received the dossier
    new: bool  # created by this batch (not yet inserted)
    creator: str = ""  # the uuid of its creating event


def now_text() -> str:
    return datetime.now(UTC).isoformat()


def _creating_fields(event: EventWire) -> tuple[str, str | None] | None:
    """(deciding agency, code) of a creating event, or None when its payload lacks them."""
    agency = event.payload.get("agency_id")
    code = event.payload.get("code")
    if not isinstance(agency, str) or len(agency) > 35 or not _AGENCY_RE.match(agency):
        return None
    if code is not None and (not isinstance(code, str) or not 1 <= len(code) <= 64):
        return None
    return agency, code


def _creates(batch: PushRequest) -> bool:
    return any(e.kind in CREATING_KINDS for e in batch.events)


def _verdicts(
    station: Station,
    batch: PushRequest,
    known: dict[str, _Known],
    origins: _Origins,
) -> tuple[list[str | None], dict[str, tuple[str, str | None]], dict[str, Station]]:
    """A reject reason (or None) per event, the dossiers this batch creates and the station
    that made each of them (the pusher, or the office's station whose event it relays)."""
    reasons: list[str | None] = []
    creating: dict[str, tuple[str, str | None]] = {}
    makers: dict[str, Station] = {}
    for event in batch.events:
        reason: str | None = None
        dossier = known.get(event.dossier_uuid)
        maker = origins.maker(station, event.station_id)
        if maker is None:
            reason = RejectReason.WRONG_STATION  # neither the pusher nor its office's station
        elif (problem := event_problem(event)) is not None:
            reason = problem.reason()  # its content (sync_protocol.events): never stored
        elif event.kind in CREATING_KINDS:
            fields = _creating_fields(event)
            if fields is None:
                reason = RejectReason.INVALID_EVENT
            elif dossier is not None and dossier.owner_agency != station.agency_id:
                reason = RejectReason.FORBIDDEN_AGENCY
            elif (
                refusal := code_refusal(maker, event.kind, *fields, origins.prefixes.get(maker.id))
            ) is not None:
                reason = refusal  # a code its station did not mint (stations/ownership.py)
            elif dossier is not None and dossier.creator != event.uuid:
                reason = RejectReason.DUPLICATE_DOSSIER  # a dossier has one creating event
            elif dossier is None:  # a new dossier: owned by the receiving station's office
                known[event.dossier_uuid] = _Known(station.agency_id, new=True, creator=event.uuid)
                creating[event.dossier_uuid] = fields
                makers[event.dossier_uuid] = maker
        elif dossier is None:
            reason = RejectReason.UNKNOWN_DOSSIER
        elif dossier.owner_agency != station.agency_id:
            reason = RejectReason.FORBIDDEN_AGENCY
        reasons.append(reason)
    return reasons, creating, makers


def _load_known(conn: psycopg.Connection, dossier_uuids: list[str]) -> dict[str, _Known]:
    rows = conn.execute(
        "SELECT d.uuid::text, d.owner_agency, (SELECT e.uuid::text FROM events e"
        " WHERE e.dossier_uuid = d.uuid AND e.kind = ANY(%s) ORDER BY e.seq LIMIT 1)"
        " FROM dossiers d WHERE d.uuid = ANY(%s::uuid[])",
        (sorted(CREATING_KINDS), dossier_uuids),
    ).fetchall()
    return {uuid: _Known(owner, new=False, creator=creator or "") for uuid, owner, creator in rows}


def _insert_dossiers(
    conn: psycopg.Connection,
    station: Station,
    creating: dict[str, tuple[str, str | None]],
    makers: dict[str, Station],
) -> set[str]:
    """Insert the new dossiers (each with the station that received it); return those
    refused because their code is taken."""
    if not creating:
        return set()
    uuids = list(creating)
    inserted = {
        row[0]
        for row in conn.execute(
            "INSERT INTO dossiers (uuid, agency_id, code, station_id, owner_agency) "
            "SELECT u, a, c, s, %s FROM unnest(%s::uuid[], %s::text[], %s::text[],"
            " %s::uuid[]) WITH ORDINALITY AS t(u, a, c, s, n) ORDER BY n "
            "ON CONFLICT DO NOTHING RETURNING uuid::text",
            (
                station.agency_id,
                uuids,
                [creating[u][0] for u in uuids],
                [creating[u][1] for u in uuids],
                [makers.get(u, station).id for u in uuids],
            ),
        ).fetchall()
    }
    missing = [u for u in uuids if u not in inserted]
    if not missing:
        return set()
    # Not inserted: either the uuid exists now (same dossier, fine) or the code is taken.
    present = {
        row[0]
        for row in conn.execute(
            "SELECT uuid::text FROM dossiers WHERE uuid = ANY(%s::uuid[]) AND owner_agency = %s",
            (missing, station.agency_id),
        ).fetchall()
    }
    return {u for u in missing if u not in present}


def _insert_events(
    conn: psycopg.Connection, station: Station, batch_id: str, events: list[EventWire]
) -> set[str]:
    """Insert events (skipping stored ones) in request order; return the uuids stored now.

    The events travel as one JSON array parameter (PostgreSQL unpacks it), which costs far
    less than one text array per column with a payload each.
    """
    if not events:
        return set()
    rows = conn.execute(
        "INSERT INTO events (uuid, dossier_uuid, agency_id, kind, station_id, station_seq,"
        " officer, at, at_text, payload, batch_id) "
        "SELECT (e->>'uuid')::uuid, (e->>'dossier_uuid')::uuid, %s, e->>'kind',"
        " (e->>'station_id')::uuid, (e->>'seq')::bigint, e->>'officer',"
        " (e->>'at')::timestamptz, e->>'at', e->'payload', %s"
        " FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n "
        "ON CONFLICT (uuid) DO NOTHING RETURNING uuid::text",
        (station.agency_id, batch_id, dumps([e.to_json() for e in events])),
    ).fetchall()
    return {row[0] for row in rows}


def _refresh_digitisation(
    conn: psycopg.Connection, events: list[EventWire], stored: set[str]
) -> None:
    """Recompute the digitisation row of the dossiers whose relevant events were stored now."""
    dossiers = sorted(
        {e.dossier_uuid for e in events if e.uuid in stored and e.kind in _DIGITISATION_KINDS}
    )
    if dossiers:
        conn.execute("SELECT refresh_digitisation(%s::uuid[])", (dossiers,))


def push(conn: psycopg.Connection, station: Station, batch: PushRequest) -> PushResponse:
    """Store a batch of the station's events; one verdict per event, in request order."""
    if batch.station_id != station.id:
        raise ApiError(403, ErrorCodes.WRONG_STATION, "batch sent in another station's name")
    with conn.transaction():
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            ("agency:" + station.agency_id,),
        )
        known = _load_known(conn, sorted({e.dossier_uuid for e in batch.events}))
        origins = _relay_origins(conn, station, batch, _creates(batch))
        reasons, creating, makers = _verdicts(station, batch, known, origins)
        taken = _insert_dossiers(conn, station, creating, makers)
        for maker in {m.id: m for m in makers.values()}.values():
            fresh = [f for u, f in creating.items() if u not in taken and makers[u].id == maker.id]
            record_high_water(conn, maker, fresh, origins.prefixes.get(maker.id))
        for index, event in enumerate(batch.events):
            if reasons[index] is None and event.dossier_uuid in taken:
                creates = event.kind in CREATING_KINDS
                reasons[index] = (
                    RejectReason.DUPLICATE_CODE if creates else RejectReason.UNKNOWN_DOSSIER
                )
        to_store = [e for e, r in zip(batch.events, reasons, strict=True) if r is None]
        stored = _insert_events(conn, station, batch.batch_id, to_store)
        _refresh_digitisation(conn, to_store, stored)
        refresh_states(  # the shared projection's state of each dossier (sync/projection.py)
            conn, [e for e in to_store if e.uuid in stored], created=set(creating) - taken
        )
        touch(conn, station)
        check_chain(conn, station.id, batch.chain)  # a rewritten history is flagged, not refused
        conn.execute(
            "UPDATE stations SET waiting = %s, waiting_at = now() WHERE id = %s",
            (batch.waiting, station.id),
        )
    results = []
    for event, reason in zip(batch.events, reasons, strict=True):
        if reason is not None:
            results.append(PushResult(event.uuid, PushStatus.REJECTED, str(reason)))
        elif event.uuid in stored:
            results.append(PushResult(event.uuid, PushStatus.ACCEPTED))
        else:
            results.append(PushResult(event.uuid, PushStatus.DUPLICATE))
    return PushResponse(batch_id=batch.batch_id, results=tuple(results), server_time=now_text())


def _event(row: tuple[Any, ...]) -> EventWire:
    uuid, dossier_uuid, kind, station_id, seq, officer, at, payload = row
    return EventWire(uuid, dossier_uuid, kind, station_id, int(seq), officer, at, payload)


def pull_page(conn: psycopg.Connection, station: Station, *, cursor: int, limit: int) -> bytes:
    """The JSON of a ``PullResponse``: events of dossiers owned by the station's office with
    server sequence > ``cursor``, oldest first, at most ``limit``.

    Served without decoding: each event's JSON text comes from PostgreSQL (``_EVENT_JSON``)
    and the page is joined around them, so the cost per event is one text copy. The plan
    stays on ``events_agency_seq`` (agency, seq) with or without table statistics.
    """
    touch(conn, station)
    rows = conn.execute(
        f"SELECT seq, {_EVENT_JSON} FROM events WHERE agency_id = %s AND seq > %s "
        "ORDER BY agency_id, seq LIMIT %s",
        (station.agency_id, cursor, limit + 1),
    ).fetchall()
    page = rows[:limit]
    head = dumps(
        {
            "cursor": int(page[-1][0]) if page else cursor,
            "has_more": len(rows) > limit,
            "server_time": now_text(),
            "reference": None,
            # The station's high-water marks of recent days (issue 12, stations/ownership.py).
            "high_water": marks_to_json(marks_wire(conn, station.id, recent=True)),
        }
    )
    events = ",".join(row[1] for row in page)
    return f'{head[:-1]},"events":[{events}]}}'.encode()


def dossier(conn: psycopg.Connection, station: Station, code: str) -> DossierResponse:
    """A dossier owned by the station's office, by code; 404 when there is none.

    Another office's dossier gets the same 404 as an unknown code (same query, same answer),
    so the answer never tells a station whether another office holds a code.
    """
    row = conn.execute(
        "SELECT uuid::text, code, agency_id, station_id::text, owner_agency FROM dossiers "
        "WHERE code = %s AND owner_agency = %s",
        (code.strip().upper(), station.agency_id),
    ).fetchone()
    if row is None:
        raise ApiError(404, ErrorCodes.NOT_FOUND, "no dossier of this office with this code")
    events = conn.execute(
        f"SELECT {_EVENT_COLUMNS} FROM events WHERE dossier_uuid = %s ORDER BY seq", (row[0],)
    ).fetchall()
    return DossierResponse(
        uuid=row[0],
        code=row[1],
        agency_id=row[2],
        station_id=row[3],
        events=tuple(_event(r) for r in events),
        owner_agency=row[4],
    )
