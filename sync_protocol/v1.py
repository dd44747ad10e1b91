"""Sync protocol version 1: the messages, their JSON form, and the push body encoding.

Guarantees of this module (both sides rely on them):

- every ``from_json`` validates the shape and types completely and raises
  :class:`ProtocolError` (never ``KeyError``/``TypeError``) on anything else; a value that
  passed ``from_json`` can be stored in PostgreSQL as is (no NUL characters, no NaN, aware
  timestamps, canonical lower-case UUIDs);
- ``X.from_json(x.to_json()) == x`` for every message ``x``;
- a push body is compact UTF-8 JSON of at most :data:`MAX_BATCH_BYTES` before compression,
  compressed as its ``Content-Encoding`` says (:data:`PUSH_ENCODINGS`): ``gzip``, or
  :data:`DICT_ENCODING`, zlib (RFC 1950) deflate with the preset dictionary
  ``sync_protocol/zdict/v1.txt`` (a one-dossier batch in ~450 bytes instead of ~1,050);
  :func:`decode_push` never inflates more than that bound (no decompression bombs).

Every request carries the :data:`PROTOCOL_HEADER` header; the server answers a different
version with HTTP 426 and the error code ``protocol_mismatch``.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sync_protocol.chain import ChainClaim
from sync_protocol.codes import HighWater, marks_from_json, marks_to_json
from sync_protocol.zdict import dictionary

PROTOCOL_VERSION = 1
PROTOCOL_HEADER = "X-Protocol-Version"
GZIP_ENCODING = "gzip"
# zlib-wrapped deflate with a preset dictionary (sync_protocol/zdict): the encoding name
# carries the dictionary's version, and a released dictionary never changes.
DICT_ENCODING = "x-qmc-deflate-v1"
DICT_ENCODINGS = {DICT_ENCODING: "v1"}  # encoding -> dictionary name (sync_protocol.zdict)
PUSH_ENCODINGS = (DICT_ENCODING, GZIP_ENCODING)  # what a server accepts, preferred first
MAX_BATCH_BYTES = 256 * 1024  # uncompressed JSON of one push batch
MAX_COMPRESSED_BYTES = MAX_BATCH_BYTES  # gzip never makes JSON bigger than this in practice
MAX_BATCH_EVENTS = 5_000
MAX_PULL_LIMIT = 2_000
MAX_TEXT = 200  # kind, officer, station ids, codes
MAX_SEQ = 2**63 - 1
# Events that create a dossier; their payload carries ``agency_id`` and ``code`` (or null).
CREATING_KINDS = frozenset({"received", "guided", "refused"})
# RFC 3339 profile of ISO 8601 that both Python and PostgreSQL read the same way.
_CANONICAL_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
_INSTANT_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}:\d{2}|Z)$", re.ASCII
)


class ProtocolError(ValueError):
    """A message that is not valid protocol v1; ``code`` is one of :class:`ErrorCodes`."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


class ErrorCodes:
    """The ``code`` of an :class:`ErrorBody` (HTTP errors)."""

    PROTOCOL_MISMATCH = "protocol_mismatch"  # 426
    UNAUTHORIZED = "unauthorized"  # 401: missing, unknown or revoked token
    FORBIDDEN_AGENCY = "forbidden_agency"  # 403: a dossier owned by another office
    WRONG_STATION = "wrong_station"  # 403: a batch sent in another station's name
    NOT_FOUND = "not_found"  # 404
    MALFORMED = "malformed"  # 400: not valid protocol v1
    UNSUPPORTED_ENCODING = "unsupported_encoding"  # 415: push body not in PUSH_ENCODINGS
    BATCH_TOO_LARGE = "batch_too_large"  # 413
    ENROL_REFUSED = "enrol_refused"  # 403: unknown, used, expired or revoked code


class PushStatus(StrEnum):
    ACCEPTED = "accepted"  # stored now (committed before the answer)
    DUPLICATE = "duplicate"  # already stored (committed earlier)
    REJECTED = "rejected"  # never stored; ``reason`` says why


