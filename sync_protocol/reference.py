"""Reference data of protocol v1: ``GET /api/v1/reference?since=<version>``.

The province publishes the procedure catalogue, the working-day calendar per year, the
office names of each agency and the officer accounts of each office. Every change gets a
new *reference version* (a server sequence, in commit order); a station asks for what
changed after the version it holds and stores the answer's ``version`` with what it applied.

Guarantees: ``from_json`` validates everything (shape, types, dates in their year, roles,
argon2 hashes) and raises :class:`ProtocolError` otherwise; ``X.from_json(x.to_json()) == x``.
A catalogue record keeps the field names of ``resources/catalogue/procedures.json`` (only
those the counter reads: :func:`catalogue_record` drops the rest), so the counter converts
it with the same code that loads its shipped catalogue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sync_protocol.v1 import (
    MAX_SEQ,
    ProtocolError,
    _bool,
    _bundle_key,
    _fail,
    _instant,
    _int,
    _list,
    _obj,
    _str,
    check_json_value,
    opt_url,
)

MAX_PROCEDURES = 20_000
MAX_OFFICERS = 1_000
ROLES = ("officer", "leader", "admin")
PROCEDURE_CODE_RE = re.compile(r"^[0-9A-Za-z.\-_]{1,40}$")
USERNAME_RE = re.compile(r"^[a-z][a-z0-9._-]{2,31}$")
_LONG = 20_000  # names and texts of the catalogue can be long (legal wording)
_TEXT_KEYS = (
    "field",
    "level",
    "processing_unit",
    "processing_days_source",
    "processing_time_text",
    "fee_text",
    "decision_no",
    "catalogue_version",
)
_NUMBER_KEYS = ("processing_days", "processing_amount")
_DOCUMENT_TEXT_KEYS = ("form", "group")


def _opt_text(data: dict[str, Any], key: str, *, max_len: int = _LONG) -> str | None:
    return None if data.get(key) is None else _str(data, key, max_len=max_len, empty=True)


def _opt_number(data: dict[str, Any], key: str) -> float | int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1e6:
        raise _fail(f"{key}: number 0..1000000 expected")
    return value


def _document(value: Any) -> dict[str, Any]:
    data = _obj(value, "document")
    out: dict[str, Any] = {"name": _str(data, "name", max_len=_LONG, empty=True)}
    for key in _DOCUMENT_TEXT_KEYS:
        text = _opt_text(data, key)
        if text is not None:
            out[key] = text
    count = data.get("count")
    if count is not None:
        out["count"] = _int(data, "count", low=0, high=1000)
    if data.get("is_note") is not None:
        out["is_note"] = _bool(data, "is_note")
    return out


def catalogue_record(value: Any) -> dict[str, Any]:
    """A validated catalogue record with only the keys the counter reads (ProtocolError)."""
    data = _obj(value, "procedure")
    code = _str(data, "code", max_len=40)
    if not PROCEDURE_CODE_RE.match(code):
        raise _fail("code: procedure code expected")
    out: dict[str, Any] = {"code": code, "name": _str(data, "name", max_len=_LONG)}
    for key in _TEXT_KEYS:
        text = _opt_text(data, key)
        if text is not None:
            out[key] = text
    for key in _NUMBER_KEYS:
        number = _opt_number(data, key)
        if number is not None:
            out[key] = number
    out["documents"] = [_document(d) for d in _list(data, "documents", max_items=500)]
    check_json_value(out)
    return out


def _dates(data: dict[str, Any], key: str, year: int) -> tuple[str, ...]:
    days = []
    for item in _list(data, key, max_items=366):
        if not isinstance(item, str) or len(item) != 10:
            raise _fail(f"{key}: ISO dates expected")
        try:
            day = date.fromisoformat(item)
        except ValueError:
            raise _fail(f"{key}: ISO dates expected") from None
        if day.year != year:
            raise _fail(f"{key}: {item} is not in {year}")
        days.append(day.isoformat())
    return tuple(sorted(set(days)))


DAY_KINDS = ("off", "working", "holiday")


@dataclass(frozen=True, slots=True)
class CalendarDayWire:
    """One noted day of a published year: kind (off / working / holiday on a weekend), name,
    source and whether it is announced (issue 13 item 5)."""

    date: str
    kind: str
    name: str = ""
    source: str = ""
    announced: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "kind": self.kind,
            "name": self.name,
            "source": self.source,
            "announced": self.announced,
        }

    @classmethod
    def from_json(cls, value: Any, year: int) -> CalendarDayWire:
        data = _obj(value, "calendar day")
        (day,) = _dates({"date": [data.get("date")]}, "date", year)
        kind = _str(data, "kind", max_len=10)
        if kind not in DAY_KINDS:
            raise _fail("kind: off, working or holiday expected")
        return cls(
            date=day,
            kind=kind,
            name=_opt_text(data, "name", max_len=200) or "",
            source=_opt_text(data, "source", max_len=500) or "",
            announced=_bool(data, "announced") if "announced" in data else True,
        )


@dataclass(frozen=True, slots=True)
class CalendarYearWire:
    """The province's working-day calendar of one year (ISO dates, sorted).

    ``days`` (optional, sent only when the province noted days) names days and says which
    are announced; without it every day is announced when ``confirmed``, as before, so
    stations and servers of earlier versions read each other's years unchanged.
    """

    year: int
    confirmed: bool
    days_off: tuple[str, ...]
    extra_working_days: tuple[str, ...]
    days: tuple[CalendarDayWire, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "year": self.year,
            "confirmed": self.confirmed,
            "days_off": list(self.days_off),
            "extra_working_days": list(self.extra_working_days),
        }
        if self.days:
            out["days"] = [d.to_json() for d in self.days]
        return out

    @classmethod
    def from_json(cls, value: Any) -> CalendarYearWire:
        data = _obj(value, "calendar year")
        year = _int(data, "year", low=1900, high=2200)
        days: tuple[CalendarDayWire, ...] = ()
        if data.get("days") is not None:
            days = tuple(
                CalendarDayWire.from_json(d, year) for d in _list(data, "days", max_items=366)
            )
        return cls(
            year=year,
            confirmed=_bool(data, "confirmed"),
            days_off=_dates(data, "days_off", year),
            extra_working_days=_dates(data, "extra_working_days", year),
            days=days,
        )


@dataclass(frozen=True, slots=True)
class OfficeWire:
    """Names printed on the slips of the caller's office."""

    agency_id: str
    parent_body: str
    unit_name: str
    place_name: str

    def to_json(self) -> dict[str, Any]:
        return {
            "agency_id": self.agency_id,
            "parent_body": self.parent_body,
            "unit_name": self.unit_name,
            "place_name": self.place_name,
        }

    @classmethod
    def from_json(cls, value: Any) -> OfficeWire:
        data = _obj(value, "office")
        return cls(
            agency_id=_str(data, "agency_id", max_len=35),
            parent_body=_str(data, "parent_body", max_len=300, empty=True),
            unit_name=_str(data, "unit_name", max_len=300, empty=True),
            place_name=_str(data, "place_name", max_len=300, empty=True),
        )


