"""The province's projected state of each dossier, by the projection the counters run
(``sync_protocol.projection``; table ``dossier_states``, Alembic r0011).

Guarantees:

- inside every push, each dossier that got a new event has its row recomputed from all its
  stored events by :func:`sync_protocol.projection.project_state` (the counters' order,
  status machine, conflicts and settlements), so the dashboard counts what the counters
  show; pushes of one office are serialised (the push's advisory lock) and a dossier belongs
  to one office, so two pushes never write one row at once;
- a dossier created in the batch is projected from the batch's own events (nothing else
  can be stored for it yet); the others from a read of their stored events;
- :func:`dossier_outcome` projects one dossier from its stored events (the lookup page);
- each row also holds the days the leaders' dashboard counts Biểu 06 on
  (``sync_protocol.statistics.report_days``, Alembic r0019), computed by the code the
  counters' report classifies with, and the drill-down's code, procedure and applicant.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

import psycopg

from sync_protocol import EventWire, dumps
from sync_protocol.projection import DossierState, Outcome, project_state
from sync_protocol.statistics import report_days

_COLUMNS = (
    "uuid::text, dossier_uuid::text, kind, station_id::text, station_seq, officer, at_text, payload"
)
_UPSERT = """
INSERT INTO dossier_states (dossier_uuid, owner_agency, status, due_at, paused,
                            open_conflicts, settled, conflicts, projected_at,
                            received_day, finished_day, stats_due_day, channel, closed_as,
                            rating, received_at, finished_at, code, procedure_code,
                            procedure_name, applicant_name)
SELECT (s->>'uuid')::uuid, d.owner_agency, s->>'status', (s->>'due_at')::timestamptz,
       (s->>'paused')::boolean, (s->>'open')::int, (s->>'settled')::int, s->'conflicts', now(),
       (s->>'received_day')::date, (s->>'finished_day')::date, (s->>'stats_due_day')::date,
       (s->>'channel')::smallint, s->>'closed_as', s->>'rating',
       (s->>'received_at')::timestamptz, (s->>'finished_at')::timestamptz, s->>'code',
       s->>'procedure_code', s->>'procedure_name', s->>'applicant_name'
FROM jsonb_array_elements(%s::jsonb) AS t(s) JOIN dossiers d ON d.uuid = (s->>'uuid')::uuid
ON CONFLICT (dossier_uuid) DO UPDATE SET
    status = EXCLUDED.status, due_at = EXCLUDED.due_at, paused = EXCLUDED.paused,
    open_conflicts = EXCLUDED.open_conflicts, settled = EXCLUDED.settled,
    conflicts = EXCLUDED.conflicts, projected_at = EXCLUDED.projected_at,
    received_day = EXCLUDED.received_day, finished_day = EXCLUDED.finished_day,
    stats_due_day = EXCLUDED.stats_due_day, channel = EXCLUDED.channel,
    closed_as = EXCLUDED.closed_as, rating = EXCLUDED.rating,
    received_at = EXCLUDED.received_at, finished_at = EXCLUDED.finished_at,
    code = EXCLUDED.code, procedure_code = EXCLUDED.procedure_code,
    procedure_name = EXCLUDED.procedure_name, applicant_name = EXCLUDED.applicant_name
"""
# The statement of Alembic r0011, which created the table without the report's columns
# (r0019 added them and recomputes every row with _UPSERT).
UPSERT_R0011 = """
INSERT INTO dossier_states (dossier_uuid, owner_agency, status, due_at, paused,
                            open_conflicts, settled, conflicts, projected_at)
SELECT (s->>'uuid')::uuid, d.owner_agency, s->>'status', (s->>'due_at')::timestamptz,
       (s->>'paused')::boolean, (s->>'open')::int, (s->>'settled')::int, s->'conflicts', now()
