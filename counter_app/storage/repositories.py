"""Repositories: the only code that knows table names. They take and return domain objects.

None of them opens a transaction: the service wraps a use case in ``Database.atomic()`` and
every repository call inside it joins that one transaction.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from counter_app.domain import procedure_search
from counter_app.domain.calendar import CalendarDay, DayKind, YearCalendar
from counter_app.domain.dossier import Dossier, Status, dossier_from_snapshot
from counter_app.domain.dossier_query import DossierListQuery, DossierListRow, ListCursor
from counter_app.domain.models import (
    VN_TZ,
    Channel,
    DocumentItem,
    Event,
    Officer,
    Procedure,
    Role,
)
from counter_app.domain.procedure_search import SearchPreferences
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.domain.statistics import DossierFacts
from counter_app.domain.text import fold, search_tokens
from counter_app.storage import dossier_list, projection
from counter_app.storage.chain import SOURCE_AUDIT, SOURCE_EVENT, ChainRepository
from counter_app.storage.checklists import COMPACT_DEFAULTS, ChecklistRepository
from counter_app.storage.db import Database
from counter_app.storage.ledger import ReservationLedger
from counter_app.storage.mapping import (
    dossier_from_json,
    dossier_to_json,
    dumps,
    event_from_row,
    event_to_row,
    iso,
)
from counter_app.storage.report_sql import vn_day


class ConfigRepository:
    """Station and office settings as JSON values (backed up with the data they describe)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, key: str, default: Any = None) -> Any:
        row = self.db.conn.execute("SELECT value FROM config WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set(self, key: str, value: Any) -> None:
        self.db.conn.execute(
            "INSERT INTO config (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, dumps(value)),
        )

    def delete(self, key: str) -> None:
        self.db.conn.execute("DELETE FROM config WHERE key = ?", (key,))


class CounterRepository:
    """Monotonic counters (code sequences, event sequence), reserved in the ledger first."""

    def __init__(self, db: Database, ledger: ReservationLedger) -> None:
        self.db = db
        self.ledger = ledger

    def current(self, name: str) -> int:
        row = self.db.conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        return int(row[0]) if row else 0

    def next(self, name: str) -> int:
        """The next value of ``name``; must run inside the use case's transaction.

        The new value is reserved in the ledger before the transaction can commit.
        """
        row = self.db.conn.execute(
            "INSERT INTO counters (name, value) VALUES (?, 1) "
            "ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
            (name,),
        ).fetchone()
        value = int(row[0])
        self.ledger.ensure(name, value)
        return value

    def all(self) -> dict[str, int]:
        return {
            name: int(v) for name, v in self.db.conn.execute("SELECT name, value FROM counters")
        }

    def put(self, values: dict[str, int]) -> None:
        """Set values that are not numbers handed out (no ledger reservation): the station's
        clock. Inside the caller's transaction."""
        self.db.conn.executemany(
            "INSERT INTO counters (name, value) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            list(values.items()),
        )

    def raise_to(self, values: dict[str, int]) -> None:
        """Move every counter up to at least the given value (never down)."""
        for name, value in values.items():
            self.db.conn.execute(
                "INSERT INTO counters (name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value = max(value, excluded.value)",
                (name, value),
            )


def _procedure_from_row(row: tuple[Any, ...]) -> Procedure:
    (code, name, field, level, unit, amount, text, documents, fee, decision, version, use_count) = (
        row[:12]
    )
    return Procedure(
        code=code,
        name=name,
        field=field or "",
        level=level or "",
        processing_time=ProcessingTime(TimeUnit(unit), float(amount or 0)),
        processing_text=text or "",
        documents=tuple(DocumentItem.from_json(d) for d in json.loads(documents or "[]")),
        fee_text=fee or "",
        decision_no=decision,
        catalogue_version=version or "",
        use_count=int(use_count or 0),
        everyday_rank=int(row[12] or 0) if len(row) > 12 else 0,
    )


# Receptions per procedure: the catalogue row's count (before m0019) plus a counter bumped at
# each reception (a small row of ``counters``, not the catalogue row with its checklist).
USE_COUNTER = "use|"
_USE_COUNT = "use_count + coalesce((SELECT value FROM counters WHERE name = 'use|' || code), 0)"
_PROCEDURE_COLUMNS = (
    "code, name, field, level, time_unit, time_amount, processing_text, "
    f"documents, fee_text, decision_no, catalogue_version, {_USE_COUNT}, everyday_rank"
)
# Config keys read by the procedure search (services/procedures.py writes them).
OFFICE_LEVEL_KEY = "office_level"
FAVOURITES_KEY = "favourite_procedures"


class ReferenceRepository:
    """The procedure catalogue and the province's calendar overrides."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._cache: dict[str, Procedure | None] = {}
        self._candidates: dict[str, procedure_search.Candidate] = {}
        self._cache_version: tuple[int, int] | None = None

    def _fresh_cache(self) -> dict[str, Procedure | None]:
        """Procedures are read at every reception; cache them until the catalogue changes
        (a write through this repository, or a commit by another connection)."""
        version = (
            int(self.db.conn.execute("PRAGMA data_version").fetchone()[0]),
            int(self.db.conn.execute("PRAGMA schema_version").fetchone()[0]),
        )
        if version != self._cache_version:
            self._cache.clear()
            self._candidates.clear()
            self._cache_version = version
        return self._cache

    def replace_procedures(self, procedures: Iterable[Procedure]) -> int:
        """Insert or update procedures by code; every checklist seen is also kept for good
        (``checklists``: dossiers refer to it)."""
        self._cache.clear()
        self._candidates.clear()
        procedures = list(procedures)
        rows = [
            (
                p.code,
                p.name,
                p.field,
                p.level,
                p.processing_time.unit.value,
                p.processing_time.amount,
                p.processing_text,
                dumps([d.to_json() for d in p.documents]),
                p.fee_text,
                p.decision_no,
                p.catalogue_version,
                fold(f"{p.code} {p.name} {p.field}"),
                p.everyday_rank,
            )
            for p in procedures
        ]
        self.db.conn.executemany(
            "INSERT INTO procedures (code, name, field, level, time_unit, time_amount, "
            "processing_text, documents, fee_text, decision_no, catalogue_version, folded, "
            "everyday_rank) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(code) DO UPDATE SET "
            "name=excluded.name, field=excluded.field, level=excluded.level, "
            "time_unit=excluded.time_unit, time_amount=excluded.time_amount, "
            "processing_text=excluded.processing_text, documents=excluded.documents, "
            "fee_text=excluded.fee_text, decision_no=excluded.decision_no, "
            "catalogue_version=excluded.catalogue_version, folded=excluded.folded, "
            "everyday_rank=excluded.everyday_rank",
            rows,
        )
        checklists = ChecklistRepository(self.db)
        checklists.remember_all((p.code, p.catalogue_version, p.documents) for p in procedures)
        for p in procedures:
            checklists.remember_texts(
                p.code,
                p.catalogue_version,
                {
                    "procedure_name": p.name,
                    "procedure_field": p.field,
                    "fee": p.fee_text,
                    "processing_time": p.processing_time.to_json(),
                },
            )
        return len(rows)

    def procedure(self, code: str) -> Procedure | None:
        cache = self._fresh_cache()
        key = code.strip()
        if key not in cache:
            row = self.db.conn.execute(
                f"SELECT {_PROCEDURE_COLUMNS} FROM procedures WHERE code = ?", (key,)
            ).fetchone()
            cache[key] = _procedure_from_row(row) if row else None
        return cache[key]

    def count_procedures(self) -> int:
        return int(self.db.conn.execute("SELECT count(*) FROM procedures").fetchone()[0])

    def find_procedures(
        self, text: str, *, limit: int = 20, prefs: SearchPreferences | None = None
    ) -> list[Procedure]:
        """Procedures matching ``text``, ranked as an officer thinks (domain/procedure_search.py):
        candidates from SQL (every word somewhere in code, name or field), order from the domain.

        ``prefs`` defaults to the station's office level and pinned favourites (config).
        """
        ranked = procedure_search.rank(
            text,
            self.search_candidates(procedure_search.candidate_words(text)),
            prefs or self.search_preferences(),
            limit=limit,
        )
        codes = [c.code for c in ranked]
        found: dict[str, Procedure] = {}
        for start in range(0, len(codes), 500):
            chunk = codes[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.conn.execute(
                f"SELECT {_PROCEDURE_COLUMNS} FROM procedures WHERE code IN ({marks})", chunk
            ):
                found[row[0]] = _procedure_from_row(row)
        return [found[c] for c in codes if c in found]

    def search_candidates(self, words: Iterable[str]) -> list[procedure_search.Candidate]:
        """The procedures whose folded code, name and field contain every word (light rows,
        cached like the procedures: one query per keystroke returns only the codes)."""
        words = list(words)
        where = " AND ".join("folded LIKE ?" for _ in words) or "1"
        codes = [
            row[0]
            for row in self.db.conn.execute(
                f"SELECT code FROM procedures WHERE {where}", [f"%{w}%" for w in words]
            )
        ]
        candidates = self._all_candidates()
        return [candidates[c] for c in codes if c in candidates]

    def _all_candidates(self) -> dict[str, procedure_search.Candidate]:
        self._fresh_cache()
        if not self._candidates:
            for code, name, field, level, uses, rank in self.db.conn.execute(
                f"SELECT code, name, field, level, {_USE_COUNT}, everyday_rank FROM procedures"
            ):
                self._candidates[code] = procedure_search.Candidate(
                    code=code,
                    name=name,
                    field=field or "",
                    level=level or "",
                    use_count=int(uses or 0),
                    everyday_rank=int(rank or 0),
                )
        return self._candidates

    def search_preferences(self) -> SearchPreferences:
        """The office's level (``office_level``, default commune) and pinned favourites."""
        config = ConfigRepository(self.db)
        level = config.get(OFFICE_LEVEL_KEY, procedure_search.COMMUNE)
        favourites = config.get(FAVOURITES_KEY, [])
        return SearchPreferences(
            office_level=str(level or procedure_search.COMMUNE),
            favourites=tuple(str(c) for c in favourites if isinstance(c, str)),
        )

    def count_use(self, code: str) -> None:
        self.db.conn.execute(
            "INSERT INTO counters (name, value) VALUES (?, 1) "
            "ON CONFLICT(name) DO UPDATE SET value = value + 1",
            (USE_COUNTER + code,),
        )
        cached = self._cache.get(code)
        if cached is not None:
            self._cache[code] = replace(cached, use_count=cached.use_count + 1)
        candidate = self._candidates.get(code)
        if candidate is not None:
            self._candidates[code] = replace(candidate, use_count=candidate.use_count + 1)

    def calendar_overrides(self) -> dict[int, YearCalendar]:
        out = {}
        columns = "year, confirmed, source, days_off, extra_working_days, days"
        for year, confirmed, source, off, extra, days in self.db.conn.execute(
            f"SELECT {columns} FROM calendar_years"
        ):
            out[int(year)] = YearCalendar(
                year=int(year),
                days_off=frozenset(date.fromisoformat(d) for d in json.loads(off)),
                extra_working_days=frozenset(date.fromisoformat(d) for d in json.loads(extra)),
                confirmed=bool(confirmed),
                source=source,
                days=tuple(
                    CalendarDay(
                        date.fromisoformat(n["date"]),
                        DayKind(n["kind"]),
                        name=n.get("name", ""),
                        source=n.get("source", ""),
                        announced=bool(n.get("announced")),
                    )
                    for n in json.loads(days or "[]")
                ),
            )
        return out

    def save_calendar_year(self, year: YearCalendar, *, at: datetime) -> None:
        notes = [
            {
                "date": n.day.isoformat(),
                "kind": n.kind.value,
                "name": n.name,
                "source": n.source,
                "announced": n.announced,
            }
            for n in year.days
        ]
        self.db.conn.execute(
            "INSERT OR REPLACE INTO calendar_years (year, confirmed, source, days_off, "
            "extra_working_days, days, updated_at) VALUES (?,?,?,?,?,?,?)",
            (
                year.year,
                int(year.confirmed),
                year.source,
                dumps(sorted(d.isoformat() for d in year.days_off)),
                dumps(sorted(d.isoformat() for d in year.extra_working_days)),
                dumps(notes),
                at.isoformat(),
            ),
        )


class OfficerRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, officer: Officer, password_hash: str, *, at: datetime) -> None:
        self.db.conn.execute(
            "INSERT INTO officers (username, full_name, role, password_hash, active, created_at)"
            " VALUES (?,?,?,?,?,?)",
            (
                officer.username,
                officer.full_name,
                officer.role.value,
                password_hash,
                int(officer.active),
                at.isoformat(),
            ),
        )

    def get(self, username: str) -> tuple[Officer, str] | None:
        row = self.db.conn.execute(
            "SELECT username, full_name, role, active, password_hash FROM officers "
            "WHERE username = ?",
            (username,),
        ).fetchone()
        if row is None:
            return None
        return Officer(row[0], row[1], Role(row[2]), bool(row[3])), row[4]

    def set_password_hash(self, username: str, password_hash: str) -> None:
        self.db.conn.execute(
            "UPDATE officers SET password_hash = ? WHERE username = ?", (password_hash, username)
        )

    def set_active(self, username: str, active: bool) -> None:
        self.db.conn.execute(
            "UPDATE officers SET active = ? WHERE username = ?", (int(active), username)
        )

    def all(self) -> list[Officer]:
        return [
            Officer(u, n, Role(r), bool(a))
            for u, n, r, a in self.db.conn.execute(
                "SELECT username, full_name, role, active FROM officers ORDER BY username"
            )
        ]


