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
- carries the station's enrolled prefix followed by at least 4 digits;

any other is refused as ``foreign_code``, so no station can take another's next codes. A
``received`` event without a code is refused as ``invalid_event`` (it mints one by definition).

The same push keeps ``code_high_water`` (Alembic r0009): per station, deciding agency and day,
the highest counter of the codes it got stored, so a station that lost its data can learn where
to continue (issue 12). ``foreign_codes`` lists stored dossiers whose code does not belong to
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

_CODE_RE = re.compile(
    r"^(?P<agency>[0-9A-Z]+(?:\.[0-9A-Z]+)*)-(?P<day>\d{6})-(?P<seq>\d{4,18})$", re.ASCII
)
_LEVEL1_RE = re.compile(r"^[A-Z]\d{2}$", re.ASCII)
MIN_COUNTER_DIGITS = 4
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


def parse_owned(code: str, *, agency_id: str, prefix: str) -> MintedCode | None:
    """The code's agency, day and counter when it was minted for ``agency_id`` by the station
    holding ``prefix``; None otherwise (scope is checked by :func:`code_refusal`)."""
    match = _CODE_RE.fullmatch(code)
    if match is None or match["agency"] != agency_id:
        return None
    seq = match["seq"]
    if not seq.startswith(prefix) or len(seq) - len(prefix) < MIN_COUNTER_DIGITS:
        return None
    raw = match["day"]
    try:
        day = date(2000 + int(raw[:2]), int(raw[2:4]), int(raw[4:]))
    except ValueError:
        return None
    counter = int(seq[len(prefix) :])
    return MintedCode(agency_id, day, counter) if counter >= 1 else None


def code_refusal(station: Station, kind: str, agency_id: str, code: str | None) -> str | None:
    """Why a creating event of ``station`` may not hold ``code`` (a RejectReason), or None."""
    if code is None:
        return RejectReason.INVALID_EVENT if kind in MINTING_KINDS else None
    if not level1(agency_id) & level1(station.agency_id):
        return RejectReason.FOREIGN_CODE
    if parse_owned(code, agency_id=agency_id, prefix=station.prefix) is None:
        return RejectReason.FOREIGN_CODE
    return None


def record_high_water(
    conn: psycopg.Connection, station: Station, codes: list[tuple[str, str | None]]
) -> None:
    """Raise the station's high-water marks to the (agency, code) pairs it got stored now."""
    highest: dict[tuple[str, date], int] = {}
    for agency_id, code in codes:
        minted = code and parse_owned(code, agency_id=agency_id, prefix=station.prefix)
        if minted:
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
    found = []
    for code, uuid, agency, station_id, prefix, station_agency, owner in rows:
        station = Station(station_id, station_agency, prefix)
        if code_refusal(station, "received", agency, code) is not None:
            found.append(ForeignCode(code, uuid, station_id, prefix, owner))
    return found