class RejectReason(StrEnum):
    FORBIDDEN_AGENCY = "forbidden_agency"  # the dossier is owned by another office
    WRONG_STATION = "wrong_station"  # the event was made by another station
    DUPLICATE_CODE = "duplicate_code"  # another dossier already holds this dossier code
    UNKNOWN_DOSSIER = "unknown_dossier"  # a follow-up event of a dossier the server lacks
    INVALID_EVENT = "invalid_event"  # a field of the wrong type or out of its range
    EVENT_TOO_LARGE = "event_too_large"  # (client side) one event bigger than a batch
    # Content of one event (sync_protocol.events; the reason reads ``<code>:<field path>``):
    UNKNOWN_KIND = "unknown_kind"  # not a kind of sync_protocol.events.EVENT_KINDS
    MISSING_FIELD = "missing_field"  # a required field absent or blank
    INVALID_TEXT = "invalid_text"  # controls, bidi marks, lone surrogates, or not NFC
    TEXT_TOO_LONG = "text_too_long"  # a text (or a list) longer than its maximum
    DUPLICATE_DOSSIER = "duplicate_dossier"  # a second creating event for one dossier
    FOREIGN_CODE = "foreign_code"  # the code was not minted by the pushing station


def dumps(value: Any) -> str:
    """Compact JSON, UTF-8 kept as is (the form sizes are measured in)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


# --- validation helpers -------------------------------------------------------------------


def _fail(detail: str) -> ProtocolError:
    return ProtocolError(ErrorCodes.MALFORMED, detail)


def _obj(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(f"{what}: object expected")
    return value


def _str(data: dict[str, Any], key: str, *, max_len: int = MAX_TEXT, empty: bool = False) -> str:
    value = data.get(key)
    if not isinstance(value, str) or len(value) > max_len or (not empty and not value):
        raise _fail(f"{key}: string of 1-{max_len} characters expected")
    if "\x00" in value:
        raise _fail(f"{key}: NUL character")
    return value


MAX_URL = 500


def opt_url(data: dict[str, Any], key: str = "lookup_url") -> str:
    """An optional address (absent or null: ""), at most :data:`MAX_URL` characters."""
    return "" if data.get(key) is None else _str(data, key, max_len=MAX_URL, empty=True)


def _opt_str(data: dict[str, Any], key: str) -> str | None:
    return None if data.get(key) is None else _str(data, key)


def _int(data: dict[str, Any], key: str, *, low: int = 0, high: int = MAX_SEQ) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _fail(f"{key}: integer {low}..{high} expected")
    return value


def _bool(data: dict[str, Any], key: str) -> bool:
    value = data.get(key)
    if not isinstance(value, bool):
        raise _fail(f"{key}: boolean expected")
    return value


def _uuid(data: dict[str, Any], key: str) -> str:
    value = _str(data, key, max_len=36)
    if _CANONICAL_UUID_RE.match(value) is None:  # what str(uuid.UUID(value)) gives back
        raise _fail(f"{key}: canonical lower-case UUID expected")
    return value


def _instant(data: dict[str, Any], key: str) -> str:
    value = _str(data, key, max_len=40)
    if not _INSTANT_RE.match(value):
        raise _fail(f"{key}: RFC 3339 time with a UTC offset expected")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _fail(f"{key}: ISO 8601 time expected") from None
    offset = parsed.utcoffset()
    if offset is None or abs(offset.total_seconds()) > 14 * 3600:
        raise _fail(f"{key}: time with a UTC offset of at most 14 hours expected")
    return value


def _list(data: dict[str, Any], key: str, *, max_items: int) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list) or len(value) > max_items:
        raise _fail(f"{key}: list of at most {max_items} items expected")
    return value


def check_json_value(value: Any, *, depth: int = 0) -> None:
    """Refuse what PostgreSQL ``jsonb`` cannot store: NUL characters, NaN, deep nesting."""
    if depth > 32:
        raise _fail("payload: nested too deeply")
    if isinstance(value, str):
        if "\x00" in value:
            raise _fail("payload: NUL character")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _fail("payload: non-finite number")
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or "\x00" in key:
                raise _fail("payload: bad key")
            check_json_value(item, depth=depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_json_value(item, depth=depth + 1)
    elif value is not None and not isinstance(value, bool | int):
        raise _fail("payload: not a JSON value")


def _reject_constant(name: str) -> Any:
    raise _fail(f"JSON constant {name} is not allowed")


# A ``\\uD800``-``\\uDFFF`` escape: JSON text may spell a lone surrogate this way (raw bytes
# cannot: strict UTF-8 decoding refuses them), and Python decodes it into a ``str`` that can
# be neither encoded as UTF-8 nor stored in PostgreSQL.
_SURROGATE_TEXT = re.compile("\\\\u[dD][89a-fA-F]|[\ud800-\udfff]")
_SURROGATE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")


def _surrogate_path(value: Any, path: str) -> str | None:
    """The path of the first text (key or value) holding a lone surrogate, or None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "$"
    elif isinstance(value, dict):
        for key, item in value.items():
            found = _surrogate_path(key, path) or _surrogate_path(item, f"{path}.{key}")
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _surrogate_path(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def loads(raw: bytes | str) -> Any:
    """Parse JSON strictly (no NaN/Infinity, no lone surrogate in any text); any failure is a
    :class:`ProtocolError` (the detail names the place of a lone surrogate)."""
    try:
        value = json.loads(raw, parse_constant=_reject_constant)
    except ProtocolError:
        raise
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        raise _fail(f"not JSON: {type(exc).__name__}") from None
    if isinstance(raw, str):
        suspect = _SURROGATE_TEXT.search(raw) is not None
    else:
        suspect = _SURROGATE_BYTES.search(raw) is not None
    if suspect:
        where = _surrogate_path(value, "")
        if where is not None:
            raise _fail(f"{where.lstrip('.') or 'body'}: lone surrogate (invalid Unicode text)")
    return value


# --- messages -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventWire:
    """One immutable dossier event as it travels (``at`` keeps the station's exact text)."""

    uuid: str
    dossier_uuid: str
    kind: str
    station_id: str
    seq: int
    officer: str
    at: str
    payload: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "dossier_uuid": self.dossier_uuid,
            "kind": self.kind,
            "station_id": self.station_id,
            "seq": self.seq,
            "officer": self.officer,
            "at": self.at,
            "payload": self.payload,
        }

    @classmethod
    def from_json(cls, value: Any) -> EventWire:
        data = _obj(value, "event")
        payload = _obj(data.get("payload"), "payload")
        check_json_value(payload)
        return cls(
            uuid=_uuid(data, "uuid"),
            dossier_uuid=_uuid(data, "dossier_uuid"),
            kind=_str(data, "kind", max_len=64),
            station_id=_uuid(data, "station_id"),
            seq=_int(data, "seq", low=1),
            officer=_str(data, "officer", empty=True),
            at=_instant(data, "at"),
            payload=payload,
        )


