"""The caller side of office LAN sync: one peer's server, over httpx, TLS pinned.

Guarantees: nothing a peer answers is believed before it proved it holds the office secret
(:class:`sync_protocol.lan.AuthResponse`, checked here); the server's certificate is read
from the TLS connection of *every* answer and must be the one the proof was bound to (and the
pinned one, when the caller pinned it: :meth:`PeerClient.open`); every answer is validated by
``sync_protocol`` before it is returned. There is no certificate authority: the office
secret's MAC and the pin are the trust.

Failures are ``DomainError``: no connection or a timeout → LAN_PEER_UNREACHABLE, our proof
refused (401) → LAN_PEER_REFUSED, a peer that cannot prove it holds the secret →
LAN_PEER_NOT_OFFICE, a certificate other than the pinned one → LAN_PEER_CERT_CHANGED,
anything else → LAN_PEER_ERROR.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from counter_app.domain.errors import DomainError, ErrorCode
from sync_protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, ProtocolError, dumps, loads
from sync_protocol.attachments import DEFAULT_MIME, MAX_ATTACHMENT_BYTES, is_mime
from sync_protocol.lan import (
    FAILURE_WINDOW_S,
    LAN_API,
    AuthRequest,
    AuthResponse,
    Hello,
    LanPage,
    fingerprint,
)

T = TypeVar("T")
CONNECT_TIMEOUT_S = 3.0


def peer_http(*, timeout: float = 15.0) -> httpx.Client:
    """An httpx client for peers: TLS without a certificate authority (the certificate is
    checked by its pinned fingerprint on every answer instead), no proxy (the LAN)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return httpx.Client(
        verify=context,
        trust_env=False,
        timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT_S)),
    )


@dataclass(frozen=True, slots=True)
class PeerSession:
    """An authenticated session with one peer."""

    address: str
    station_id: str
    station_prefix: str
    fingerprint: str
    token: str


def _certificate(response: httpx.Response) -> str | None:
    stream = response.extensions.get("network_stream")
    ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
    der = ssl_object.getpeercert(True) if ssl_object is not None else None
    return fingerprint(der) if der else None


class PeerClient:
    """Calls to the peer server at ``address`` (``host:port``)."""

    def __init__(self, address: str, http: httpx.Client) -> None:
        self.address = address
        self.base = f"https://{address}{LAN_API}"
        self.http = http

    def open(
        self,
        secret: str,
        *,
        agency_id: str,
        station_id: str,
        pinned: Callable[[str], str | None] = lambda _station: None,
    ) -> PeerSession:
        """Challenge, proof, the peer's proof; ``pinned(station_id)`` gives the certificate
        pinned for the station the peer proved to be (None: first contact)."""
        hello_answer = self._request("GET", "/hello")
        cert = _certificate(hello_answer)
        if cert is None:
            raise DomainError(ErrorCode.LAN_PEER_ERROR, address=self.address, detail="no_tls")
        hello = self._parse(hello_answer, Hello.from_json)
        request = AuthRequest.make(
            secret,
            agency_id=agency_id,
            station_id=station_id,
            server_nonce=hello.nonce,
            server_cert=cert,
        )
        answer = self._request("POST", "/auth", content=dumps(request.to_json()).encode())
        self._same_certificate(answer, cert)
        if answer.status_code == 401:
            raise DomainError(ErrorCode.LAN_PEER_REFUSED, address=self.address)
        if answer.status_code == 429:
            wait = answer.headers.get("Retry-After", "")
            seconds = int(wait) if wait.isdigit() else FAILURE_WINDOW_S
            raise DomainError(ErrorCode.LAN_PEER_LOCKED, address=self.address, seconds=seconds)
        proof = self._parse(answer, AuthResponse.from_json)
        if not proof.valid(secret, request):
            raise DomainError(ErrorCode.LAN_PEER_NOT_OFFICE, address=self.address)
        kept = pinned(proof.station_id)
        if kept is not None and kept != cert:
            raise DomainError(
                ErrorCode.LAN_PEER_CERT_CHANGED, address=self.address, station=proof.station_id
            )
        return PeerSession(
            self.address, proof.station_id, proof.station_prefix, cert, proof.session
        )

    def pull(self, session: PeerSession, cursor: int, *, limit: int) -> LanPage:
        response = self._request(
            "GET", "/pull", params={"cursor": cursor, "limit": limit}, session=session
        )
        page = self._parse(response, LanPage.from_json)
        if page.station_id != session.station_id:
            raise DomainError(ErrorCode.LAN_PEER_ERROR, address=self.address, detail="station")
        return page

    def blob(self, session: PeerSession, sha256: str) -> tuple[bytes, str] | None:
        """A scan's bytes and media type; None when the peer does not hold it."""
        response = self._request("GET", f"/blobs/{sha256}", session=session)
        if response.status_code == 404:
            return None
        if response.status_code != 200 or len(response.content) > MAX_ATTACHMENT_BYTES:
            raise DomainError(
                ErrorCode.LAN_PEER_ERROR, address=self.address, detail=str(response.status_code)
            )
        mime = response.headers.get("content-type", "").split(";")[0].strip().lower()
        return response.content, mime if is_mime(mime) else DEFAULT_MIME

    # --- plumbing ----------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
        session: PeerSession | None = None,
    ) -> httpx.Response:
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Accept": "application/json"}
        if content is not None:
            headers["Content-Type"] = "application/json"
        if session is not None:
            headers["Authorization"] = f"Bearer {session.token}"
        try:
            response = self.http.request(
                method, self.base + path, content=content, params=params, headers=headers
            )
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            raise DomainError(
                ErrorCode.LAN_PEER_UNREACHABLE, address=self.address, detail=type(exc).__name__
            ) from None
        if session is not None:
            self._same_certificate(response, session.fingerprint)
            if response.status_code == 401:
                raise DomainError(ErrorCode.LAN_PEER_REFUSED, address=self.address)
        return response

    def _same_certificate(self, response: httpx.Response, expected: str) -> None:
        if _certificate(response) != expected:
            raise DomainError(ErrorCode.LAN_PEER_CERT_CHANGED, address=self.address, station="?")

    def _parse(self, response: httpx.Response, parse: Callable[[Any], T]) -> T:
        if response.status_code != 200:
            raise DomainError(
                ErrorCode.LAN_PEER_ERROR, address=self.address, detail=str(response.status_code)
            )
        try:
            return parse(loads(response.content))
        except ProtocolError as error:
            raise DomainError(
                ErrorCode.LAN_PEER_ERROR, address=self.address, detail=error.code
            ) from None