FROM jsonb_array_elements(%s::jsonb) AS t(s) JOIN dossiers d ON d.uuid = (s->>'uuid')::uuid
ON CONFLICT (dossier_uuid) DO NOTHING
"""


def _event(row: Sequence[Any]) -> EventWire:
    uuid, dossier_uuid, kind, station_id, seq, officer, at, payload = row
    return EventWire(uuid, dossier_uuid, kind, station_id, int(seq), officer, at, payload)


def stored_events(conn: psycopg.Connection, dossier_uuids: Sequence[str]) -> list[EventWire]:
    """Every stored event of ``dossier_uuids``."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM events WHERE dossier_uuid = ANY(%s::uuid[])",
        (list(dossier_uuids),),
    ).fetchall()
    return [_event(row) for row in rows]


def dossier_outcome(conn: psycopg.Connection, dossier_uuid: str) -> Outcome[DossierState]:
    """The shared projection of one dossier's stored events."""
    return project_state(stored_events(conn, [dossier_uuid]))


def _iso_day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _row(dossier_uuid: str, outcome: Outcome[DossierState]) -> dict[str, Any]:
    state = outcome.state
    row: dict[str, Any] = {
        "uuid": dossier_uuid,
        "status": outcome.status,
        "due_at": state.due_at if state is not None else None,
        "paused": bool(state is not None and state.paused),
        "open": len(outcome.conflicts),
        "settled": len(outcome.settled),
        "conflicts": [asdict(c) for c in outcome.conflicts],
        "channel": 1,
        "closed_as": "",
        "procedure_code": "",
        "procedure_name": "",
        "applicant_name": "",
    }
    if state is None:
        return row
    days = report_days(
        status=outcome.status,
        received_at=state.received_at,
        finished_at=state.finished_at,
        due_at=state.due_at,
        original_due_at=state.original_due_at,
        apology_issued=state.apology_issued,
        channel=state.channel,
        outcome=state.outcome,
    )
    row.update(
        received_day=_iso_day(days.received),
        finished_day=_iso_day(days.finished),
        stats_due_day=_iso_day(days.stats_due),
        channel=state.channel,
        closed_as=days.closed_as,
        rating=state.rating,
        received_at=state.received_at,
        finished_at=state.finished_at,
        code=state.code,
        procedure_code=state.procedure_code,
        procedure_name=state.procedure_name,
        applicant_name=state.applicant_name,
    )
    return row


def refresh_states(
    conn: psycopg.Connection, stored: Iterable[EventWire], *, created: set[str]
) -> None:
    """Recompute the ``dossier_states`` row of every dossier of ``stored`` (the events this
    push stored); ``created``: the dossiers this push created (their events are all in
    ``stored``)."""
    stored = list(stored)
    by_dossier: dict[str, list[EventWire]] = {}
    for event in stored:
        by_dossier.setdefault(event.dossier_uuid, []).append(event)
    if not by_dossier:
        return
    older = sorted(u for u in by_dossier if u not in created)
    if older:
        for u in older:
            by_dossier[u] = []
        for event in stored_events(conn, older):
            by_dossier[event.dossier_uuid].append(event)
    # Every event here passed the shared validator: the new ones in this push, the stored
    # ones in the push that stored them (the server stores nothing it refuses), so none is
    # validated again (that was a third of the push's cost).
    checked = {e.uuid for events in by_dossier.values() for e in events}
    rows = [
        _row(u, project_state(events, checked=checked)) for u, events in sorted(by_dossier.items())
    ]
    conn.execute(_UPSERT, (dumps(rows),))


def refresh_all(conn: psycopg.Connection, *, batch: int = 500, upsert: str = _UPSERT) -> int:
    """Recompute the row of every dossier (the migrations that create the table or add
    columns to it; ``upsert``: the statement of that revision), ``batch`` dossiers per read;
    how many dossiers."""
    uuids = [row[0] for row in conn.execute("SELECT uuid::text FROM dossiers ORDER BY uuid")]
    for start in range(0, len(uuids), batch):
        part = uuids[start : start + batch]
        by_dossier: dict[str, list[EventWire]] = {u: [] for u in part}
        for event in stored_events(conn, part):
            by_dossier[event.dossier_uuid].append(event)
        rows = [_row(u, project_state(events)) for u, events in by_dossier.items()]
        conn.execute(upsert, (dumps(rows),))
    return len(uuids)