@dataclass(frozen=True, slots=True)
class PushRequest:
    """A batch of the station's own events, oldest first, identified by ``batch_id``."""

    batch_id: str
    station_id: str
    events: tuple[EventWire, ...]
    waiting: int = 0  # events still queued at the station after this batch (for the dashboard)
    chain: ChainClaim | None = None  # the station's history chain (sync_protocol.chain)

    def to_json(self) -> dict[str, Any]:
        out = {
            "batch_id": self.batch_id,
            "station_id": self.station_id,
            "events": [e.to_json() for e in self.events],
            "waiting": self.waiting,
        }
        if self.chain is not None:
            out["chain"] = self.chain.to_json()
        return out

    @classmethod
    def from_json(cls, value: Any) -> PushRequest:
        data = _obj(value, "push")
        events = _list(data, "events", max_items=MAX_BATCH_EVENTS)
        return cls(
            batch_id=_uuid(data, "batch_id"),
            station_id=_uuid(data, "station_id"),
            events=tuple(EventWire.from_json(e) for e in events),
            waiting=_int(data, "waiting") if "waiting" in data else 0,
            chain=_chain_claim(data.get("chain")),
        )


def _chain_claim(value: Any) -> ChainClaim | None:
    return None if value is None else ChainClaim.from_json(value)


