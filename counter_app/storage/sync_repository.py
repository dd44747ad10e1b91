"""Storage of sync: the outbox queue, refused events, the pull cursor, the sync log, the
reference version and the officer accounts the province sends down.

Like the other repositories it never opens a transaction: the sync engine wraps each step
(acknowledging a batch, applying a pulled page together with its cursor) in
``Database.atomic()``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from counter_app.domain.dossier import Dossier
from counter_app.domain.models import Event, Officer
from counter_app.domain.total_projection import Conflict, project_total
from counter_app.storage import projection
from counter_app.storage.db import Database
from counter_app.storage.mapping import dumps, event_from_row, event_to_row
from counter_app.storage.repositories import ConfigRepository, DossierRepository, _search_text
from sync_protocol import CREATING_KINDS, RejectReason

CURSOR_KEY = "sync_cursor"
REFERENCE_VERSION_KEY = "sync_reference_version"
# Upper bound of the JSON of one event besides its payload and free texts: key names,
# three UUIDs, punctuation (measured: 171 bytes).
EVENT_OVERHEAD_BYTES = 200
_EVENT_COLUMNS = "e.uuid, e.dossier_uuid, e.kind, e.station_id, e.seq, e.officer, e.at, e.payload"
# The station's own queue and the events it relays for peers of its office (issue 15).
_RELAY_QUEUE = (
    "(SELECT event_uuid FROM outbox UNION ALL"
    " SELECT event_uuid FROM lan_relay WHERE rejected IS NULL)"
)


@dataclass(frozen=True, slots=True)
class RejectedEvent:
    """An event the server refused: kept, shown to the officer, never re-sent by itself."""

    event: Event
    reason: str
    rejected_at: datetime


@dataclass(frozen=True, slots=True)
class SyncAttempt:
    """One row of the sync log."""

    started_at: datetime
    finished_at: datetime
    status: str
    pushed: int
    duplicates: int
    rejected: int
    pulled: int
    waiting: int
    server_time: datetime | None
    error: str | None


@dataclass(frozen=True, slots=True)
class ConflictEntry:
    """An event a dossier's projection skipped (``domain.total_projection``), with why."""

    event: Event
    reason: str
    detected_at: datetime
    dossier_code: str | None  # the code of the dossier row, else of its creating event
    clashed_with: str | None = None  # the uuid of the event it clashed with (m0015)


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