class AuditRepository:
    """Who did what and when. ``detail`` must not hold ID numbers (the services ensure it)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def record(
        self,
        *,
        at: datetime,
        officer: str,
        action: str,
        dossier_uuid: str | None,
        detail: dict[str, Any],
    ) -> None:
        values = (at.isoformat(), officer, action, dossier_uuid, dumps(detail))
        cur = self.db.conn.execute(
            "INSERT INTO audit_log (at, officer, action, dossier_uuid, detail) VALUES (?,?,?,?,?)",
            values,
        )
        rowid = int(cur.lastrowid or 0)
        ChainRepository(self.db, []).append(SOURCE_AUDIT, str(rowid), (rowid, *values))

    def entries(self, *, limit: int = 100) -> list[dict[str, Any]]:
        rows = self.db.conn.execute(
            "SELECT at, officer, action, dossier_uuid, detail FROM audit_log "
            "ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [
            {"at": a, "officer": o, "action": act, "dossier_uuid": d, "detail": json.loads(det)}
            for a, o, act, d, det in rows
        ]


def _search_text(dossier: Dossier) -> str:
    parts = [
        dossier.code or "",
        dossier.applicant.name,
        dossier.applicant.id_number,
        dossier.procedure_code,
        dossier.procedure_name,
    ]
    if dossier.submitter:
        parts += [dossier.submitter.name, dossier.submitter.id_number]
    return " ".join(search_tokens(" ".join(parts)))


_ROW_COLUMNS = (
    "code",
    "agency_id",
    "station_id",
    "procedure_code",
    "status",
    "received_at",
    "due_at",
    "finished_at",
    "applicant_name",
    "officer",
    "updated_at",
    "data",
    "channel",
    "procedure_field",
    "procedure_name",
    "stats_due_at",
    "digitised",
    "received_day",
    "finished_day",
    "stats_due_day",
    "fee_due",
    "fee_collected",
    "fee_exempt",
)
_INSERT_ROW = (
    f"INSERT INTO dossiers ({', '.join(_ROW_COLUMNS)}, uuid) "
    f"VALUES ({', '.join('?' for _ in _ROW_COLUMNS)}, ?)"
)
_UPDATE_ROW = f"UPDATE dossiers SET {', '.join(c + '=?' for c in _ROW_COLUMNS)} WHERE uuid=?"


# The search index is written in batches (issue 16): rows after ``SEARCH_INDEXED_KEY``
# (config: the highest rowid up to which every row is indexed) are indexed every
# SEARCH_BATCH receptions, inside that reception's transaction; a search also reads them.
SEARCH_INDEXED_KEY = "search_indexed"
SEARCH_BATCH = 32
BASE_KEY = "from_event"  # a row's JSON holds only what differs from this creating event
_CREATING_KINDS = frozenset({"received", "guided", "refused"})
# Dossier fields left out of the row's JSON when they hold their default (narrower rows).
_DEFAULTED = {
    "reason": "",
    "missing": [],
    "apology_issued": False,
    "supplement_count": 0,
    "paused_at": None,
    "finished_at": None,
    "returned_at": None,
    "rating": None,
    "outcome": None,
    "register_no": None,
    "scans": [],
    "signed_receipt": None,
    "submitter": None,
    "cross_boundary": "",
    "authority": "",
    "transfer_at": None,
    "due_expected": False,
    "authority_received_at": None,
    "fee_due": None,
    "fee_collected": 0,
    "fee_method": "",
    "fee_receipt_no": "",
    "fee_exemption": "",
    "fee_basis": "",
    "fee_paid_at": None,
    "pending": [],
}


# What the row's columns hold is not repeated in its JSON ``data`` (narrower rows): a read
# puts it back (``_DATA``), so ``data`` read through it is the whole dossier.
_IN_COLUMNS = (
    "uuid",
    "code",
    "agency_id",
    "station_id",
    "procedure_code",
    "status",
    "received_at",
    "due_at",
    "finished_at",
    "officer",
    "updated_at",
    "channel",
    "procedure_field",
)


def _data_sql(prefix: str = "") -> str:
    sets = ", ".join(f"'$.{c}', {prefix}{c}" for c in _IN_COLUMNS)
    return f"json_set({prefix}data, {sets})"


_DATA = _data_sql()
_DATA_D = _data_sql("d.")


class DossierRepository:
    """Dossier rows (projections), their events, the outbox and the search index.

    Creating events and rows keep their papers by reference to the catalogue checklist
    (``storage.checklists``): compacted here when stored, expanded here when read, so the
    rest of the program only ever sees full ``documents``.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self.checklists = ChecklistRepository(db)
        self._bases: dict[str, dict[str, Any]] = {}
        # Receptions of this session whose base is narrowed when first needed (an update or a
        # read of the row): off the reception's path, the counter's busiest (issue 16).
        self._unnarrowed: dict[str, Dossier] = {}
        # rowid -> (uuid, search text) of rows this process inserted and did not index yet:
        # the batch takes the text from here instead of decoding the row again (a rolled
        # back insert's rowid may be reused: the uuid must match).
        self._search_pending: dict[int, tuple[str, str]] = {}

    def _narrow(self, dossier: Dossier) -> dict[str, Any]:
        data = dossier_to_json(dossier)
        for key, default in _DEFAULTED.items():
            value = data.get(key, default)
            if (list(value) if isinstance(value, tuple) else value) == default:
                data.pop(key, None)
        compacted = self.checklists.compact(data)
        return {k: v for k, v in compacted.items() if k not in _IN_COLUMNS}

    def _data_json(self, dossier: Dossier, base_uuid: str | None = None) -> str:
        """The row's JSON: what the columns do not hold and, with ``base_uuid`` (its creating
        event), only what differs from that event's snapshot (the event is not repeated)."""
        data = self._narrow(dossier)
        base = self._base(base_uuid) if base_uuid is not None else None
        if base is None:
            return dumps(data)
        delta = {k: v for k, v in data.items() if k not in base or base[k] != v}
        for key in base.keys() - data.keys():  # a default here, not in the snapshot
            delta[key] = COMPACT_DEFAULTS.get(key, _DEFAULTED.get(key))
        delta[BASE_KEY] = base_uuid
        return dumps(delta)

    def _base(self, event_uuid: str) -> dict[str, Any] | None:
        """The narrowed snapshot of creating event ``event_uuid`` (cached)."""
        found = self._bases.get(event_uuid)
        if found is None and event_uuid in self._unnarrowed:
            found = self._bases[event_uuid] = self._narrow(self._unnarrowed.pop(event_uuid))
        if found is None:
            row = self.db.conn.execute(
                "SELECT uuid, dossier_uuid, kind, station_id, seq, officer, at, payload "
                "FROM events WHERE uuid = ?",
                (event_uuid,),
            ).fetchone()
            if row is None or row[2] not in _CREATING_KINDS:
                return None
            found = self._remember_base(self.expanded(event_from_row(row)))
        return found

    def _bases_trim(self) -> None:
        if len(self._bases) + len(self._unnarrowed) > 4096:
            self._bases.clear()
            self._unnarrowed.clear()

    def _remember_base(self, event: Event) -> dict[str, Any]:
        self._bases_trim()
        base = self._narrow(dossier_from_snapshot(event))
        self._bases[event.uuid] = base
        return base

    def _dossier(self, raw: str) -> Dossier:
        data = json.loads(raw)
        base_uuid = data.pop(BASE_KEY, None)
        if isinstance(base_uuid, str):
            base = self._base(base_uuid)
            if base is None:
                raise ValueError(f"dossier row without its creating event {base_uuid}")
            data = {**base, **data}
            if "documents" in data and "documents" not in base:
                data.pop("papers", None)
                data.pop("checklist", None)
            elif "papers" in data and "papers" not in base:
                data.pop("documents", None)
        return dossier_from_json(self.checklists.expand(data))

    def _row_values(
        self, dossier: Dossier, base_uuid: str | None = None, *, data_json: str | None = None
    ) -> tuple[Any, ...]:
        """The row's values in ``_ROW_COLUMNS`` order (the JSON ``data`` holds the rest;
        ``data_json`` when the caller already has it)."""
        return (
            dossier.code,
            dossier.agency_id,
            dossier.station_id,
            dossier.procedure_code,
            dossier.status.value,
            iso(dossier.received_at),
            iso(dossier.due_at),
            iso(dossier.finished_at),
            dossier.applicant.name,
            dossier.officer,
            iso(dossier.updated_at),
            self._data_json(dossier, base_uuid) if data_json is None else data_json,
            int(dossier.channel),
            dossier.procedure_field,
            dossier.procedure_name,
            iso(dossier.stats_due_at),
            int(dossier.digitised),
            vn_day(dossier.received_at),
            vn_day(dossier.finished_at),
            vn_day(dossier.stats_due_at),
            dossier.fee_due,
            dossier.fee_collected,
            int(bool(dossier.fee_exemption)),
        )

    def insert_row(self, dossier: Dossier, *, base_uuid: str | None = None) -> int:
        """Insert the dossier's row; its rowid (raises IntegrityError on a clashing code)."""
        values = self._row_values(dossier, base_uuid)
        cur = self.db.conn.execute(_INSERT_ROW, (*values, dossier.uuid))
        return int(cur.lastrowid or 0)

    def update_row(self, dossier: Dossier) -> None:
        """Replace the dossier's row with its new projection (still relative to its creating
        event when it was)."""
        row = self.db.conn.execute(
            f"SELECT json_extract(data, '$.{BASE_KEY}'), rowid FROM dossiers WHERE uuid = ?",
            (dossier.uuid,),
        ).fetchone()
        base_uuid = row[0] if row and isinstance(row[0], str) else None
        if row:  # its search text is taken from the row again at the next batch
            self._search_pending.pop(row[1], None)
        values = self._row_values(dossier, base_uuid)
        self.db.conn.execute(_UPDATE_ROW, (*values, dossier.uuid))

    def insert_new(
        self, dossier: Dossier, event: Event, *, queued_at: datetime, snapshot: bool = False
    ) -> None:
        """Store a new dossier row, its creating event and its outbox entry; its search entry
        comes with the next batch (:data:`SEARCH_BATCH`; :meth:`search` reads it meanwhile).

        ``snapshot``: the caller says ``dossier`` is exactly ``dossier_from_snapshot(event)``
        (a reception): its row then holds nothing but the reference to the event, and the
        dossier is narrowed only when its base is first needed (the save's CPU, issue 16)."""
        creating = event.kind in _CREATING_KINDS and event.dossier_uuid == dossier.uuid
        if creating and snapshot:
            self._bases_trim()
            self._unnarrowed[event.uuid] = dossier  # == dossier_from_snapshot(event)
            values = self._row_values(dossier, data_json=dumps({BASE_KEY: event.uuid}))
            rowid = int(self.db.conn.execute(_INSERT_ROW, (*values, dossier.uuid)).lastrowid or 0)
        else:
            base_uuid = None
            if creating:
                self._remember_base(event)
                base_uuid = event.uuid
            rowid = self.insert_row(dossier, base_uuid=base_uuid)
        self._search_pending[rowid] = (dossier.uuid, _search_text(dossier))
        self._add_event(event, queued_at)
        if rowid - self._search_indexed() >= SEARCH_BATCH:
            self.flush_search()

    def _search_indexed(self) -> int:
        row = self.db.conn.execute(
            "SELECT value FROM projection_meta WHERE key = ?", (SEARCH_INDEXED_KEY,)
        ).fetchone()
        return int(row[0]) if row else 0

    def flush_search(self) -> int:
        """Index every row not yet in the search index (inside the caller's transaction, or
        its own); returns how many."""
        with self.db.atomic():
            indexed = self._search_indexed()
            rows = self.db.conn.execute(
                f"SELECT rowid, uuid, {_DATA} FROM dossiers WHERE rowid > ? AND rowid NOT IN"
                " (SELECT rowid FROM dossier_search WHERE rowid > ?) ORDER BY rowid",
                (indexed, indexed),
            ).fetchall()
            pending, self._search_pending = self._search_pending, {}
            texts = []
            for rowid, uuid, data in rows:
                known = pending.get(rowid)
                if known is not None and known[0] == uuid:
                    texts.append((rowid, known[1]))
                else:  # stored by other means, or by another process: decoded here
                    texts.append((rowid, _search_text(self._dossier(data))))
            self.db.conn.executemany(
                "INSERT INTO dossier_search (rowid, text) VALUES (?, ?)", texts
            )
            top = self.db.conn.execute("SELECT max(rowid) FROM dossiers").fetchone()[0]
            if top is not None and int(top) > indexed:
                self.db.conn.execute(
                    "INSERT INTO projection_meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (SEARCH_INDEXED_KEY, str(int(top))),
                )
        return len(rows)

    def append(
        self, dossier: Dossier, event: Event, *, queued_at: datetime, reindex: bool = False
    ) -> None:
        """Store ``event`` (with its outbox entry) and the dossier's new projection."""
        self.update_row(dossier)
        if reindex:
            rowid = self.db.conn.execute(
                "SELECT rowid FROM dossiers WHERE uuid = ?", (dossier.uuid,)
            ).fetchone()[0]
            if rowid > self._search_indexed():  # not indexed yet: its batch takes it as it is
                self.flush_search()
            self.db.conn.execute("DELETE FROM dossier_search WHERE rowid = ?", (rowid,))
            self.db.conn.execute(
                "INSERT INTO dossier_search (rowid, text) VALUES (?, ?)",
                (rowid, _search_text(dossier)),
            )
        self._add_event(event, queued_at)

    def stored_payload(self, event: Event) -> dict[str, Any]:
        """The payload as stored and sent: a creating event's papers by reference."""
        if event.kind in _CREATING_KINDS:
            return self.checklists.compact(event.payload)
        return event.payload

    def sent(self, event: Event) -> Event:
        """``event`` as sent (read back from the store): the catalogue texts a stored creating
        payload left out written back; its papers stay by reference."""
        payload = self.checklists.with_texts(event.payload)
        return event if payload is event.payload else replace(event, payload=payload)

    def _add_event(self, event: Event, queued_at: datetime) -> None:
        row = event_to_row(replace(event, payload=self.stored_payload(event)))
        cur = self.db.conn.execute("INSERT INTO events VALUES (?,?,?,?,?,?,?,?)", row)
        projection.record_event(self.db.conn, event.dossier_uuid, int(cur.lastrowid or 0))
        chained = ChainRepository(self.db, []).append(SOURCE_EVENT, event.uuid, row)  # own
        self.db.conn.execute(
            "INSERT INTO outbox (event_uuid, queued_at, chain_pos) VALUES (?, ?, ?)",
            (event.uuid, queued_at.isoformat(), chained.pos),
        )

    def by_uuid(self, uuid: str) -> Dossier | None:
        row = self.db.conn.execute(
            f"SELECT {_DATA} FROM dossiers WHERE uuid = ?", (uuid,)
        ).fetchone()
        return self._dossier(row[0]) if row else None

    def by_code(self, code: str) -> Dossier | None:
        row = self.db.conn.execute(
            f"SELECT {_DATA} FROM dossiers WHERE code = ?", (code,)
        ).fetchone()
        return self._dossier(row[0]) if row else None

    def events_of(self, dossier_uuid: str) -> list[Event]:
        rows = self.db.conn.execute(
            "SELECT uuid, dossier_uuid, kind, station_id, seq, officer, at, payload "
            "FROM events WHERE rowid IN"
            " (SELECT event_rowid FROM event_dossiers WHERE dossier_uuid = ?)",
            (dossier_uuid,),
        ).fetchall()
        return sorted((self.expanded(event_from_row(r)) for r in rows), key=Event.order_key)

    def expanded(self, event: Event) -> Event:
        """``event`` as the domain reads it: a creating event's papers in full."""
        if event.kind not in _CREATING_KINDS:
            return event
        payload = self.checklists.expand(event.payload)
        return event if payload is event.payload else replace(event, payload=payload)

    def search(self, text: str, *, limit: int = 50) -> list[Dossier]:
        """Newest dossiers whose index holds every folded word of ``text`` as a prefix."""
        tokens = search_tokens(text)
        if not tokens:
            return []
        match = " ".join(f'"{t}"*' for t in tokens)
        indexed = self._search_indexed()
        if (
            int(
                self.db.conn.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM dossiers WHERE rowid > ? LIMIT ?)",
                    (indexed, 4 * SEARCH_BATCH + 1),
                ).fetchone()[0]
            )
            > 4 * SEARCH_BATCH
        ):
            self.flush_search()  # rows stored by other means than a reception
            indexed = self._search_indexed()
        found: dict[int, Dossier] = {}
        for rowid, data in self.db.conn.execute(  # the batch not indexed yet, newest first
            f"SELECT rowid, {_DATA} FROM dossiers WHERE rowid > ? ORDER BY rowid DESC", (indexed,)
        ):
            dossier = self._dossier(data)
            words = _search_text(dossier).split()
            if all(any(w.startswith(t) for w in words) for t in tokens):
                found[rowid] = dossier
        sql = (
            f"SELECT d.rowid, {_DATA_D} FROM (SELECT rowid FROM dossier_search WHERE dossier_search"
            " MATCH ? ORDER BY rowid DESC LIMIT ?) AS s JOIN dossiers AS d ON d.rowid = s.rowid "
            "ORDER BY s.rowid DESC"
        )
        try:
            rows = self.db.conn.execute(sql, (match, limit)).fetchall()
        except sqlite3.OperationalError:
            # A word the index's tokenizer splits in two (a few rare non-Latin letters): with
            # ``detail = none`` (m0024) that is a phrase the index cannot answer. Its parts are
            # what the index holds of it.
            parts = [w for t in tokens for w in re.findall(r"[0-9A-Za-z]+", t)]
            match = " ".join(f'"{w}"*' for w in parts)
            rows = self.db.conn.execute(sql, (match, limit)).fetchall() if parts else []
        for rowid, data in rows:
            if rowid not in found:
                found[rowid] = self._dossier(data)
        return [found[r] for r in sorted(found, reverse=True)[:limit]]

    def count(self, *, statuses: Iterable[Status] | None = None) -> int:
        if statuses is None:
            return int(self.db.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0])
        values = [s.value for s in statuses]
        marks = ",".join("?" for _ in values)
        return int(
            self.db.conn.execute(
                f"SELECT count(*) FROM dossiers WHERE status IN ({marks})", values
            ).fetchone()[0]
        )

    def with_status(self, status: Status) -> list[Dossier]:
        """Every dossier in ``status`` (the ``status, due_at`` index), oldest rowid first."""
        rows = self.db.conn.execute(
            f"SELECT {_DATA} FROM dossiers WHERE status = ? ORDER BY rowid", (status.value,)
        ).fetchall()
        return [self._dossier(row[0]) for row in rows]

    def with_pending(self, *, limit: int = 200) -> list[Dossier]:
        """Open dossiers with a draft waiting for a leader (services/approvals.py)."""
        rows = self.db.conn.execute(
            f"SELECT {_DATA} FROM dossiers WHERE status IN"
            " ('received', 'in_progress', 'supplement_requested', 'awaiting_payment')"
            " AND json_array_length(data, '$.pending') > 0 ORDER BY rowid LIMIT ?",
            (limit,),
        ).fetchall()
        return [self._dossier(row[0]) for row in rows]

    def last_code(self) -> str | None:
        row = self.db.conn.execute(
            "SELECT code FROM dossiers WHERE code IS NOT NULL ORDER BY rowid DESC LIMIT 1"
        ).fetchone()
        return row[0] if row else None

    def iter_all(self, *, batch: int = 1000) -> Iterator[Dossier]:
        last = 0
        while True:
            rows = self.db.conn.execute(
                f"SELECT rowid, {_DATA} FROM dossiers WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (last, batch),
            ).fetchall()
            if not rows:
                return
            for rowid, data in rows:
                last = rowid
                yield self._dossier(data)

    def received_between(self, start: datetime, end: datetime) -> list[Dossier]:
        """Dossiers received in [start, end), newest first (uses the received_at index; times
        are stored in Vietnam time, so ISO strings compare in time order)."""
        rows = self.db.conn.execute(
            f"SELECT {_DATA} FROM dossiers WHERE received_at >= ? AND received_at < ? "
            "ORDER BY received_at DESC",
            (start.astimezone(VN_TZ).isoformat(), end.astimezone(VN_TZ).isoformat()),
        ).fetchall()
        return [self._dossier(r[0]) for r in rows]

    def statistics_facts(self, *, start: date, end: date) -> Iterator[DossierFacts]:
        """See :func:`statistics_facts`."""
        return statistics_facts(self.db, start=start, end=end)

    def outbox_size(self) -> int:
        return int(self.db.conn.execute("SELECT count(*) FROM outbox").fetchone()[0])

    def consistency_problems(self, *, limit: int = 20) -> list[str]:
        """Dossiers without a creating event or outbox-less events (should never happen)."""
        problems = []
        for (uuid,) in self.db.conn.execute(
            "SELECT uuid FROM dossiers d WHERE NOT EXISTS (SELECT 1 FROM event_dossiers x"
            " JOIN events e ON e.rowid = x.event_rowid WHERE x.dossier_uuid = d.uuid"
            " AND e.kind IN ('received','guided','refused')) LIMIT ?",
            (limit,),
        ):
            problems.append(f"dossier {uuid} has no creating event")
        for (uuid,) in self.db.conn.execute(
            "SELECT uuid FROM events e WHERE NOT EXISTS (SELECT 1 FROM dossiers d WHERE "
            "d.uuid = e.dossier_uuid) LIMIT ?",
            (limit,),
        ):
            problems.append(f"event {uuid} has no dossier")
        for (uuid,) in self.db.conn.execute(
            "SELECT uuid FROM events e WHERE NOT EXISTS (SELECT 1 FROM event_dossiers x"
            " WHERE x.event_rowid = e.rowid AND x.dossier_uuid = e.dossier_uuid) LIMIT ?",
            (limit,),
        ):
            problems.append(f"event {uuid} missing from the projection's event index")
        return problems

    def list_page(
        self,
        query: DossierListQuery,
        *,
        after: ListCursor | None = None,
        limit: int = 200,
    ) -> tuple[list[DossierListRow], ListCursor | None]:
        """One keyset page of the dossier list (light rows, no JSON decoded); see
        :mod:`counter_app.storage.dossier_list`. The cursor is None after the last page."""
        return dossier_list.list_page(self.db, query, after=after, limit=max(1, limit))

    def procedures_in_use(self) -> list[tuple[str, str]]:
        """(code, name) of the procedures of the stored dossiers, by code."""
        return dossier_list.procedures_in_use(self.db)

    def report_facts(self, *, start: date, end: date) -> Iterator[tuple[str, str, DossierFacts]]:
        """See :func:`report_facts`."""
        return report_facts(self.db, start=start, end=end)

    def register_of_year(self, *, year: int, station_id: str | None = None) -> list[Dossier]:
        """The dossiers entered in the register of ``year`` (received that year, with a
        register number) at any counter of the office, or at ``station_id`` only, by
        reception time."""
        # The register number may live in the creating event rather than the row (compact
        # rows): decoded rows are filtered, not the row's JSON.
        where = "" if station_id is None else "AND station_id = ? "
        rows = self.db.conn.execute(
            f"SELECT {_DATA} FROM dossiers WHERE received_at >= ? AND received_at < ? "
            f"{where}ORDER BY received_at",
            (f"{year:04d}-01-01", f"{year + 1:04d}-01-01")
            + (() if station_id is None else (station_id,)),
        ).fetchall()
        found = (self._dossier(r[0]) for r in rows)
        return [d for d in found if d.register_no]


