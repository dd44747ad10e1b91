"""HTTP transport to the province server (httpx), implementing :class:`SyncTransport`.

Guarantees: every request carries the protocol version header; a push body is JSON bounded
by ``MAX_BATCH_BYTES``, deflated with the preset dictionary (``DICT_ENCODING``, about 450 bytes
for a one-dossier batch against 1,050 in gzip); every answer is validated by ``sync_protocol``
before it is returned. A server older than the dictionary encoding answers it 415
``unsupported_encoding`` (nothing stored): the batch is sent again at once in gzip, and every
later push to that server address goes in gzip until the application restarts
(:data:`_GZIP_ONLY`, shared by the clients of one process: a client is made per sync run).

Failures become ``DomainError``: 426 → SYNC_PROTOCOL_MISMATCH, 401 → SYNC_UNAUTHORIZED, a
refused enrolment → SYNC_ENROL_REFUSED, no connection / timeout / 502-504 → SYNC_UNREACHABLE,
anything else unexpected → SYNC_SERVER_ERROR.

A busy server (429 ``server_busy``, the province server's admission limit) is
SYNC_UNREACHABLE with ``detail="server_busy"`` and ``retry_after`` (whole seconds from the
``Retry-After`` header, 1..3600, when it gives one): nothing was done, the events stay queued,
and the scheduler (``sync/scheduler.py``) plans the next attempt no sooner than that.

https only (issue 17): the station token and the office's personal data never travel in
clear, so :func:`normalise_url` — used when an address is typed (``counter-app enrol``, the
first-start wizard) and by every client, hence at enrolment and at each sync — refuses
``http://`` to a server that is not on this computer (loopback: ``localhost``, 127.0.0.0/8,
``::1``) with SYNC_INSECURE_URL. Override, for a test network only: the administrator sets
the environment variable ``COUNTER_APP_ALLOW_HTTP=1`` for the application.
"""

from __future__ import annotations

import ipaddress
import math
import os
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx

from counter_app import __version__
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.sync.transport import DEFAULT_PULL_LIMIT
from sync_protocol import (
    DICT_ENCODING,
    GZIP_ENCODING,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    ErrorCodes,
    ProtocolError,
    PullResponse,
    PushRequest,
    PushResponse,
    ReferenceResponse,
    dumps,
    encode_push,
    loads,
)
from sync_protocol.attachments import UPLOAD_QUOTA_EXCEEDED
from sync_protocol.codes import MarksResponse

API = "/api/v1"
T = TypeVar("T")
_GATEWAY_DOWN = {502, 503, 504}
SERVER_BUSY = "server_busy"
MAX_RETRY_AFTER_S = 3600
# Server addresses that refused the dictionary encoding in this process (see the docstring).
_GZIP_ONLY: set[str] = set()


def make_http(*, timeout: float = 30.0) -> httpx.Client:
    """The httpx client the station uses (system proxy settings respected)."""
    return httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)))


ALLOW_HTTP_ENV = "COUNTER_APP_ALLOW_HTTP"


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def http_allowed() -> bool:
    """The administrator's override for a test network (see the module docstring)."""
    return os.environ.get(ALLOW_HTTP_ENV, "").strip() == "1"


def normalise_url(url: str, *, allow_http: bool | None = None) -> str:
    """``https://host[:port][/path]`` (or ``http://`` to a loopback address, or anywhere when
    ``allow_http``, default :func:`http_allowed`) without a trailing slash; otherwise
    SYNC_UNREACHABLE (not an address) or SYNC_INSECURE_URL (plain http elsewhere)."""
    value = url.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or not parts.hostname:
        raise DomainError(ErrorCode.SYNC_UNREACHABLE, url=url)
    allowed = http_allowed() if allow_http is None else allow_http
    if parts.scheme == "http" and not allowed and not _loopback(parts.hostname):
        raise DomainError(ErrorCode.SYNC_INSECURE_URL, url=value)
    return value


