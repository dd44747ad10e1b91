"""Dossier codes belong to the station that minted them (DESIGN §4, issue 17 item 3).

A code is ``<deciding agency>-<YYMMDD>-<station prefix><daily counter ≥ 4 digits>``. Prefixes are
unique in the province and assigned at enrolment, so a code can only have been minted by the
station whose prefix it carries. The push accepts a creating event that carries a code only
when the code

- parses (a real date, a sequence of digits),
- names the deciding agency the event names (``payload.agency_id``),
- lies in the station's agency scope: the deciding agency has the same level-1 code (``H56``,
  the province) as the office the station enrolled for — a commune centre receives for any
  agency of its province (Decree 118/2025), never for another province's,
- carries one of the station's prefixes followed by at least 4 digits: its enrolled 3-digit
  prefix, its old 2-digit one (Alembic r0012; a widened old code only for days up to the day
  it became former) or an offline ``000NN`` it declared at enrolment (``station_prefixes``);

any other is refused as ``foreign_code``, so no station can take another's next codes. A
``received`` event without a code is refused as ``invalid_event`` (it mints one by definition).

The same push keeps ``code_high_water`` (Alembic r0009): per station, deciding agency and day,
the highest counter of the codes it got stored, so a station that lost its data can learn where
to continue (issue 12); counters of the recovery range (``sync_protocol.codes``) are never
marks. The marks go back to the station at enrolment, in every pull (recent days) and at
``GET /stations/marks`` (all). ``foreign_codes`` lists stored dossiers whose code does not belong to
the station that created them (``province-server check-codes``, for data stored before this
check existed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import psycopg

from province_server.stations.service import Station
from sync_protocol import RejectReason
from sync_protocol.codes import (
    LEGACY_PREFIX_DIGITS,
    MIN_COUNTER_DIGITS,
    RECOVERY_BASE,
    HighWater,
    counter_after,
    is_offline_prefix,
)

_CODE_RE = re.compile(
    r"^(?P<agency>[0-9A-Z]+(?:\.[0-9A-Z]+)*)-(?P<day>\d{6})-(?P<seq>\d{4,18})$", re.ASCII
)
_LEVEL1_RE = re.compile(r"^[A-Z]\d{2}$", re.ASCII)
RECENT_DAYS = 2  # a pull answers the marks of today and the days before (server date)
MINTING_KINDS = frozenset({"received"})  # creating kinds that always carry a new code


@dataclass(frozen=True, slots=True)
class MintedCode:
    """The parts of a code that belongs to a station."""

    agency_id: str
    day: date
    counter: int


def level1(agency_id: str) -> frozenset[str]:
    """The level-1 code(s) of an agency identifier: its first or last group shaped ``H56``."""
    groups = agency_id.split(".")
    return frozenset(g for g in (groups[0], groups[-1]) if _LEVEL1_RE.fullmatch(g))


@dataclass(frozen=True, slots=True)
class Prefixes:
    """A station's prefixes: the enrolled one and the former ones (prefix, last day or None)."""

    current: str
    former: tuple[tuple[str, date | None], ...] = ()


def owned_prefixes(conn: psycopg.Connection, station: Station) -> Prefixes:
    """The station's enrolled prefix and its former ones (``station_prefixes``, r0012)."""
    rows = conn.execute(
        "SELECT prefix, until_day FROM station_prefixes WHERE station_id = %s ORDER BY prefix",
        (station.id,),
    ).fetchall()
    return Prefixes(station.prefix, tuple((p, d) for p, d in rows))


def _counter(seq: str, day: date, prefixes: Prefixes) -> int | None:
    found = counter_after(seq, prefixes.current)
    if found is not None:
        return found
    for prefix, until in prefixes.former:
        found = counter_after(seq, prefix)
        if found is None:
            continue
        widened = len(seq) > len(prefix) + MIN_COUNTER_DIGITS
        if len(prefix) == LEGACY_PREFIX_DIGITS and widened and until is not None and day > until:
            continue  # 07 + 10000 after 07 became 007 reads as station 071's code
        return found
    return None


def parse_owned(code: str, *, agency_id: str, prefixes: Prefixes | str) -> MintedCode | None:
    """The code's agency, day and counter when it was minted for ``agency_id`` by the station
    holding ``prefixes``; None otherwise (scope is checked by :func:`code_refusal`)."""
    if isinstance(prefixes, str):
        prefixes = Prefixes(prefixes)
    match = _CODE_RE.fullmatch(code)
    if match is None or match["agency"] != agency_id:
        return None
    raw = match["day"]
    try:
        day = date(2000 + int(raw[:2]), int(raw[2:4]), int(raw[4:]))
    except ValueError:
        return None
    counter = _counter(match["seq"], day, prefixes)
    return MintedCode(agency_id, day, counter) if counter is not None else None


def code_refusal(
    station: Station,
    kind: str,
    agency_id: str,
    code: str | None,
    prefixes: Prefixes | None = None,
) -> str | None:
    """Why a creating event of ``station`` may not hold ``code`` (a RejectReason), or None."""
    if code is None:
        return RejectReason.INVALID_EVENT if kind in MINTING_KINDS else None
    if not level1(agency_id) & level1(station.agency_id):
        return RejectReason.FOREIGN_CODE
    owned = prefixes if prefixes is not None else Prefixes(station.prefix)
    if parse_owned(code, agency_id=agency_id, prefixes=owned) is None:
        return RejectReason.FOREIGN_CODE
    return None


