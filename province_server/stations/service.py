"""Stations: one-time enrolment codes, station tokens, revocation, authentication.

Secrets are never stored: enrolment codes and station tokens are kept as SHA-256 hex digests
(both are long random values, so a plain digest is enough; no password stretching needed).
A code works once, before it expires; a revoked station's token is refused (HTTP 401).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg

from province_server.errors import AdminError
from province_server.reference.service import next_version
from sync_protocol import EnrolResponse
from sync_protocol.codes import MAX_STATION_NUMBER, prefix_of_station
from sync_protocol.lan import new_secret

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
_AGENCY_RE = re.compile(r"^[0-9A-Z]+(\.[0-9A-Z]+)*$")


@dataclass(frozen=True, slots=True)
class Station:
    """An enrolled, not revoked station (the caller of a sync request)."""

    id: str
    agency_id: str
    prefix: str


@dataclass(frozen=True, slots=True)
class IssuedCode:
    code: str
    station_id: str
    station_prefix: str
    expires_at: datetime


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    """Codes are typed by people: case, spaces and dashes do not matter."""
    return re.sub(r"[\s\-]", "", code).upper()


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def issue_code(
    conn: psycopg.Connection,
    *,
    agency_id: str,
    station_number: int,
    ttl_hours: int,
    parent_body: str = "",
    unit_name: str = "",
    place_name: str = "",
) -> IssuedCode:
    """Create (or reuse) station ``station_number`` of ``agency_id`` and issue it a code.

    Guarantees: the 3-digit prefix (``f"{station_number:03d}"``, 001..999) is unique in the
    province (a number already held by another agency is refused; a station enrolled with a
    2-digit prefix holds the 3-digit form of its number, Alembic r0012); re-issuing for an
    existing station keeps its id, so events it queued keep their owner, and its next
    enrolment replaces its token. One transaction.
    """
    agency = agency_id.strip().upper()
    if len(agency) > 35 or not _AGENCY_RE.match(agency):
        raise AdminError(f"invalid agency identifier {agency_id!r}")
    if not 1 <= station_number <= MAX_STATION_NUMBER:
        raise AdminError(
            f"the station number must be 1..{MAX_STATION_NUMBER} "
            "(000 and 000NN are for stations set up offline)"
        )
    prefix = prefix_of_station(station_number)
    code = _new_code()
    with conn.transaction():
        version = next_version(conn)  # office names may change: stations get them again
        conn.execute(
            "INSERT INTO agencies (id, parent_body, unit_name, place_name, version) "
            "VALUES (%s,%s,%s,%s,%s) ON CONFLICT (id) DO UPDATE SET "
            "parent_body = COALESCE(NULLIF(excluded.parent_body, ''), agencies.parent_body), "
            "unit_name = COALESCE(NULLIF(excluded.unit_name, ''), agencies.unit_name), "
            "place_name = COALESCE(NULLIF(excluded.place_name, ''), agencies.place_name), "
            "version = excluded.version",
            (agency, parent_body, unit_name, place_name, version),
        )
        row = conn.execute(
            "SELECT id::text, agency_id FROM stations WHERE prefix = %s FOR UPDATE", (prefix,)
        ).fetchone()
        if row is None:
            station_id = str(uuid.uuid4())
            conn.execute(
                "INSERT INTO stations (id, agency_id, prefix) VALUES (%s, %s, %s)",
                (station_id, agency, prefix),
            )
        elif row[1] != agency:
            raise AdminError(f"station number {prefix} already belongs to agency {row[1]}")
        else:
            station_id = row[0]
        expires = conn.execute(
            "INSERT INTO enrolment_codes (code_hash, station_id, expires_at) "
            "VALUES (%s, %s, now() + make_interval(hours => %s)) RETURNING expires_at",
            (digest(normalise_code(code)), station_id, ttl_hours),
        ).fetchone()
    assert expires is not None
    return IssuedCode(code, station_id, prefix, expires[0])


def enrol(
    conn: psycopg.Connection,
    code: str,
    *,
    former_prefixes: tuple[str, ...] = (),
    former_station_ids: tuple[str, ...] = (),
) -> EnrolResponse | None:
    """Spend a one-time code: a new station token, or None if the code is not valid now.

    Guarantees: under concurrent use of one code at most one caller gets a token (the code
    row is locked); the token is returned once and only its digest is stored. The offline
    prefixes (``000NN``) the station declares become its former ones, so the codes it minted
    before stay its own (``ownership.add_offline_prefixes``); the answer holds every
    high-water mark of the station (enrolment and re-enrolment alike).
    """
    from province_server.stations.ownership import (
        add_aliases,
        add_offline_prefixes,
        last_event_seq,
        marks_wire,
    )

    token = secrets.token_urlsafe(32)
    with conn.transaction():
        row = conn.execute(
            "SELECT c.code_hash, s.id::text, s.agency_id, s.prefix, a.parent_body, a.unit_name,"
            " a.place_name FROM enrolment_codes c JOIN stations s ON s.id = c.station_id"
            " JOIN agencies a ON a.id = s.agency_id"
            " WHERE c.code_hash = %s AND c.used_at IS NULL AND c.expires_at > now()"
            " FOR UPDATE OF c",
            (digest(normalise_code(code)),),
        ).fetchone()
        if row is None:
            return None
        code_hash, station_id, agency, prefix, parent_body, unit_name, place_name = row
        conn.execute(
            "UPDATE enrolment_codes SET used_at = now() WHERE code_hash = %s", (code_hash,)
        )
        conn.execute(
            "UPDATE stations SET token_hash = %s, enrolled_at = now(), revoked_at = NULL "
            "WHERE id = %s",
            (digest(token), station_id),
        )
        add_offline_prefixes(conn, station_id, former_prefixes)
        if any(p.startswith("000") for p in former_prefixes):  # an offline set-up's own id
            add_aliases(conn, station_id, former_station_ids)
        marks = marks_wire(conn, station_id)
        seq = last_event_seq(conn, Station(station_id, agency, prefix))
        office_secret = _office_secret(conn, agency)
    return EnrolResponse(
        token=token,
        agency_id=agency,
        station_id=station_id,
        station_prefix=prefix,
        parent_body=parent_body,
        unit_name=unit_name,
        place_name=place_name,
        server_time=datetime.now(UTC).isoformat(),
        high_water=marks,
        event_seq=seq,
        office_secret=office_secret,
    )


def _office_secret(conn: psycopg.Connection, agency_id: str) -> str:
    """The office's LAN secret (issue 15, Alembic r0020), made at its first enrolment; every
    station of the office gets the same one (in the caller's transaction)."""
    row = conn.execute(
        "UPDATE agencies SET lan_secret = COALESCE(lan_secret, %s) WHERE id = %s"
        " RETURNING lan_secret",
        (new_secret(), agency_id),
    ).fetchone()
    return str(row[0]) if row and row[0] else ""


def revoke(conn: psycopg.Connection, station_id: str) -> bool:
    """Refuse the station's token from now on and void its unused codes; False if unknown."""
    try:
        uuid.UUID(station_id)
    except ValueError:
        raise AdminError(f"not a station id: {station_id!r}") from None
    with conn.transaction():
        found = conn.execute(
            "UPDATE stations SET revoked_at = now() WHERE id = %s RETURNING id", (station_id,)
        ).fetchone()
        conn.execute(
            "UPDATE enrolment_codes SET expires_at = now() WHERE station_id = %s "
            "AND used_at IS NULL",
            (station_id,),
        )
    return found is not None


def authenticate(conn: psycopg.Connection, token: str) -> Station | None:
    """The enrolled, not revoked station holding ``token``, else None."""
    row = conn.execute(
        "SELECT id::text, agency_id, prefix FROM stations "
        "WHERE token_hash = %s AND revoked_at IS NULL",
        (digest(token),),
    ).fetchone()
    return Station(row[0], row[1], row[2]) if row else None


def touch(conn: psycopg.Connection, station: Station) -> None:
    """Record that the station synced now (the dashboard's "last sync"); at most one write
    per station every few seconds, so a burst of requests does not rewrite the row."""
    conn.execute(
        "UPDATE stations SET last_sync_at = now() WHERE id = %s AND "
        "(last_sync_at IS NULL OR last_sync_at < now() - interval '5 seconds')",
        (station.id,),
    )
