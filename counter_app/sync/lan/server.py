"""The counter's peer server: HTTPS on the office LAN (stdlib ``http.server`` + ``ssl``).

Endpoints (``sync_protocol.lan``), every one checking the protocol version header (426):

- ``GET /lan/v1/hello``: a fresh nonce, nothing else (it says nothing about the station);
- ``POST /lan/v1/auth``: the caller's proof over the office secret, bound to this server's
  certificate; a wrong MAC, another office, a used or unknown nonce, a certificate that is
  not this one, or no secret here: 401 and nothing else. Else a session (10 minutes) and the
  server's own proof;
- ``GET /lan/v1/pull?cursor=&limit=`` (session): a :class:`LanPage` of the events the
  station holds, in its storage order (gzip when asked);
- ``GET /lan/v1/blobs/<sha256>`` (session): a scan's bytes, 404 when not here.

Any other path, or any of these without a session, is 401/404 with an ``ErrorBody``. The
database is read on the server's own connection (``storage.lan_repository``): the window's
work is never blocked. TLS handshakes happen on the request's thread, never on the accepting
one, so a stuck client cannot stop the server.
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import math
import re
import secrets
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from counter_app.domain.clock import Clock
from counter_app.storage.blobs import SCANS_DIR
from counter_app.storage.lan_repository import PeerPageReader
from counter_app.storage.station_secrets import office_secret
from counter_app.storage.store import DB_NAME
from counter_app.sync.engine import _to_wire
from counter_app.sync.lan.identity import PeerIdentity, peer_identity
from sync_protocol import (
    MAX_PULL_LIMIT,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    ErrorBody,
    ErrorCodes,
    ProtocolError,
    PullResponse,
    dumps,
    loads,
)
from sync_protocol.lan import (
    DEFAULT_PORT,
    FAILURE_WINDOW_S,
    LAN_API,
    MAX_FAILURES,
    TOO_MANY_ATTEMPTS,
    AuthRequest,
    AuthResponse,
    Hello,
    LanPage,
    new_nonce,
    normalise_secret,
)

log = logging.getLogger(__name__)
SESSION_S = 600
NONCE_S = 60
MAX_NONCES = 256
MAX_SESSIONS = 256
MAX_TRACKED = 256  # addresses whose failed authentications are remembered
MAX_AUTH_BODY = 4096
DEFAULT_LIMIT = 500
_BLOB_RE = re.compile(r"^[0-9a-f]{64}$")


class _State:
    """Nonces and sessions of one server (in memory only: a restart ends every session)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.nonces: OrderedDict[str, float] = OrderedDict()
        self.sessions: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self.failures: OrderedDict[str, list[float]] = OrderedDict()
        self.now: Callable[[], float] = time.monotonic

    def retry_after(self, address: str) -> int:
        """Seconds ``address`` must wait before it may try to authenticate again (0: now).

        After MAX_FAILURES refusals within FAILURE_WINDOW_S, an address waits until the
        oldest of them is FAILURE_WINDOW_S old: a guessing device gets a few tries a minute,
        a counter with a stale secret is told to pair again."""
        now = self.now()
        with self.lock:
            recent = [t for t in self.failures.get(address, ()) if t > now - FAILURE_WINDOW_S]
            if len(recent) < MAX_FAILURES:
                return 0
            return max(1, math.ceil(recent[-MAX_FAILURES] + FAILURE_WINDOW_S - now))

    def failed(self, address: str) -> None:
        now = self.now()
        with self.lock:
            recent = [t for t in self.failures.pop(address, ()) if t > now - FAILURE_WINDOW_S]
            self.failures[address] = [*recent[-MAX_FAILURES:], now]
            while len(self.failures) > MAX_TRACKED:
                self.failures.popitem(last=False)

    def new_nonce(self) -> str:
        nonce = new_nonce()
        with self.lock:
            self.nonces[nonce] = time.monotonic() + NONCE_S
            while len(self.nonces) > MAX_NONCES:
                self.nonces.popitem(last=False)
        return nonce

    def spend_nonce(self, nonce: str) -> bool:
        with self.lock:
            expiry = self.nonces.pop(nonce, None)
        return expiry is not None and expiry > time.monotonic()

    def new_session(self, station_id: str) -> str:
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.sessions[token] = (station_id, time.monotonic() + SESSION_S)
            while len(self.sessions) > MAX_SESSIONS:
                self.sessions.popitem(last=False)
        return token

    def session(self, token: str) -> str | None:
        with self.lock:
            found = self.sessions.get(token)
        if found is None or found[1] <= time.monotonic():
            return None
        return found[0]


