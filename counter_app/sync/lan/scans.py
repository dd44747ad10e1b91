"""Scans fetched on demand from a peer of the office, like from the province (issue 15).

:func:`peer_source` gives an attachment source over the peers this station met (the most
recently synced first): each is asked for the blob after the office secret's challenge; the
first that holds it gives the bytes, which ``sync.attachments.fetch_blob`` checks against
their SHA-256 before storing them, exactly as bytes from the province. No peer holding it
(or none reachable) is ATTACHMENT_NOT_FOUND, and the caller asks the province next.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.storage.station_secrets import office_secret
from counter_app.sync.lan.client import PeerClient, peer_http
from sync_protocol.attachments import AttachmentStatus
from sync_protocol.lan import normalise_secret

if TYPE_CHECKING:
    from counter_app.services.station import StationContext

log = logging.getLogger(__name__)
_OLD = datetime.min.replace(tzinfo=UTC)


class PeerBlobSource:
    """``attachment_content`` over the office's peers (see the module docstring)."""

    def __init__(self, ctx: StationContext, secret: str) -> None:
        self.ctx = ctx
        self.secret = secret

    def attachment_content(
        self,
        sha256: str,
        *,
        progress: Callable[[int, int | None], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> tuple[bytes, str]:
        lan = self.ctx.store.lan
        office = self.ctx.office()
        peers = sorted(lan.peers(), key=lambda p: p.synced_at or _OLD, reverse=True)
        with peer_http(timeout=30.0) as http:
            for peer in peers:
                if cancelled is not None and cancelled():
                    raise DomainError(ErrorCode.ATTACHMENT_FETCH_CANCELLED)
                client = PeerClient(peer.address, http)
                try:
                    session = client.open(
                        self.secret,
                        agency_id=office.agency_id,
                        station_id=office.station_id,
                        pinned=lambda sid: p.fingerprint if (p := lan.peer(sid)) else None,
                    )
                    found = client.blob(session, sha256)
                except DomainError as error:
                    log.info("scan %s from peer %s: %s", sha256[:12], peer.address, error)
                    continue
                if found is not None:
                    if progress is not None:
                        progress(len(found[0]), len(found[0]))
                    return found
        raise DomainError(ErrorCode.ATTACHMENT_NOT_FOUND, sha256=sha256)

    def attachment_status(self, sha256: str) -> AttachmentStatus:  # pragma: no cover
        raise DomainError(ErrorCode.ATTACHMENT_NOT_FOUND, sha256=sha256)  # download only

    def put_chunk(
        self, sha256: str, *, offset: int, data: bytes, size: int, mime: str
    ) -> AttachmentStatus:  # pragma: no cover - peers never receive uploads
        raise DomainError(ErrorCode.ATTACHMENT_REJECTED, detail="peer")


def peer_source(ctx: StationContext) -> PeerBlobSource | None:
    """A source over the peers met, or None (no office secret, no peer met)."""
    secret = office_secret(ctx.store.data_dir)
    if not secret or normalise_secret(secret) is None or not ctx.store.lan.peers():
        return None
    return PeerBlobSource(ctx, secret)