@dataclass(frozen=True, slots=True)
class PushResult:
    """The server's verdict on one event of a batch."""

    uuid: str
    status: PushStatus
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"uuid": self.uuid, "status": self.status.value, "reason": self.reason}

    @classmethod
    def from_json(cls, value: Any) -> PushResult:
        data = _obj(value, "result")
        try:
            status = PushStatus(str(data.get("status")))
        except ValueError:
            raise _fail("status: accepted, duplicate or rejected expected") from None
        reason = _opt_str(data, "reason")
        if status is PushStatus.REJECTED and reason is None:
            raise _fail("reason: required when rejected")
        return cls(uuid=_uuid(data, "uuid"), status=status, reason=reason)


@dataclass(frozen=True, slots=True)
class PushResponse:
    """One result per event of the batch; everything accepted is already committed."""

    batch_id: str
    results: tuple[PushResult, ...]
    server_time: str

    def to_json(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "results": [r.to_json() for r in self.results],
            "server_time": self.server_time,
        }

    @classmethod
    def from_json(cls, value: Any) -> PushResponse:
        data = _obj(value, "push response")
        results = _list(data, "results", max_items=MAX_BATCH_EVENTS)
        return cls(
            batch_id=_uuid(data, "batch_id"),
            results=tuple(PushResult.from_json(r) for r in results),
            server_time=_instant(data, "server_time"),
        )


@dataclass(frozen=True, slots=True)
class PullResponse:
    """Events of the station's agency after a cursor, in server order.

    ``cursor`` is the server sequence of the last event returned (the request's cursor when
    none is); ``has_more`` says another page is waiting. ``reference`` carries reference data
    (procedures, holidays, agency settings) once the server has any to send.
    """

    cursor: int
    events: tuple[EventWire, ...]
    has_more: bool
    server_time: str
    reference: dict[str, Any] | None = None
    high_water: tuple[HighWater, ...] = ()  # the station's marks of recent days (codes.py)

    def to_json(self) -> dict[str, Any]:
        return {
            "cursor": self.cursor,
            "events": [e.to_json() for e in self.events],
            "has_more": self.has_more,
            "server_time": self.server_time,
            "reference": self.reference,
            "high_water": marks_to_json(self.high_water),
        }

    @classmethod
    def from_json(cls, value: Any) -> PullResponse:
        data = _obj(value, "pull response")
        events = _list(data, "events", max_items=MAX_PULL_LIMIT)
        reference = data.get("reference")
        return cls(
            cursor=_int(data, "cursor"),
            events=tuple(EventWire.from_json(e) for e in events),
            has_more=_bool(data, "has_more"),
            server_time=_instant(data, "server_time"),
            reference=None if reference is None else _obj(reference, "reference"),
            high_water=_marks(data),
        )


def _marks(data: dict[str, Any]) -> tuple[HighWater, ...]:
    try:
        return marks_from_json(data.get("high_water"))
    except ValueError as error:
        raise _fail(str(error)) from None


def _station_ids(data: dict[str, Any]) -> tuple[str, ...]:
    value = data.get("former_station_ids", [])
    if not isinstance(value, list) or len(value) > 5:
        raise _fail("former_station_ids: list of at most 5 expected")
    return tuple(_uuid({"id": v}, "id") for v in value)


def _prefixes(data: dict[str, Any]) -> tuple[str, ...]:
    value = data.get("former_prefixes", [])
    if not isinstance(value, list) or len(value) > 20:
        raise _fail("former_prefixes: list of at most 20 expected")
    for item in value:
        if not isinstance(item, str) or not 2 <= len(item) <= 5 or not item.isdigit():
            raise _fail("former_prefixes: prefixes of 2-5 digits expected")
    return tuple(value)