class PeerServer:
    """The peer server of the station in ``data_dir``; :meth:`start` runs it on a thread."""

    def __init__(
        self,
        data_dir: Path,
        *,
        clock: Clock,
        host: str = "0.0.0.0",
        port: int = DEFAULT_PORT,
        secret: Callable[[], str | None] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.clock = clock
        self.reader = PeerPageReader(data_dir / DB_NAME, data_dir / SCANS_DIR)
        office = self.reader.office()
        self.station_id = str(office.get("station_id", ""))
        self.identity: PeerIdentity = peer_identity(data_dir, self.station_id)
        self.secret = secret or (lambda: office_secret(data_dir))
        self.state = _State()
        self.context = self.identity.server_context()
        self.httpd = _Server((host, port), _Handler)
        self.httpd.peer = self
        self.thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def start(self) -> None:
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, name="lan-peer-server", daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)
        self.reader.close()

    def office_secret(self) -> str | None:
        value = self.secret()
        return value if value and normalise_secret(value) else None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    peer: PeerServer
    request_queue_size = 64

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("lan peer %s: connection dropped", client_address, exc_info=True)

    def get_request(self) -> tuple[Any, Any]:
        sock, address = super().get_request()
        sock.settimeout(30)
        wrapped = self.peer.context.wrap_socket(
            sock, server_side=True, do_handshake_on_connect=False
        )
        return wrapped, address


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "qmc-lan/1"
    sys_version = ""

    def setup(self) -> None:
        try:
            self.request.do_handshake()  # on this request's thread (see the module docstring)
        except (ssl.SSLError, OSError):
            self.close_connection = True
            raise ConnectionAbortedError from None
        super().setup()

    def handle(self) -> None:
        with contextlib.suppress(TimeoutError, ConnectionError, ssl.SSLError):
            super().handle()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("lan peer %s: " + format, self.client_address[0], *args)

    @property
    def peer(self) -> PeerServer:
        return self.server.peer

    # --- answers ----------------------------------------------------------------------------

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        gzip_ok = "gzip" in self.headers.get("Accept-Encoding", "")
        if gzip_ok and content_type == "application/json" and len(body) > 1024:
            body = gzip.compress(body, compresslevel=1)
            encoding = "gzip"
        else:
            encoding = ""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header(PROTOCOL_HEADER, str(PROTOCOL_VERSION))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, value: dict[str, Any], status: int = 200) -> None:
        self._send(status, dumps(value).encode("utf-8"))

    def _error(self, status: int, code: str, detail: str = "") -> None:
        self._json(ErrorBody(code, detail).to_json(), status)

    def _locked(self, seconds: int) -> None:
        body = dumps(ErrorBody(TOO_MANY_ATTEMPTS, "").to_json()).encode("utf-8")
        self._send(429, body, headers={"Retry-After": str(seconds)})

    def _checked(self) -> tuple[str, dict[str, list[str]]] | None:
        """The path and query, or None when an error was answered (protocol, length)."""
        if self.headers.get(PROTOCOL_HEADER) != str(PROTOCOL_VERSION):
            self._error(426, ErrorCodes.PROTOCOL_MISMATCH, "protocol version")
            return None
        parts = urlsplit(self.path)
        return parts.path, parse_qs(parts.query)

    def _session(self) -> str | None:
        value = self.headers.get("Authorization", "")
        token = value[7:] if value.startswith("Bearer ") else ""
        station = self.peer.state.session(token) if token else None
        if station is None:
            self._error(401, ErrorCodes.UNAUTHORIZED)
        return station

    # --- methods ----------------------------------------------------------------------------

    def do_GET(self) -> None:
        checked = self._checked()
        if checked is None:
            return
        path, query = checked
        if path == f"{LAN_API}/hello":
            self._json(Hello(self.peer.state.new_nonce()).to_json())
        elif path == f"{LAN_API}/pull":
            if self._session() is not None:
                self._pull(query)
        elif path.startswith(f"{LAN_API}/blobs/"):
            if self._session() is not None:
                self._blob(path.rsplit("/", 1)[-1])
        else:
            self._error(404, ErrorCodes.NOT_FOUND)

    def do_POST(self) -> None:
        checked = self._checked()
        if checked is None:
            return
        path, _query = checked
        length = int(self.headers.get("Content-Length", "0") or 0)
        if path != f"{LAN_API}/auth" or not 0 < length <= MAX_AUTH_BODY:
            self._error(404 if path != f"{LAN_API}/auth" else 400, ErrorCodes.MALFORMED)
            return
        body = self.rfile.read(length)
        address = self.client_address[0]
        wait = self.peer.state.retry_after(address)
        if wait:
            self._locked(wait)
            return
        try:
            request = AuthRequest.from_json(loads(body))
        except ProtocolError:
            self._error(400, ErrorCodes.MALFORMED)
            return
        answer = self._authenticate(request)
        if answer is None:
            self.peer.state.failed(address)
            self._error(401, ErrorCodes.UNAUTHORIZED)
            return
        self._json(answer.to_json())

    def _authenticate(self, request: AuthRequest) -> AuthResponse | None:
        """The server's proof and a session, or None (every failure looks the same)."""
        peer = self.peer
        secret = peer.office_secret()
        office = peer.reader.office()
        nonce_ok = peer.state.spend_nonce(request.server_nonce)
        if (
            secret is None
            or not nonce_ok
            or request.agency_id != office.get("agency_id")
            or request.server_cert != peer.identity.fingerprint
            or request.station_id == peer.station_id
            or not request.valid(secret)
        ):
            log.info("lan peer %s: authentication refused", self.client_address[0])
            return None
        session = peer.state.new_session(request.station_id)
        return AuthResponse.make(
            secret,
            request,
            station_id=peer.station_id,
            station_prefix=str(office.get("station_prefix", "")),
            session=session,
            expires_in=SESSION_S,
        )

    def _pull(self, query: dict[str, list[str]]) -> None:
        try:
            cursor = int(query.get("cursor", ["0"])[0])
            limit = int(query.get("limit", [str(DEFAULT_LIMIT)])[0])
        except ValueError:
            self._error(400, ErrorCodes.MALFORMED, "cursor, limit: integers")
            return
        if cursor < 0 or not 1 <= limit <= MAX_PULL_LIMIT:
            self._error(400, ErrorCodes.MALFORMED, "cursor, limit: out of range")
            return
        events, last, more, unsent, epoch = self.peer.reader.page(cursor, limit)
        wires = tuple(_to_wire(e) for e in events)
        page = LanPage(
            pull=PullResponse(
                cursor=last,
                events=wires,
                has_more=more,
                server_time=self.peer.clock.now().isoformat(),
            ),
            station_id=self.peer.station_id,
            epoch=epoch,
            unsent=tuple(w.uuid for w in wires if w.uuid in unsent),
        )
        self._json(page.to_json())

    def _blob(self, sha256: str) -> None:
        found = self.peer.reader.blob(sha256) if _BLOB_RE.match(sha256) else None
        if found is None:
            self._error(404, ErrorCodes.NOT_FOUND)
            return
        data, mime = found
        self._send(200, data, mime)