@dataclass(frozen=True, slots=True)
class PrintRecord:
    """One archived print of a slip (every print, first or reprint, is kept)."""

    dossier_uuid: str
    form: str
    size: str
    sha256: str
    path: str
    reprint: bool
    printed_at: datetime
    officer: str


class PrintArchiveRepository:
    """The log of printed slips; the PDF files themselves live under the data folder."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, record: PrintRecord) -> None:
        self.db.conn.execute(
            "INSERT INTO prints (dossier_uuid, form, size, sha256, path, reprint, printed_at,"
            " officer) VALUES (?,?,?,?,?,?,?,?)",
            (
                record.dossier_uuid,
                record.form,
                record.size,
                record.sha256,
                record.path,
                int(record.reprint),
                record.printed_at.isoformat(),
                record.officer,
            ),
        )

    def of_dossier(self, dossier_uuid: str) -> list[PrintRecord]:
        rows = self.db.conn.execute(
            "SELECT dossier_uuid, form, size, sha256, path, reprint, printed_at, officer "
            "FROM prints WHERE dossier_uuid = ? ORDER BY id",
            (dossier_uuid,),
        ).fetchall()
        return [
            PrintRecord(d, f, s, h, p, bool(r), datetime.fromisoformat(at), o)
            for d, f, s, h, p, r, at, o in rows
        ]


_FACTS_SQL = (
    "SELECT uuid, procedure_code, procedure_name, procedure_field, channel, status,"
    " received_at, stats_due_at, finished_at, digitised,"
    " CASE WHEN status = 'stopped' THEN json_extract(data, '$.outcome') END FROM dossiers"
    " WHERE status NOT IN ('guided', 'refused', 'online_submitted')"
    " AND received_at < ? AND (finished_at IS NULL OR finished_at >= ?)"
)
_WITHDRAWN = frozenset({Status.WITHDRAWN.value, Status.STOPPED.value})


def _closed_as(status: str, outcome: str | None) -> str:
    """``DossierFacts.closed_as``: a stopped dossier's outcome tells a stop (Mau 05) from a
    closure after an unanswered supplement request (outcome ``supplement_expired``)."""
    if status == Status.WITHDRAWN.value:
        return "withdrawn"
    if status == Status.STOPPED.value:
        return "supplement_expired" if outcome == "supplement_expired" else "stopped"
    return ""


def report_facts(
    db: Database, *, start: date, end: date
) -> Iterator[tuple[str, str, DossierFacts]]:
    """(procedure code, procedure name, facts) of the dossiers a period report counts:
    received by ``end`` and not finished before ``start`` (two days' margin each way; the
    domain decides by Vietnam date), never-received ones excluded. Columns only: a year of a
    busy office is read without decoding a single dossier's JSON."""
    parse = datetime.fromisoformat
    channels = {int(c): c for c in Channel}
    rows = db.conn.execute(
        _FACTS_SQL,
        ((end + timedelta(days=2)).isoformat(), (start - timedelta(days=2)).isoformat()),
    )
    for uuid, code, name, field, channel, status, received, due, finished, digitised, how in rows:
        facts = DossierFacts(
            uuid=uuid,
            field=field or "",
            channel=channels[int(channel)],
            received_at=parse(received),
            due_at=parse(due) if due else None,
            finished_at=parse(finished) if finished else None,
            withdrawn=status in _WITHDRAWN,
            digitised=bool(digitised),
            closed_as=_closed_as(status, how),
        )
        yield code, name or "", facts


def statistics_facts(db: Database, *, start: date, end: date) -> Iterator[DossierFacts]:
    """The facts of :func:`report_facts`, without the procedure."""
    return (facts for _, _, facts in report_facts(db, start=start, end=end))