@dataclass(frozen=True, slots=True)
class EnrolRequest:
    """A one-time enrolment code issued by the province administrator.

    ``former_prefixes`` (optional): the prefixes the station minted codes with before (an
    offline set-up's ``000NN``), so the server keeps its earlier codes as its own.
    """

    code: str
    app_version: str = ""
    former_prefixes: tuple[str, ...] = ()
    former_station_ids: tuple[str, ...] = ()  # the offline set-up's own station id

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "app_version": self.app_version,
            "former_prefixes": list(self.former_prefixes),
            "former_station_ids": list(self.former_station_ids),
        }

    @classmethod
    def from_json(cls, value: Any) -> EnrolRequest:
        data = _obj(value, "enrol")
        version = data.get("app_version", "")
        if not isinstance(version, str) or len(version) > 40 or "\x00" in version:
            raise _fail("app_version: short string expected")
        return cls(
            code=_str(data, "code", max_len=64),
            app_version=version,
            former_prefixes=_prefixes(data),
            former_station_ids=_station_ids(data),
        )


@dataclass(frozen=True, slots=True)
class EnrolResponse:
    """What an enrolled station receives: its token (shown once), identity and office.

    ``lookup_url`` (added later, optional: "" from an older server) is the address of the
    citizen status page that the station prints in every slip's QR. ``station_prefix`` has 3
    digits (2 from an older server); ``high_water`` holds every mark of the station
    (``sync_protocol.codes``; none from an older server).
    """

    token: str
    agency_id: str
    station_id: str
    station_prefix: str
    parent_body: str
    unit_name: str
    place_name: str
    server_time: str
    lookup_url: str = ""
    high_water: tuple[HighWater, ...] = ()
    event_seq: int = 0  # the station's highest event sequence number the server holds
    # The office's LAN secret (issue 15): counters of one office authenticate each other with
    # it (counter_app/sync/lan); "" from an older server.
    office_secret: str = ""
    # USB bundles (issue 15 item 2): the province's public keys, "qmc1:..." (sync_protocol.
    # bundle); "" from a server without bundle keys.
    bundle_key: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "agency_id": self.agency_id,
            "station_id": self.station_id,
            "station_prefix": self.station_prefix,
            "parent_body": self.parent_body,
            "unit_name": self.unit_name,
            "place_name": self.place_name,
            "server_time": self.server_time,
            "lookup_url": self.lookup_url,
            "high_water": marks_to_json(self.high_water),
            "event_seq": self.event_seq,
            **({"office_secret": self.office_secret} if self.office_secret else {}),
            **({"bundle_key": self.bundle_key} if self.bundle_key else {}),
        }

    @classmethod
    def from_json(cls, value: Any) -> EnrolResponse:
        data = _obj(value, "enrol response")
        prefix = _str(data, "station_prefix", max_len=3)
        if len(prefix) not in (2, 3) or not prefix.isascii() or not prefix.isdigit():
            raise _fail("station_prefix: three digits expected")
        return cls(
            token=_str(data, "token"),
            agency_id=_str(data, "agency_id", max_len=35),
            station_id=_uuid(data, "station_id"),
            station_prefix=prefix,
            parent_body=_str(data, "parent_body", empty=True),
            unit_name=_str(data, "unit_name", empty=True),
            place_name=_str(data, "place_name", empty=True),
            server_time=_instant(data, "server_time"),
            lookup_url=opt_url(data),
            high_water=_marks(data),
            event_seq=_int(data, "event_seq") if "event_seq" in data else 0,
            office_secret=_opt_str(data, "office_secret") or "",
            bundle_key=_bundle_key(data),
        )


def _bundle_key(data: dict[str, Any]) -> str:
    """An optional ``qmc1:`` public key text (USB bundles); absent or null: ""."""
    value = data.get("bundle_key")
    if value is None or value == "":
        return ""
    text = _str(data, "bundle_key", max_len=120)
    if not text.startswith("qmc1:") or not text.isascii():
        raise _fail("bundle_key: qmc1: key text expected")
    return text