class HttpSyncClient:
    """The station's connection to the province server, over an injected ``httpx.Client``."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        http: httpx.Client,
        *,
        protocol_version: int = PROTOCOL_VERSION,
        allow_http: bool | None = None,
    ) -> None:
        self.base_url = normalise_url(base_url, allow_http=allow_http)
        self.token = token
        self.http = http
        self.protocol_version = protocol_version
        self.last_request_bytes = 0

    # --- SyncTransport -----------------------------------------------------------------------

    def enrol(
        self,
        code: str,
        *,
        former_prefixes: tuple[str, ...] = (),
        former_station_ids: tuple[str, ...] = (),
    ) -> EnrolResponse:
        request = EnrolRequest(
            code=code.strip(),
            app_version=__version__,
            former_prefixes=former_prefixes,
            former_station_ids=former_station_ids,
        )
        body = dumps(request.to_json())
        response = self._send("POST", "/enrol", content=body.encode(), authorised=False)
        if response.status_code == 403:
            raise DomainError(ErrorCode.SYNC_ENROL_REFUSED)
        return self._parse(response, EnrolResponse.from_json)

    # push may run in a worker thread while the engine prepares the next batch (httpx's
    # client may be used from any thread; the engine never sends two batches at once)
    concurrent_push = True

    @property
    def push_encoding(self) -> str:
        """The ``Content-Encoding`` of the next push: the dictionary one unless this server
        refused it (gzip then, for the rest of the process)."""
        return GZIP_ENCODING if self.base_url in _GZIP_ONLY else DICT_ENCODING

    def push(self, batch: PushRequest) -> PushResponse:
        encoding = self.push_encoding
        response = self._push(batch, encoding)
        if (
            response.status_code == 415
            and encoding != GZIP_ENCODING
            and _error_code(response) == ErrorCodes.UNSUPPORTED_ENCODING
        ):
            _GZIP_ONLY.add(self.base_url)  # a server older than the dictionary encoding
            response = self._push(batch, GZIP_ENCODING)
        return self._parse(response, PushResponse.from_json)

    def _push(self, batch: PushRequest, encoding: str) -> httpx.Response:
        try:
            body = encode_push(batch, encoding=encoding)
        except ProtocolError:
            raise DomainError(ErrorCode.SYNC_SERVER_ERROR, detail="batch_too_large") from None
        self.last_request_bytes = len(body)
        return self._send(
            "POST", "/sync/push", content=body, headers={"Content-Encoding": encoding}
        )

    def pull(self, cursor: int, *, limit: int = DEFAULT_PULL_LIMIT) -> PullResponse:
        response = self._send("GET", "/sync/pull", params={"cursor": cursor, "limit": limit})
        return self._parse(response, PullResponse.from_json)

    def marks(self) -> MarksResponse:
        """Every high-water mark of the station (after a loss, sync/codes_sync.py)."""
        response = self._send("GET", "/stations/marks")
        return self._parse(response, MarksResponse.from_json)

    def reference(self, since: int) -> ReferenceResponse:
        """Reference data published after version ``since`` (gzip on the wire when large)."""
        response = self._send("GET", "/reference", params={"since": since})
        return self._parse(response, ReferenceResponse.from_json)

    # --- plumbing ----------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        *,
        content: bytes | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        authorised: bool = True,
    ) -> httpx.Response:
        all_headers = {
            PROTOCOL_HEADER: str(self.protocol_version),
            "Content-Type": "application/json",
            "Accept": "application/json",
            **(headers or {}),
        }
        if authorised:
            if not self.token:
                raise DomainError(ErrorCode.SYNC_NOT_ENROLLED)
            all_headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self.http.request(
                method,
                self.base_url + API + path,
                content=content,
                params=params,
                headers=all_headers,
            )
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            raise DomainError(ErrorCode.SYNC_UNREACHABLE, detail=type(exc).__name__) from None
        if response.status_code == 426:
            raise DomainError(ErrorCode.SYNC_PROTOCOL_MISMATCH, server=_error_code(response))
        if response.status_code == 401:
            raise DomainError(ErrorCode.SYNC_UNAUTHORIZED)
        if response.status_code in _GATEWAY_DOWN:
            raise DomainError(ErrorCode.SYNC_UNREACHABLE, detail=str(response.status_code))
        if response.status_code == 429 and _error_code(response) != UPLOAD_QUOTA_EXCEEDED:
            wait = retry_after_seconds(response.headers.get("retry-after"))
            extra = {} if wait is None else {"retry_after": wait}
            raise DomainError(ErrorCode.SYNC_UNREACHABLE, detail=SERVER_BUSY, **extra)
        return response

    @staticmethod
    def _parse(response: httpx.Response, parse: Callable[[Any], T]) -> T:
        if response.status_code != 200:
            raise DomainError(
                ErrorCode.SYNC_SERVER_ERROR,
                detail=f"{response.status_code} {_error_code(response)}",
            )
        try:
            return parse(loads(response.content))
        except ProtocolError as error:
            raise DomainError(ErrorCode.SYNC_SERVER_ERROR, detail=error.code) from None


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> int | None:
    """``Retry-After`` as whole seconds in 1..MAX_RETRY_AFTER_S: delta-seconds or an HTTP
    date (counted from ``now``, default the system clock: the header is the server's own
    time); None when absent or unreadable (the usual back-off applies then)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        seconds = float(text)
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            return None
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return int(min(MAX_RETRY_AFTER_S, max(1, math.ceil(seconds))))


def _error_code(response: httpx.Response) -> str:
    try:
        return ErrorBody.from_json(loads(response.content)).code
    except ProtocolError:
        return ErrorCodes.MALFORMED
