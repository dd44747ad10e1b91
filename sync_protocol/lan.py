"""Office LAN sync (issue 15): the messages counters of one office exchange peer to peer.

The events travel exactly as in the province sync: a peer page is a :class:`PullResponse`
(the same JSON, validated by the same ``from_json``) with three more fields, so an event
learned from a peer goes through the same validation, apply and projection code as one
pulled from the province. What is new here is how two counters trust each other:

- every counter of an office holds the **office secret**: the province gives it at enrolment
  (``EnrolResponse.office_secret``), or, for an office set up offline, one counter makes it
  and shows it as a **pairing code** (:func:`format_secret`, 24 letters and digits in groups
  of four) that is typed on the others. The secret never travels between counters;
- a session starts with a challenge: the serving counter gives a fresh nonce
  (:class:`Hello`), the caller answers with an HMAC over the office secret binding the
  nonces, both agencies and station ids and the SHA-256 of the serving counter's TLS
  certificate as the caller saw it (:class:`AuthRequest`); the server checks it (same office,
  same secret, and the certificate is its own, so nobody in between can relay it) and
  answers with a MAC of its own over the same values (:class:`AuthResponse`), which the
  caller checks before it believes anything. A caller without the secret, or with another
  office's, gets HTTP 401 and nothing else;
- the caller pins the serving counter's certificate at the first authenticated contact and
  refuses another one later (``counter_app/sync/lan``).

Guarantees: every ``from_json`` validates completely and raises :class:`ProtocolError`;
``X.from_json(x.to_json()) == x``; MACs are compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from sync_protocol.v1 import (
    ErrorCodes,
    ProtocolError,
    PullResponse,
    _obj,
    _str,
    _uuid,
)

LAN_API = "/lan/v1"
DEFAULT_PORT = 47615  # TCP port of a counter's peer server (HTTPS)
SERVICE_TYPE = "_qmc-lan._tcp.local."  # DNS-SD service type of a counter's peer server
SECRET_BYTES = 15  # 120 bits: 24 base32 characters
SECRET_GROUP = 4
NONCE_BYTES = 16
SESSION_HEADER = "Authorization"
# 429 with Retry-After: too many failed authentications from one address (see MAX_FAILURES)
TOO_MANY_ATTEMPTS = "too_many_attempts"
MAX_FAILURES = 10  # failed authentications from one address within FAILURE_WINDOW_S ...
FAILURE_WINDOW_S = 60  # ... and that address waits until the oldest of them is this old
_LABEL = b"qmc-lan-v1"
_SECRET_RE = re.compile(r"^[A-Z2-7]{24}$", re.ASCII)
_HEX64_RE = re.compile(r"^[0-9a-f]{64}$", re.ASCII)
_HEX32_RE = re.compile(r"^[0-9a-f]{32}$", re.ASCII)
MAX_UNSENT = 2_000  # one per event of a page at most (MAX_PULL_LIMIT)


# --- the office secret ----------------------------------------------------------------------


def new_secret() -> str:
    """A new office secret in its canonical form (24 base32 characters, no separators)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def normalise_secret(text: str) -> str | None:
    """The canonical form of a typed secret or pairing code (case, spaces and dashes do not
    matter; the look-alikes 0/O, 1/I, 8/B are read as the letters), or None when it is not
    one."""
    cleaned = re.sub(r"[\s\-]", "", text).upper().translate(str.maketrans("018", "OIB"))
    return cleaned if _SECRET_RE.match(cleaned) else None


def format_secret(secret: str) -> str:
    """The pairing code shown to people: ``ABCD-EFGH-…`` (six groups of four)."""
    canonical = normalise_secret(secret)
    if canonical is None:
        raise ValueError("not an office secret")
    return "-".join(canonical[i : i + SECRET_GROUP] for i in range(0, len(canonical), SECRET_GROUP))


def _key(secret: str) -> bytes:
    canonical = normalise_secret(secret)
    if canonical is None:
        raise ValueError("not an office secret")
    return hmac.new(_LABEL, canonical.encode("ascii"), hashlib.sha256).digest()


def office_tag(secret: str) -> str:
    """A short public tag of the office (DNS-SD TXT ``o``): counters of one office recognise
    each other's announcements without telling the LAN which office they are."""
    return hmac.new(_key(secret), _LABEL + b"|office", hashlib.sha256).hexdigest()[:16]


def _mac(secret: str, role: str, *parts: str) -> str:
    message = "|".join((role, *parts)).encode("utf-8")
    return hmac.new(_key(secret), _LABEL + b"|" + message, hashlib.sha256).hexdigest()


def new_nonce() -> str:
    return secrets.token_hex(NONCE_BYTES)


def fingerprint(der: bytes) -> str:
    """The SHA-256 (hex) of a DER certificate: what is pinned."""
    return hashlib.sha256(der).hexdigest()


def _hex(data: dict[str, Any], key: str, pattern: re.Pattern[str]) -> str:
    value = _str(data, key, max_len=64)
    if not pattern.match(value):
        raise ProtocolError(ErrorCodes.MALFORMED, f"{key}: lower-case hex expected")
    return value


# --- messages -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hello:
    """The serving counter's challenge (``GET /lan/v1/hello``): tells nothing about it."""

    nonce: str

    def to_json(self) -> dict[str, Any]:
        return {"nonce": self.nonce}

    @classmethod
    def from_json(cls, value: Any) -> Hello:
        return cls(nonce=_hex(_obj(value, "hello"), "nonce", _HEX32_RE))