@dataclass(frozen=True, slots=True)
class DossierResponse:
    """A dossier as the server holds it: identity and every event, in server order.

    ``agency_id`` is the deciding agency (the one in the code); ``owner_agency`` the office
    of the station that received it, the only office whose stations may read or write it.
    """

    uuid: str
    code: str | None
    agency_id: str
    station_id: str
    events: tuple[EventWire, ...]
    owner_agency: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "code": self.code,
            "agency_id": self.agency_id,
            "owner_agency": self.owner_agency,
            "station_id": self.station_id,
            "events": [e.to_json() for e in self.events],
        }

    @classmethod
    def from_json(cls, value: Any) -> DossierResponse:
        data = _obj(value, "dossier")
        events = _list(data, "events", max_items=100_000)
        return cls(
            uuid=_uuid(data, "uuid"),
            code=_opt_str(data, "code"),
            agency_id=_str(data, "agency_id", max_len=35),
            station_id=_uuid(data, "station_id"),
            events=tuple(EventWire.from_json(e) for e in events),
            owner_agency=_str(data, "owner_agency", max_len=35, empty=True)
            if data.get("owner_agency") is not None
            else "",
        )


@dataclass(frozen=True, slots=True)
class ErrorBody:
    """The body of every HTTP error answer: a machine code and an English detail."""

    code: str
    detail: str = ""
    server_version: int = PROTOCOL_VERSION

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "detail": self.detail, "server_version": self.server_version}

    @classmethod
    def from_json(cls, value: Any) -> ErrorBody:
        data = _obj(value, "error")
        version = data.get("server_version", PROTOCOL_VERSION)
        return cls(
            code=_str(data, "code"),
            detail=str(data.get("detail", ""))[:500],
            server_version=version if isinstance(version, int) else PROTOCOL_VERSION,
        )


# --- push body encoding -------------------------------------------------------------------


def _dictionary(encoding: str) -> bytes | None:
    """The preset dictionary of ``encoding`` (None for gzip); UNSUPPORTED_ENCODING else."""
    if encoding == GZIP_ENCODING:
        return None
    name = DICT_ENCODINGS.get(encoding)
    if name is None:
        raise ProtocolError(ErrorCodes.UNSUPPORTED_ENCODING, f"push encoding {encoding!r}")
    return dictionary(name)


def encode_push(
    request: PushRequest, *, max_bytes: int = MAX_BATCH_BYTES, encoding: str = GZIP_ENCODING
) -> bytes:
    """The body of a push in ``encoding`` (one of :data:`PUSH_ENCODINGS`, default gzip);
    BATCH_TOO_LARGE when the JSON exceeds ``max_bytes``, UNSUPPORTED_ENCODING for another
    encoding."""
    preset = _dictionary(encoding)
    raw = dumps(request.to_json()).encode("utf-8")
    if len(raw) > max_bytes:
        raise ProtocolError(ErrorCodes.BATCH_TOO_LARGE, f"{len(raw)} > {max_bytes} bytes")
    if preset is None:
        return gzip.compress(raw, compresslevel=6, mtime=0)
    deflater = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS, 9, zdict=preset)
    return deflater.compress(raw) + deflater.flush()


def decode_push(
    body: bytes, *, max_bytes: int = MAX_BATCH_BYTES, encoding: str = GZIP_ENCODING
) -> PushRequest:
    """Inflate (at most ``max_bytes``) and validate a push body sent in ``encoding``.

    Raises :class:`ProtocolError`: UNSUPPORTED_ENCODING for an encoding not in
    :data:`PUSH_ENCODINGS`; BATCH_TOO_LARGE past the bound; MALFORMED for a body that is not
    one complete stream of that encoding (garbage, truncated, trailing bytes, a checksum or
    preset dictionary that does not match) of valid JSON of a valid :class:`PushRequest`.
    """
    preset = _dictionary(encoding)
    if preset is None:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    else:
        inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS, zdict=preset)
    try:
        raw = inflater.decompress(body, max_bytes + 1)
    except zlib.error:
        raise _fail(f"body is not {encoding}") from None
    if len(raw) > max_bytes:
        raise ProtocolError(ErrorCodes.BATCH_TOO_LARGE, f"more than {max_bytes} bytes")
    if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
        raise _fail(f"{encoding} stream truncated or followed by garbage")
    return PushRequest.from_json(loads(raw))