def add_aliases(conn: psycopg.Connection, station_id: str, declared: tuple[str, ...]) -> None:
    """Keep the station ids an offline set-up gave itself (declared at enrolment, only while
    it declares an offline prefix too): its earlier events carry one and stay its own. An id
    already held by a station (or another's alias) is ignored."""
    for alias in declared:
        conn.execute(
            "INSERT INTO station_aliases (alias, station_id) SELECT %s, %s "
            "WHERE NOT EXISTS (SELECT 1 FROM stations WHERE id = %s) ON CONFLICT DO NOTHING",
            (alias, station_id, alias),
        )


def aliases(conn: psycopg.Connection, station: Station) -> frozenset[str]:
    """The former station ids whose events the station may push (``add_aliases``)."""
    rows = conn.execute(
        "SELECT alias::text FROM station_aliases WHERE station_id = %s", (station.id,)
    ).fetchall()
    return frozenset(r[0] for r in rows)


def add_offline_prefixes(
    conn: psycopg.Connection, station_id: str, declared: tuple[str, ...]
) -> None:
    """Keep the offline prefixes (``000NN``) a station declared at enrolment as its former
    ones (in the caller's transaction); any other declared prefix is ignored: a station can
    never claim an enrolled station's prefix."""
    offline = sorted({p for p in declared if is_offline_prefix(p)})
    if offline:
        conn.execute(
            "INSERT INTO station_prefixes (station_id, prefix, kind) "
            "SELECT %s, p, 'offline' FROM unnest(%s::text[]) AS t(p) ON CONFLICT DO NOTHING",
            (station_id, offline),
        )


def record_high_water(
    conn: psycopg.Connection,
    station: Station,
    codes: list[tuple[str, str | None]],
    prefixes: Prefixes | None = None,
) -> None:
    """Raise the station's high-water marks to the (agency, code) pairs it got stored now
    (recovery-range counters are never marks: each recovery block is unique already)."""
    owned = prefixes if prefixes is not None else Prefixes(station.prefix)
    highest: dict[tuple[str, date], int] = {}
    for agency_id, code in codes:
        minted = code and parse_owned(code, agency_id=agency_id, prefixes=owned)
        if minted and minted.counter < RECOVERY_BASE:
            key = (minted.agency_id, minted.day)
            highest[key] = max(minted.counter, highest.get(key, 0))
    if not highest:
        return
    keys = sorted(highest)
    conn.execute(
        "INSERT INTO code_high_water (station_id, agency_id, day, high) "
        "SELECT %s, a, d, h FROM unnest(%s::text[], %s::date[], %s::bigint[]) AS t(a, d, h) "
        "ON CONFLICT (station_id, agency_id, day) "
        "DO UPDATE SET high = GREATEST(code_high_water.high, excluded.high)",
        (
            station.id,
            [k[0] for k in keys],
            [k[1] for k in keys],
            [highest[k] for k in keys],
        ),
    )


def high_water_marks(conn: psycopg.Connection, station_id: str) -> dict[tuple[str, date], int]:
    """The station's highest stored counter per (deciding agency, day) (issue 12 item 3)."""
    rows = conn.execute(
        "SELECT agency_id, day, high FROM code_high_water WHERE station_id = %s", (station_id,)
    ).fetchall()
    return {(agency, day): int(high) for agency, day, high in rows}


def last_event_seq(conn: psycopg.Connection, station: Station) -> int:
    """The highest event sequence number of the station's stored events (0: none), through
    the office's events (index on agency, seq): a restored station continues past it."""
    row = conn.execute(
        "SELECT max(station_seq) FROM events WHERE agency_id = %s AND station_id = %s",
        (station.agency_id, station.id),
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def marks_wire(
    conn: psycopg.Connection, station_id: str, *, recent: bool = False
) -> tuple[HighWater, ...]:
    """The station's marks as sent on the wire: all of them, or (``recent``) those of the
    last :data:`RECENT_DAYS` days and later (server date), for every pull."""
    where = " AND day >= current_date - %s" if recent else ""
    params: tuple[object, ...] = (station_id, RECENT_DAYS) if recent else (station_id,)
    rows = conn.execute(
        "SELECT agency_id, day, high FROM code_high_water WHERE station_id = %s"
        + where
        + " ORDER BY day, agency_id",
        params,
    ).fetchall()
    return tuple(
        HighWater(agency, day, int(high)) for agency, day, high in rows if high < RECOVERY_BASE
    )


@dataclass(frozen=True, slots=True)
class ForeignCode:
    """A stored dossier whose code its creating station could not have minted."""

    code: str
    dossier_uuid: str
    station_id: str
    station_prefix: str
    owner_agency: str


def foreign_codes(conn: psycopg.Connection) -> list[ForeignCode]:
    """Stored dossiers whose code does not belong to the station that created them, by code.

    Read-only: a forged dossier is listed for the administrator to settle, never changed.
    """
    rows = conn.execute(
        "SELECT d.code, d.uuid::text, d.agency_id, s.id::text, s.prefix, s.agency_id,"
        " d.owner_agency FROM dossiers d JOIN stations s ON s.id = d.station_id "
        "WHERE d.code IS NOT NULL ORDER BY d.code"
    ).fetchall()
    former: dict[str, list[tuple[str, date | None]]] = {}
    for station_id, prefix, until in conn.execute(
        "SELECT station_id::text, prefix, until_day FROM station_prefixes ORDER BY prefix"
    ).fetchall():
        former.setdefault(station_id, []).append((prefix, until))
    found = []
    for code, uuid, agency, station_id, prefix, station_agency, owner in rows:
        station = Station(station_id, station_agency, prefix)
        owned = Prefixes(prefix, tuple(former.get(station_id, ())))
        if code_refusal(station, "received", agency, code, owned) is not None:
            found.append(ForeignCode(code, uuid, station_id, prefix, owner))
    return found
