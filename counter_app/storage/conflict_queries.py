"""Reads the conflict list needs besides ``SyncRepository.conflicts`` (no writes).

A counter knows other stations of its office only by their ids (events carry no prefix), but
every dossier a station received carries its code, whose sequence starts with the station's
prefix: :func:`station_codes` finds one such code per station.
"""

from __future__ import annotations

from collections.abc import Iterable

from counter_app.storage.db import Database

_CODE_OF_STATION = (
    "SELECT json_extract(payload, '$.code') FROM events"
    " WHERE station_id = ? AND kind IN ('received', 'guided', 'refused')"
    " AND json_extract(payload, '$.code') IS NOT NULL LIMIT 1"
)


def station_codes(db: Database, station_ids: Iterable[str]) -> dict[str, str]:
    """For each of ``station_ids`` that created a dossier with a code, one such code."""
    found: dict[str, str] = {}
    for station_id in set(station_ids):
        row = db.conn.execute(_CODE_OF_STATION, (station_id,)).fetchone()
        if row is not None and isinstance(row[0], str):
            found[station_id] = row[0]
    return found


def clashed_with(db: Database, event_uuids: Iterable[str]) -> dict[str, str | None]:
    """For each event in conflict of ``event_uuids``, the applied event it clashed with
    (``sync_conflicts.clashed_with``, migration m0015; None when it is wrong by itself)."""
    wanted = set(event_uuids)
    rows = db.conn.execute("SELECT event_uuid, clashed_with FROM sync_conflicts").fetchall()
    return {uuid: other for uuid, other in rows if uuid in wanted}


def open_count(db: Database) -> int:
    """How many events are in conflict (open conflicts)."""
    return int(db.conn.execute("SELECT count(*) FROM sync_conflicts").fetchone()[0])