@dataclass(frozen=True, slots=True)
class AuthRequest:
    """The caller's proof (``POST /lan/v1/auth``)."""

    agency_id: str
    station_id: str
    server_nonce: str
    client_nonce: str
    server_cert: str  # fingerprint of the certificate the caller's TLS connection shows
    mac: str

    @classmethod
    def make(
        cls,
        secret: str,
        *,
        agency_id: str,
        station_id: str,
        server_nonce: str,
        server_cert: str,
        client_nonce: str | None = None,
    ) -> AuthRequest:
        nonce = client_nonce or new_nonce()
        mac = _mac(secret, "client", agency_id, station_id, server_nonce, nonce, server_cert)
        return cls(agency_id, station_id, server_nonce, nonce, server_cert, mac)

    def valid(self, secret: str) -> bool:
        expected = _mac(
            secret,
            "client",
            self.agency_id,
            self.station_id,
            self.server_nonce,
            self.client_nonce,
            self.server_cert,
        )
        return hmac.compare_digest(expected, self.mac)

    def to_json(self) -> dict[str, Any]:
        return {
            "agency_id": self.agency_id,
            "station_id": self.station_id,
            "server_nonce": self.server_nonce,
            "client_nonce": self.client_nonce,
            "server_cert": self.server_cert,
            "mac": self.mac,
        }

    @classmethod
    def from_json(cls, value: Any) -> AuthRequest:
        data = _obj(value, "auth")
        return cls(
            agency_id=_str(data, "agency_id", max_len=35),
            station_id=_uuid(data, "station_id"),
            server_nonce=_hex(data, "server_nonce", _HEX32_RE),
            client_nonce=_hex(data, "client_nonce", _HEX32_RE),
            server_cert=_hex(data, "server_cert", _HEX64_RE),
            mac=_hex(data, "mac", _HEX64_RE),
        )


@dataclass(frozen=True, slots=True)
class AuthResponse:
    """The serving counter's proof and a session for the following requests."""

    agency_id: str
    station_id: str
    station_prefix: str  # the counter's number, what officers call it ("Quầy 150")
    session: str
    expires_in: int
    mac: str

    @classmethod
    def make(
        cls,
        secret: str,
        request: AuthRequest,
        *,
        station_id: str,
        station_prefix: str,
        session: str,
        expires_in: int,
    ) -> AuthResponse:
        parts = _server_parts(request, station_id, station_prefix, session)
        mac = _mac(secret, "server", *parts)
        return cls(request.agency_id, station_id, station_prefix, session, expires_in, mac)

    def valid(self, secret: str, request: AuthRequest) -> bool:
        if self.agency_id != request.agency_id:
            return False
        parts = _server_parts(request, self.station_id, self.station_prefix, self.session)
        return hmac.compare_digest(_mac(secret, "server", *parts), self.mac)

    def to_json(self) -> dict[str, Any]:
        return {
            "agency_id": self.agency_id,
            "station_id": self.station_id,
            "station_prefix": self.station_prefix,
            "session": self.session,
            "expires_in": self.expires_in,
            "mac": self.mac,
        }

    @classmethod
    def from_json(cls, value: Any) -> AuthResponse:
        data = _obj(value, "auth response")
        expires = data.get("expires_in")
        if not isinstance(expires, int) or isinstance(expires, bool) or not 1 <= expires <= 86400:
            raise ProtocolError(ErrorCodes.MALFORMED, "expires_in: 1..86400 expected")
        return cls(
            agency_id=_str(data, "agency_id", max_len=35),
            station_id=_uuid(data, "station_id"),
            station_prefix=_str(data, "station_prefix", max_len=5),
            session=_str(data, "session", max_len=64),
            expires_in=expires,
            mac=_hex(data, "mac", _HEX64_RE),
        )


def _server_parts(
    request: AuthRequest, station_id: str, station_prefix: str, session: str
) -> tuple[str, ...]:
    return (
        request.agency_id,
        request.station_id,
        station_id,
        station_prefix,
        request.client_nonce,
        request.server_nonce,
        request.server_cert,
        session,
    )


@dataclass(frozen=True, slots=True)
class LanPage:
    """A page of the events a counter holds for its office (``GET /lan/v1/pull``).

    ``pull`` is exactly a province :class:`PullResponse` (``cursor``: the serving counter's
    own storage order; ``server_time``: its clock; no reference data, no marks). ``unsent``:
    the events of the page the serving counter does not know to be stored by the province
    (its outbox and its relay queue): the caller relays those (README, "Đồng bộ trong văn
    phòng"). ``epoch`` changes when the serving counter's database was restored, so a cursor
    kept from before starts again from 0.
    """

    pull: PullResponse
    station_id: str
    epoch: str
    unsent: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            **self.pull.to_json(),
            "station_id": self.station_id,
            "epoch": self.epoch,
            "unsent": list(self.unsent),
        }

    @classmethod
    def from_json(cls, value: Any) -> LanPage:
        data = _obj(value, "lan page")
        pull = PullResponse.from_json(data)
        unsent = data.get("unsent", [])
        if not isinstance(unsent, list) or len(unsent) > MAX_UNSENT:
            raise ProtocolError(ErrorCodes.MALFORMED, "unsent: list of event uuids expected")
        in_page = {e.uuid for e in pull.events}
        uuids = tuple(_uuid({"uuid": u}, "uuid") for u in unsent)
        if any(u not in in_page for u in uuids):
            raise ProtocolError(ErrorCodes.MALFORMED, "unsent: an event not in the page")
        return cls(
            pull=pull,
            station_id=_uuid(data, "station_id"),
            epoch=_str(data, "epoch", max_len=64),
            unsent=uuids,
        )
