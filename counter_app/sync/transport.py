"""What the sync engine needs from a server connection (HTTP in production)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from sync_protocol import (
    EnrolResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    ReferenceResponse,
)

DEFAULT_PULL_LIMIT = 500


class SyncTransport(Protocol):
    """A connection to the province server.

    Every method either returns a validated protocol message or raises ``DomainError`` with
    one of the ``SYNC_*`` codes (unreachable, unauthorized, protocol mismatch, enrolment
    refused, server error); it never returns a half-read answer.
    """

    def enrol(
        self,
        code: str,
        *,
        former_prefixes: tuple[str, ...] = (),
        former_station_ids: tuple[str, ...] = (),
    ) -> EnrolResponse:
        """Spend a one-time enrolment code; the answer holds the station token (and the
        station's high-water marks). ``former_prefixes``: the prefixes the station minted
        codes with before (sync/codes_sync.py)."""
        ...

    def push(self, batch: PushRequest) -> PushResponse:
        """Send a batch; one result per event. Accepted and duplicate mean durably stored."""
        ...

    def pull(self, cursor: int, *, limit: int = DEFAULT_PULL_LIMIT) -> PullResponse:
        """Events of the station's agency after ``cursor`` (a server sequence)."""
        ...


@runtime_checkable
class ReferenceSource(Protocol):
    """A connection that can also fetch the province's reference data (the HTTP client does;
    a transport without it simply gets no reference data)."""

    def reference(self, since: int) -> ReferenceResponse:
        """Reference data published after version ``since`` (0: everything)."""
        ...
