"""Reference data the province publishes to its stations (DESIGN §7).

- the procedure catalogue (province-wide), as catalogue records (``sync_protocol``);
- the working-day calendar per year (province-wide): confirmed or estimated, days off,
  make-up working days;
- the office names of each agency (``agencies``);
- the officer accounts of each office (argon2 hashes only; the password never reaches the
  server's database).

Every write takes the ``reference`` advisory lock, then a new number of the
``reference_version`` sequence, in one transaction: versions follow commit order, so a
station asking "what changed after N" never misses a row committed later.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from province_server.errors import AdminError
from sync_protocol import (
    CalendarDayWire,
    CalendarYearWire,
    OfficerWire,
    OfficeWire,
    ProtocolError,
    ReferenceResponse,
    catalogue_record,
)
from sync_protocol.reference import ROLES, USERNAME_RE

_AGENCY_RE = re.compile(r"^[0-9A-Z]+(\.[0-9A-Z]+)*$")
_LOCK = "reference"
_SATURDAY = 5


def next_version(conn: psycopg.Connection) -> int:
    """A new reference version; call inside the writing transaction (takes the lock)."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (_LOCK,))
    row = conn.execute("SELECT nextval('reference_version')").fetchone()
    assert row is not None
    return int(row[0])


def agency_or_error(agency_id: str) -> str:
    agency = agency_id.strip().upper()
    if len(agency) > 35 or not _AGENCY_RE.match(agency):
        raise AdminError(f"invalid agency identifier {agency_id!r}")
    return agency


# --- catalogue ------------------------------------------------------------------------------