class SyncRepository:
    """Queue, refusals, cursor and log of the station's sync with the province server."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._config = ConfigRepository(db)
        self._dossiers = DossierRepository(db)

    # --- outbox ----------------------------------------------------------------------------

    def pending(
        self, limit_bytes: int, *, max_events: int = 5_000, skip: frozenset[str] = frozenset()
    ) -> list[Event]:
        """Queued events, oldest first (queue order), whose wire JSON fits in ``limit_bytes``;
        the events of ``skip`` (a batch in flight) are passed over.

        Sizes are upper bounds (payload bytes + free texts + :data:`EVENT_OVERHEAD_BYTES`).
        The first event is returned even when it alone is larger, so the caller can see it
        and set it aside instead of blocking the queue.
        """
        # Queue order: events are stored in commit order. Events relayed from the office LAN
        # (issue 15) go in the same order, so one received at a peer precedes this station's
        # follow-up of it and the province never meets the follow-up first.
        queue = _RELAY_QUEUE if self.relays_waiting() else "outbox"
        cursor = self.db.conn.execute(
            f"SELECT {_EVENT_COLUMNS} FROM {queue} o JOIN events e ON e.uuid = o.event_uuid "
            "ORDER BY e.rowid LIMIT ?",
            (max_events + len(skip),),
        )
        events: list[Event] = []
        total = 0
        for row in cursor:
            if row[0] in skip:
                continue
            event = self._dossiers.sent(event_from_row(row))  # catalogue texts written back
            payload = dumps(event.payload) if '"texts":1' in row[7] else row[7]
            size = (
                EVENT_OVERHEAD_BYTES
                + _utf8_len(payload)
                + _utf8_len(row[2])
                + _utf8_len(row[5] or "")
                + len(row[6])
                + len(str(row[4]))
            )
            if events and total + size > limit_bytes:
                break
            events.append(event)
            total += size
        cursor.close()
        return events

    def waiting(self) -> int:
        """Events still to send (refused ones are not waiting)."""
        return int(self.db.conn.execute("SELECT count(*) FROM outbox").fetchone()[0])

    def oldest_waiting(self) -> datetime | None:
        row = self.db.conn.execute("SELECT min(queued_at) FROM outbox").fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    def mark_acked(self, uuids: Iterable[str]) -> int:
        """Remove events the server stored durably from the queue; return how many left it."""
        rows = [(uuid,) for uuid in uuids]
        before = self.db.conn.total_changes
        self.db.conn.executemany("DELETE FROM outbox WHERE event_uuid = ?", rows)
        self.db.conn.executemany("DELETE FROM lan_relay WHERE event_uuid = ?", rows)
        changed = self.db.conn.total_changes - before
        if changed:
            projection.save_acked(self.db.conn)
        return changed

    def mark_rejected(
        self, uuid: str, reason: str, *, at: datetime, batch_id: str | None = None
    ) -> None:
        """Move a refused event from the queue to the refused list (with the reason); a
        relayed one (issue 15) stays in the relay list with the reason, not re-sent."""
        relayed = self.db.conn.execute(
            "UPDATE lan_relay SET rejected = ?, rejected_at = ? WHERE event_uuid = ?"
            " AND NOT EXISTS (SELECT 1 FROM outbox WHERE event_uuid = ?)",
            (reason, at.isoformat(), uuid, uuid),
        )
        if relayed.rowcount:
            return
        self.db.conn.execute(
            "INSERT INTO sync_rejected (event_uuid, reason, rejected_at, batch_id) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(event_uuid) DO UPDATE SET reason = excluded.reason,"
            " rejected_at = excluded.rejected_at, batch_id = excluded.batch_id",
            (uuid, reason, at.isoformat(), batch_id),
        )
        self.db.conn.execute("DELETE FROM outbox WHERE event_uuid = ?", (uuid,))
        projection.save_acked(self.db.conn)

    def mark_failed(self, uuids: Iterable[str], error: str) -> None:
        """Count a failed attempt on queued events (they stay queued)."""
        rows = [(error, uuid) for uuid in uuids]
        self.db.conn.executemany(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE event_uuid = ?", rows
        )
        self.db.conn.executemany(
            "UPDATE lan_relay SET attempts = attempts + 1, last_error = ? WHERE event_uuid = ?",
            rows,
        )

    # --- events relayed from the office LAN (issue 15, m0034) ------------------------------

    def relays_waiting(self) -> int:
        """Peer-learned events still to push to the province (refused ones are not)."""
        row = self.db.conn.execute("SELECT count(*) FROM lan_relay WHERE rejected IS NULL")
        return int(row.fetchone()[0])

    def queue_relays(self, uuids: Iterable[str], *, at: datetime) -> int:
        """Queue held events for the province (those not queued, refused or acknowledged
        already: own events keep their outbox row); returns how many were queued."""
        before = self.db.conn.total_changes
        self.db.conn.executemany(
            "INSERT INTO lan_relay (event_uuid, queued_at) SELECT ?, ?"
            " WHERE NOT EXISTS (SELECT 1 FROM outbox WHERE event_uuid = ?)"
            " AND NOT EXISTS (SELECT 1 FROM sync_rejected WHERE event_uuid = ?)"
            " ON CONFLICT DO NOTHING",
            [(uuid, at.isoformat(), uuid, uuid) for uuid in uuids],
        )
        return self.db.conn.total_changes - before

    def settle_relays(self, uuids: Iterable[str]) -> None:
        """The province holds these events (a pull brought them): nothing to relay."""
        self.db.conn.executemany(
            "DELETE FROM lan_relay WHERE event_uuid = ?", [(uuid,) for uuid in uuids]
        )

    def unsent(self, uuids: Iterable[str]) -> set[str]:
        """Those of ``uuids`` this station does not know to be stored by the province: in
        its outbox or its relay queue (what a peer page says, ``sync_protocol.lan``)."""
        wanted = list(uuids)
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            part = wanted[start : start + 500]
            marks = ",".join("?" * len(part))
            found.update(
                row[0]
                for row in self.db.conn.execute(
                    f"SELECT event_uuid FROM outbox WHERE event_uuid IN ({marks}) UNION"
                    f" SELECT event_uuid FROM lan_relay WHERE rejected IS NULL"
                    f" AND event_uuid IN ({marks})",
                    part + part,
                )
            )
        return found

    def rejected(self) -> list[RejectedEvent]:
        rows = self.db.conn.execute(
            f"SELECT {_EVENT_COLUMNS}, r.reason, r.rejected_at FROM sync_rejected r "
            "JOIN events e ON e.uuid = r.event_uuid ORDER BY r.rejected_at, e.seq"
        ).fetchall()
        return [
            RejectedEvent(
                self._dossiers.sent(event_from_row(row[:8])),
                row[8],
                datetime.fromisoformat(row[9]),
            )
            for row in rows
        ]

    # --- pull ------------------------------------------------------------------------------

    def cursor(self) -> int:
        """The server sequence of the last pulled event (0: nothing pulled yet)."""
        return int(self._config.get(CURSOR_KEY, 0))

    def set_cursor(self, value: int) -> None:
        self._config.set(CURSOR_KEY, int(value))

    # --- reference data ----------------------------------------------------------------------

    def reference_version(self) -> int:
        """The province's reference version applied here (0: none yet)."""
        return int(self._config.get(REFERENCE_VERSION_KEY, 0))

    def set_reference_version(self, value: int) -> None:
        self._config.set(REFERENCE_VERSION_KEY, int(value))

    def upsert_officers(self, officers: Iterable[tuple[Officer, str]], *, at: datetime) -> int:
        """Insert or update officer accounts sent by the province (with their argon2 hash);
        accounts created at this counter and not sent are left alone. Returns how many."""
        rows = [
            (o.username, o.full_name, o.role.value, password_hash, int(o.active), at.isoformat())
            for o, password_hash in officers
        ]
        self.db.conn.executemany(
            "INSERT INTO officers (username, full_name, role, password_hash, active, created_at)"
            " VALUES (?,?,?,?,?,?) ON CONFLICT(username) DO UPDATE SET"
            " full_name = excluded.full_name, role = excluded.role,"
            " password_hash = excluded.password_hash, active = excluded.active",
            rows,
        )
        return len(rows)

    def insert_remote_events(
        self, events: Iterable[Event], *, inserted: list[str] | None = None
    ) -> dict[str, int]:
        """Store other parties' events (no outbox entry).

        Returns the dossiers touched (those that got new events) with how many each got;
        ``inserted`` (when given) gets the uuids of the events stored now. Events already
        held are skipped. So is an event clashing with a held one on (station, sequence),
        which only a station that reused its numbers can cause.
        """
        touched: dict[str, int] = {}
        for event in events:
            cur = self.db.conn.execute(
                "INSERT INTO events VALUES (?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                event_to_row(event),
            )
            if cur.rowcount == 1:
                projection.record_event(self.db.conn, event.dossier_uuid, int(cur.lastrowid or 0))
                touched[event.dossier_uuid] = touched.get(event.dossier_uuid, 0) + 1
                if inserted is not None:
                    inserted.append(event.uuid)
        return touched

    def reproject(self, dossier_uuid: str, *, at: datetime) -> list[Conflict]:
        """Rebuild one dossier row from all its events by the shared total projection (in the
        caller's transaction), store its open conflicts and return them.

        The row is always the projection of every event the station holds: an event the
        status machine does not accept at its place is listed in conflict and skipped, never
        a reason to keep an older row; events voided by a ``conflict_settled`` event are
        skipped and not listed. Only a dossier none of whose creating events can be applied
        keeps its old row (if any), and one whose code is held by another local dossier too
        (its creating event is then listed: ``duplicate_code``).
        """
        events = self._dossiers.events_of(dossier_uuid)
        result = project_total(events)
        conflicts = list(result.conflicts)
        if result.dossier is not None and not self.put_projection(result.dossier):
            creating = next(e for e in events if e.kind in CREATING_KINDS)
            conflicts.append(Conflict(creating.uuid, RejectReason.DUPLICATE_CODE.value))
        self.set_conflicts(dossier_uuid, conflicts, at=at)
        return conflicts

    def forget(self, dossier_uuid: str, *, at: datetime) -> None:
        """Remove the row and search entry of a dossier none of whose events is held."""
        row = self.db.conn.execute(
            "SELECT rowid FROM dossiers WHERE uuid = ?", (dossier_uuid,)
        ).fetchone()
        if row is not None:
            self.db.conn.execute("DELETE FROM dossier_search WHERE rowid = ?", (row[0],))
            self.db.conn.execute("DELETE FROM dossiers WHERE rowid = ?", (row[0],))
        if self._dossiers.events_of(dossier_uuid):
            self.reproject(dossier_uuid, at=at)

    def catch_up(self, *, station_id: str | None, at: datetime) -> int:
        """Bring the projection file level with the events (storage/projection.py)."""
        with self.db.atomic():
            return projection.catch_up(
                self.db.conn,
                station_id=station_id,
                reproject=lambda uuid: self.reproject(uuid, at=at),
                forget=lambda uuid: self.forget(uuid, at=at),
            )

    def put_projection(self, dossier: Dossier) -> bool:
        """Insert or replace the dossier row and its search entry; False (nothing written)
        if its code clashes or its values cannot be stored (a savepoint undoes a half)."""
        conn = self.db.conn
        conn.execute("SAVEPOINT put_projection")
        try:
            row = conn.execute("SELECT rowid FROM dossiers WHERE uuid = ?", (dossier.uuid,))
            found = row.fetchone()
            if found is None:
                rowid = self._dossiers.insert_row(dossier)
            else:
                rowid = found[0]
                self._dossiers.update_row(dossier)
                conn.execute("DELETE FROM dossier_search WHERE rowid = ?", (rowid,))
            conn.execute(
                "INSERT INTO dossier_search (rowid, text) VALUES (?, ?)",
                (rowid, _search_text(dossier)),
            )
        except (sqlite3.IntegrityError, sqlite3.InterfaceError, TypeError, ValueError):
            conn.execute("ROLLBACK TO put_projection")
            conn.execute("RELEASE put_projection")
            return False
        except BaseException:
            conn.execute("ROLLBACK TO put_projection")
            conn.execute("RELEASE put_projection")
            raise
        conn.execute("RELEASE put_projection")
        return True

    # --- conflicts -------------------------------------------------------------------------

    def set_conflicts(
        self, dossier_uuid: str, conflicts: Iterable[Conflict], *, at: datetime
    ) -> None:
        """Replace the dossier's conflicts by ``conflicts`` (none: the dossier is clean);
        an event already listed keeps the time it was first found."""
        conn = self.db.conn
        kept = dict(
            conn.execute(
                "SELECT event_uuid, detected_at FROM sync_conflicts WHERE dossier_uuid = ?",
                (dossier_uuid,),
            ).fetchall()
        )
        conn.execute("DELETE FROM sync_conflicts WHERE dossier_uuid = ?", (dossier_uuid,))
        conn.executemany(
            "INSERT OR REPLACE INTO sync_conflicts (event_uuid, dossier_uuid, reason,"
            " detected_at, clashed_with) VALUES (?, ?, ?, ?, ?)",
            [
                (
                    c.event_uuid,
                    dossier_uuid,
                    c.reason,
                    kept.get(c.event_uuid, at.isoformat()),
                    c.clashed_with,
                )
                for c in conflicts
            ],
        )

    def conflicts(self) -> list[ConflictEntry]:
        """Every event in conflict, by dossier then in the dossier's order of events."""
        rows = self.db.conn.execute(
            f"SELECT {_EVENT_COLUMNS}, c.reason, c.detected_at, d.code,"
            " (SELECT json_extract(f.payload, '$.code') FROM event_dossiers x"
            "  JOIN events f ON f.rowid = x.event_rowid WHERE x.dossier_uuid = c.dossier_uuid"
            "  AND f.kind IN ('received', 'guided', 'refused') LIMIT 1), c.clashed_with"
            " FROM sync_conflicts c JOIN events e ON e.uuid = c.event_uuid"
            " LEFT JOIN dossiers d ON d.uuid = c.dossier_uuid"
            " ORDER BY c.detected_at, c.dossier_uuid, e.at, e.seq"
        ).fetchall()
        return [
            ConflictEntry(
                self._dossiers.sent(event_from_row(row[:8])),
                row[8],
                datetime.fromisoformat(row[9]),
                _code(row[10]) or _code(row[11]),
                row[12],
            )
            for row in rows
        ]

    def conflict_count(self) -> int:
        """How many dossiers are in conflict."""
        row = self.db.conn.execute("SELECT count(DISTINCT dossier_uuid) FROM sync_conflicts")
        return int(row.fetchone()[0])

    # --- log -------------------------------------------------------------------------------

    def log_attempt(self, attempt: SyncAttempt) -> None:
        self.db.conn.execute(
            "INSERT INTO sync_log (started_at, finished_at, status, pushed, duplicates,"
            " rejected, pulled, waiting, server_time, error) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                attempt.started_at.isoformat(),
                attempt.finished_at.isoformat(),
                attempt.status,
                attempt.pushed,
                attempt.duplicates,
                attempt.rejected,
                attempt.pulled,
                attempt.waiting,
                attempt.server_time.isoformat() if attempt.server_time else None,
                attempt.error,
            ),
        )

    def attempts(self, *, limit: int = 50) -> list[SyncAttempt]:
        """The newest attempts first."""
        rows = self.db.conn.execute(
            "SELECT started_at, finished_at, status, pushed, duplicates, rejected, pulled,"
            " waiting, server_time, error FROM sync_log ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [_attempt(row) for row in rows]

    def last_success(self) -> datetime | None:
        """When the last fully successful attempt finished (None: never)."""
        row = self.db.conn.execute(
            "SELECT finished_at FROM sync_log WHERE status = 'ok' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row else None


def _code(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _attempt(row: tuple[Any, ...]) -> SyncAttempt:
    started, finished, status, pushed, dups, rejected, pulled, waiting, server, error = row
    return SyncAttempt(
        started_at=datetime.fromisoformat(started),
        finished_at=datetime.fromisoformat(finished),
        status=status,
        pushed=int(pushed),
        duplicates=int(dups),
        rejected=int(rejected),
        pulled=int(pulled),
        waiting=int(waiting),
        server_time=datetime.fromisoformat(server) if server else None,
        error=error,
    )