@dataclass(frozen=True, slots=True)
class OfficerWire:
    """An officer account of the caller's office: no password, only its argon2 hash."""

    username: str
    full_name: str
    role: str
    password_hash: str
    active: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "full_name": self.full_name,
            "role": self.role,
            "password_hash": self.password_hash,
            "active": self.active,
        }

    @classmethod
    def from_json(cls, value: Any) -> OfficerWire:
        data = _obj(value, "officer")
        username = _str(data, "username", max_len=32)
        if not USERNAME_RE.match(username):
            raise _fail("username: 3-32 lower-case letters, digits, . _ - expected")
        role = _str(data, "role", max_len=10)
        if role not in ROLES:
            raise _fail("role: officer, leader or admin expected")
        password_hash = _str(data, "password_hash", max_len=500)
        if not password_hash.startswith("$argon2"):
            raise _fail("password_hash: argon2 hash expected")
        return cls(
            username=username,
            full_name=_str(data, "full_name", max_len=200),
            role=role,
            password_hash=password_hash,
            active=_bool(data, "active"),
        )


@dataclass(frozen=True, slots=True)
class ReferenceResponse:
    """What changed after the station's reference version (empty parts: nothing changed).

    ``version`` is the newest reference version the answer covers (the request's ``since``
    when nothing changed); ``office`` is None when the office names did not change.
    ``lookup_url`` (optional, "" from an older server) is the province's citizen lookup
    address, sent with every answer (it is a server setting, not versioned data).
    """

    version: int
    procedures: tuple[dict[str, Any], ...]
    calendar_years: tuple[CalendarYearWire, ...]
    office: OfficeWire | None
    officers: tuple[OfficerWire, ...]
    server_time: str
    lookup_url: str = ""
    bundle_key: str = ""  # USB bundles (issue 15): the province's public keys, "qmc1:..."

    @property
    def empty(self) -> bool:
        return not (self.procedures or self.calendar_years or self.office or self.officers)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "procedures": list(self.procedures),
            "calendar_years": [c.to_json() for c in self.calendar_years],
            "office": self.office.to_json() if self.office else None,
            "officers": [o.to_json() for o in self.officers],
            "server_time": self.server_time,
            "lookup_url": self.lookup_url,
            "bundle_key": self.bundle_key,
        }

    @classmethod
    def from_json(cls, value: Any) -> ReferenceResponse:
        data = _obj(value, "reference")
        office = data.get("office")
        return cls(
            version=_int(data, "version", high=MAX_SEQ),
            procedures=tuple(
                catalogue_record(p) for p in _list(data, "procedures", max_items=MAX_PROCEDURES)
            ),
            calendar_years=tuple(
                CalendarYearWire.from_json(c) for c in _list(data, "calendar_years", max_items=300)
            ),
            office=None if office is None else OfficeWire.from_json(office),
            officers=tuple(
                OfficerWire.from_json(o) for o in _list(data, "officers", max_items=MAX_OFFICERS)
            ),
            server_time=_instant(data, "server_time"),
            lookup_url=opt_url(data),
            bundle_key=_bundle_key(data),
        )


__all__ = [
    "ROLES",
    "CalendarYearWire",
    "OfficeWire",
    "OfficerWire",
    "ProtocolError",
    "ReferenceResponse",
    "catalogue_record",
]