def read_catalogue(path: Path) -> list[dict[str, Any]]:
    """The validated records of a catalogue file (a JSON list, the shipped format)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise AdminError(f"cannot read {path}: {error.strerror}") from None
    except ValueError:
        raise AdminError(f"{path} is not JSON") from None
    if not isinstance(raw, list):
        raise AdminError(f"{path}: a JSON list of procedures expected")
    records = []
    for index, item in enumerate(raw):
        try:
            records.append(catalogue_record(item))
        except ProtocolError as error:
            raise AdminError(f"{path}: procedure #{index + 1}: {error.detail}") from None
    return records


def load_catalogue(conn: psycopg.Connection, records: Iterable[dict[str, Any]]) -> int:
    """Insert or update procedures (by code); return how many changed. One transaction.

    A record identical to the stored one keeps its version (stations get only changes).
    """
    rows = list(records)
    with conn.transaction():
        version = next_version(conn)
        changed = conn.execute(
            "INSERT INTO procedures (code, record, version) "
            "SELECT r->>'code', r, %s FROM jsonb_array_elements(%s::jsonb) AS t(r) "
            "ON CONFLICT (code) DO UPDATE SET record = excluded.record, "
            "version = excluded.version, updated_at = now() "
            "WHERE procedures.record IS DISTINCT FROM excluded.record RETURNING code",
            (version, json.dumps(rows, ensure_ascii=False)),
        ).fetchall()
    return len(changed)


def catalogue_is_empty(conn: psycopg.Connection) -> bool:
    return conn.execute("SELECT NOT EXISTS (SELECT 1 FROM procedures)").fetchone() == (True,)


# --- calendar -------------------------------------------------------------------------------


def _parse_dates(values: Iterable[str], year: int, *, weekend: bool) -> list[date]:
    days = []
    for value in values:
        for part in (p.strip() for p in value.split(",")):
            if not part:
                continue
            try:
                day = date.fromisoformat(part)
            except ValueError:
                raise AdminError(f"not an ISO date (YYYY-MM-DD): {part!r}") from None
            if day.year != year:
                raise AdminError(f"{part} is not in {year}")
            if (day.weekday() >= _SATURDAY) != weekend:
                kind = "a Saturday or Sunday" if weekend else "a weekday (Monday to Friday)"
                raise AdminError(f"{part} must be {kind}")
            days.append(day)
    return sorted(set(days))


def set_calendar(
    conn: psycopg.Connection,
    *,
    year: int,
    days_off: Iterable[str],
    working_days: Iterable[str],
    confirmed: bool,
    estimated: Iterable[str] = (),
    source: str = "",
) -> CalendarYearWire:
    """Publish the calendar of ``year`` (replacing what was published). One transaction.

    Days off must be weekdays and make-up working days weekends, all in ``year``. With
    ``estimated`` (days off or make-up days not announced yet) the year is partly announced:
    every day is noted, announced unless listed (with ``source``), and the year is not
    confirmed. Without it the year is published as before (no notes).
    """
    if not 2000 <= year <= 2100:
        raise AdminError("the year must be 2000..2100")
    off = _parse_dates(days_off, year, weekend=False)
    work = _parse_dates(working_days, year, weekend=True)
    guessed = set(_parse_any_dates(estimated, year))
    if not guessed <= set(off) | set(work):
        raise AdminError("an estimated day must be one of the days off or make-up days")
    notes: tuple[CalendarDayWire, ...] = ()
    if guessed:
        confirmed = False
        notes = tuple(
            CalendarDayWire(d.isoformat(), kind, source=source[:500], announced=d not in guessed)
            for d, kind in sorted([(d, "off") for d in off] + [(d, "working") for d in work])
        )
    with conn.transaction():
        version = next_version(conn)
        conn.execute(
            "INSERT INTO calendar_years (year, confirmed, days_off, extra_working_days, days,"
            " version) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (year) DO UPDATE SET "
            "confirmed = excluded.confirmed, days_off = excluded.days_off, "
            "extra_working_days = excluded.extra_working_days, days = excluded.days, "
            "version = excluded.version, updated_at = now()",
            (year, confirmed, off, work, Jsonb([n.to_json() for n in notes]), version),
        )
    return CalendarYearWire(
        year,
        confirmed,
        tuple(d.isoformat() for d in off),
        tuple(d.isoformat() for d in work),
        notes,
    )


def _parse_any_dates(values: Iterable[str], year: int) -> list[date]:
    """ISO dates of ``year``, weekdays or weekend days (``YYYY-MM-DD[,...]`` each)."""
    parts = [p.strip() for value in values for p in value.split(",") if p.strip()]
    return [d for p in parts for d in _parse_dates([p], year, weekend=_is_weekend(p))]


def _is_weekend(value: str) -> bool:
    try:
        return date.fromisoformat(value.strip()).weekday() >= _SATURDAY
    except ValueError:
        raise AdminError(f"not an ISO date (YYYY-MM-DD): {value!r}") from None


# --- offices and officers -------------------------------------------------------------------


def set_office(
    conn: psycopg.Connection,
    *,
    agency_id: str,
    parent_body: str | None = None,
    unit_name: str | None = None,
    place_name: str | None = None,
) -> OfficeWire:
    """Create the agency or change the names given (None keeps a name). One transaction."""
    agency = agency_or_error(agency_id)
    names = {"parent_body": parent_body, "unit_name": unit_name, "place_name": place_name}
    for key, value in names.items():
        if value is not None and len(value.strip()) > 300:
            raise AdminError(f"{key} is longer than 300 characters")
    with conn.transaction():
        version = next_version(conn)
        row = conn.execute(
            "INSERT INTO agencies (id, parent_body, unit_name, place_name, version) "
            "VALUES (%s, COALESCE(%s, ''), COALESCE(%s, ''), COALESCE(%s, ''), %s) "
            "ON CONFLICT (id) DO UPDATE SET "
            "parent_body = COALESCE(%s, agencies.parent_body), "
            "unit_name = COALESCE(%s, agencies.unit_name), "
            "place_name = COALESCE(%s, agencies.place_name), version = excluded.version "
            "RETURNING id, parent_body, unit_name, place_name",
            (
                agency,
                *(v.strip() if v is not None else None for v in names.values()),
                version,
                *(v.strip() if v is not None else None for v in names.values()),
            ),
        ).fetchone()
    assert row is not None
    return OfficeWire(*row)


def add_officer(
    conn: psycopg.Connection,
    *,
    agency_id: str,
    username: str,
    full_name: str,
    role: str,
    password_hash: str,
    active: bool = True,
) -> OfficerWire:
    """Create or replace an officer account of an office (the office must exist)."""
    agency = agency_or_error(agency_id)
    if not USERNAME_RE.match(username):
        raise AdminError("the username must be 3-32 lower-case letters, digits, . _ -")
    if role not in ROLES:
        raise AdminError(f"the role must be one of {', '.join(ROLES)}")
    name = full_name.strip()
    if not name or len(name) > 200:
        raise AdminError("the full name must be 1-200 characters")
    if not password_hash.startswith("$argon2") or len(password_hash) > 500:
        raise AdminError("the password hash must be an argon2 hash ($argon2id$...)")
    with conn.transaction():
        exists = conn.execute("SELECT 1 FROM agencies WHERE id = %s", (agency,)).fetchone()
        if exists is None:
            raise AdminError(f"unknown agency {agency}: create it with set-office first")
        version = next_version(conn)
        conn.execute(
            "INSERT INTO officers (agency_id, username, full_name, role, password_hash, active,"
            " version) VALUES (%s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (agency_id, username) DO UPDATE SET full_name = excluded.full_name, "
            "role = excluded.role, password_hash = excluded.password_hash, "
            "active = excluded.active, version = excluded.version, updated_at = now()",
            (agency, username, name, role, password_hash, active, version),
        )
    return OfficerWire(username, name, role, password_hash, active)


# --- what a station receives ----------------------------------------------------------------


def changes_since(conn: psycopg.Connection, agency_id: str, since: int) -> ReferenceResponse:
    """Reference rows of the province and of office ``agency_id`` with version > ``since``.

    Read in one REPEATABLE READ snapshot, so the answer's version covers exactly what it
    carries.
    """
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        procedures = conn.execute(
            "SELECT record, version FROM procedures WHERE version > %s ORDER BY code", (since,)
        ).fetchall()
        years = conn.execute(
            "SELECT year, confirmed, days_off, extra_working_days, days, version "
            "FROM calendar_years WHERE version > %s ORDER BY year",
            (since,),
        ).fetchall()
        office = conn.execute(
            "SELECT id, parent_body, unit_name, place_name, version FROM agencies "
            "WHERE id = %s AND version > %s",
            (agency_id, since),
        ).fetchone()
        officers = conn.execute(
            "SELECT username, full_name, role, password_hash, active, version FROM officers "
            "WHERE agency_id = %s AND version > %s ORDER BY username",
            (agency_id, since),
        ).fetchall()
    versions = [since, *(r[-1] for r in procedures), *(r[-1] for r in years)]
    versions += [r[-1] for r in officers] + ([office[-1]] if office else [])
    return ReferenceResponse(
        version=int(max(versions)),
        procedures=tuple(r[0] for r in procedures),
        calendar_years=tuple(
            CalendarYearWire(
                int(y),
                bool(c),
                tuple(d.isoformat() for d in off),
                tuple(d.isoformat() for d in w),
                tuple(CalendarDayWire.from_json(n, int(y)) for n in notes or ()),
            )
            for y, c, off, w, notes, _ in years
        ),
        office=OfficeWire(*office[:4]) if office else None,
        officers=tuple(OfficerWire(u, n, r, h, bool(a)) for u, n, r, h, a, _ in officers),
        server_time=datetime.now(UTC).isoformat(),
    )
