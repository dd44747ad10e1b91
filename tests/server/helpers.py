"""Helpers of the sync tests: receiving dossiers, recording events, reading both sides."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import psycopg

from counter_app.domain.dossier import Dossier, apply_event
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.station import StationContext
from tests.conftest import make_applicant

EventTuple = tuple[str, str, str, str, int, str, str, Any]


def receive(ctx: StationContext, count: int = 1, **over: Any) -> list[Dossier]:
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    request = replace(request, **over)
    return [receive_dossier(ctx, request, officer="canbo")[0] for _ in range(count)]


def record_event(
    ctx: StationContext, dossier_uuid: str, kind: str, payload: dict[str, Any] | None = None
) -> Dossier:
    """Write one event through domain + storage, as a service would (with its outbox row)."""
    store = ctx.store
    with store.db.atomic():
        dossier = store.dossiers.by_uuid(dossier_uuid)
        assert dossier is not None
        event = ctx.new_event(
            dossier_uuid=dossier_uuid,
            kind=kind,
            officer="canbo",
            at=ctx.clock.now(),
            payload=payload or {},
        )
        new = apply_event(dossier, event)
        store.dossiers.append(new, event, queued_at=ctx.clock.now())
    return new


def local_events(ctx: StationContext) -> dict[str, EventTuple]:
    rows = ctx.store.db.conn.execute(
        "SELECT uuid, dossier_uuid, kind, station_id, seq, officer, at, payload FROM events"
    ).fetchall()
    sent = ctx.store.dossiers.checklists.with_texts  # as sent: the catalogue texts written back
    return {r[0]: (*r[:7], sent(json.loads(r[7]))) for r in rows}


def server_events(pg: psycopg.Connection, station_id: str | None = None) -> dict[str, EventTuple]:
    where, params = ("WHERE station_id = %s", (station_id,)) if station_id else ("", ())
    rows = pg.execute(
        "SELECT uuid::text, dossier_uuid::text, kind, station_id::text, station_seq, officer,"
        f" at_text, payload FROM events {where}",
        params,
    ).fetchall()
    return {r[0]: tuple(r) for r in rows}


def counts(pg: psycopg.Connection) -> tuple[int, int]:
    row = pg.execute("SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM dossiers)")
    values = row.fetchone()
    assert values is not None
    return int(values[0]), int(values[1])
