"""Attachment sync: upload the station's blobs in chunks, fetch the office's blobs on demand.

Blobs (scans, signed PDFs) travel apart from events: an event names a blob by its SHA-256,
the blob follows in :data:`CHUNK_SIZE` chunks (``sync_protocol.attachments``).

Upload guarantees (:func:`upload_pending`):

- blobs go in the order they were queued; before sending anything the server is asked what
  it holds, so a blob the office already has is marked done without a byte sent, and an
  interrupted upload resumes from the server's offset (the last chunk it committed), never
  from zero and never re-sending a chunk the server acknowledged;
- after each acknowledged chunk the new offset is recorded in its own small transaction; a
  blob leaves the queue only when the server answered that it holds the whole of it (its
  SHA-256 checked there);
- a cut connection, a timeout or a server failure stops the round (the rest waits for the
  next one); a blob the server refuses (too large, hash mismatch) or a local blob whose bytes
  no longer match their name is skipped and logged, and does not hold up the others;
- a round sends at most ``max_bytes`` of chunks, so a big backlog on a slow link does not
  hold back the event sync of the next rounds.

:func:`fetch_blob` downloads a blob of another station of the office (on demand: opening a
scan made at another counter), reporting its progress and stopping when asked; it checks the
SHA-256 and only then stores it as ``remote`` (never queued for upload), in one transaction:
a cancelled, cut or corrupt download stores nothing, a finished one stays cached for good.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.storage.blob_sync import BlobSyncRepository, PendingUpload
from counter_app.sync.attachment_client import HttpAttachmentClient
from counter_app.sync.client import HttpSyncClient, make_http
from sync_protocol.attachments import CHUNK_SIZE, AttachmentStatus

if TYPE_CHECKING:  # the services layer calls sync, never the reverse at run time
    from counter_app.services.station import StationContext

log = logging.getLogger(__name__)
ROUND_BYTES = 16 * 1024 * 1024  # chunk bytes sent per sync round at most
MAX_CONFLICTS = 4  # offset conflicts in a row on one blob before giving up for this round
_SKIP_BLOB = {ErrorCode.ATTACHMENT_REJECTED, ErrorCode.ATTACHMENT_CORRUPT}


@runtime_checkable
class AttachmentTransport(Protocol):
    """The attachment calls of a server connection (HTTP: :class:`HttpAttachmentClient`).

    Every method returns a validated answer or raises ``DomainError`` (``SYNC_*`` codes as
    the event transport, ``ATTACHMENT_REJECTED``, ``ATTACHMENT_NOT_FOUND``).
    """

    def attachment_status(self, sha256: str) -> AttachmentStatus:
        """What the server holds of ``sha256`` in this station's office."""
        ...

    def put_chunk(
        self, sha256: str, *, offset: int, data: bytes, size: int, mime: str
    ) -> AttachmentStatus:
        """Send bytes from ``offset``; the server's status after it (stored or not)."""
        ...

    def attachment_content(
        self,
        sha256: str,
        *,
        progress: Callable[[int, int | None], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> tuple[bytes, str]:
        """The bytes and media type of a complete blob of the office; ``progress(received,
        total)`` as they arrive; ``cancelled()`` True stops (ATTACHMENT_FETCH_CANCELLED)."""
        ...


@dataclass
class AttachmentReport:
    """What one upload round did."""

    uploaded: int = 0  # blobs the server now holds because of this round
    already_held: int = 0  # blobs marked done without sending (the office had them)
    skipped: int = 0  # blobs refused (by the server or because the local bytes are damaged)
    chunks: int = 0  # chunk requests sent, answered or not
    bytes_sent: int = 0  # their bodies' bytes
    waiting: int = 0  # local blobs still to upload after the round
    error: DomainError | None = None  # why the round stopped early (link, token, server)


def attachment_transport(transport: object) -> AttachmentTransport | None:
    """The attachment side of an event transport (None: it has none, e.g. a fake)."""
    if isinstance(transport, AttachmentTransport):
        return transport
    if isinstance(transport, HttpSyncClient):
        return HttpAttachmentClient(transport)
    return None


def upload_pending(
    ctx: StationContext,
    transport: AttachmentTransport,
    *,
    chunk_size: int = CHUNK_SIZE,
    max_bytes: int = ROUND_BYTES,
) -> AttachmentReport:
    """Upload queued local blobs, oldest first, until done, cut off or ``max_bytes`` sent.

    Never raises a ``DomainError``: the one that stopped the round is in the report.
    """
    repo = BlobSyncRepository(ctx.store.db, ctx.store.blobs)
    report = AttachmentReport()
    for item in repo.pending():
        if report.bytes_sent >= max_bytes:
            break
        try:
            _upload_one(ctx, repo, transport, item, report, chunk_size, max_bytes)
        except DomainError as error:
            if error.code not in _SKIP_BLOB:
                report.error = error
                break
            log.warning("attachment %s not uploaded: %s", item.sha256, error)
            report.skipped += 1
    report.waiting = repo.waiting()
    return report


def _upload_one(
    ctx: StationContext,
    repo: BlobSyncRepository,
    transport: AttachmentTransport,
    item: PendingUpload,
    report: AttachmentReport,
    chunk_size: int,
    max_bytes: int,
) -> None:
    """Send one blob from the server's offset; stops at the round's byte budget."""
    data = repo.data(item.sha256)  # None too when the bytes no longer hash to their name
    if data is None:
        raise DomainError(ErrorCode.ATTACHMENT_CORRUPT, sha256=item.sha256)
    size = len(data)
    status = transport.attachment_status(item.sha256)
    if status.complete:  # the office already holds it (its hash was checked there)
        with ctx.store.db.atomic():
            repo.mark_done(item.sha256, size=size, at=ctx.clock.now())
        report.already_held += 1
        return
    offset = _resume_offset(status, size)
    acknowledged = item.acknowledged
    conflicts = 0
    while not status.complete:
        if offset != acknowledged:
            _record(ctx, repo, item.sha256, offset)
            acknowledged = offset
        if report.bytes_sent >= max_bytes:
            return
        end = min(offset + chunk_size, size)
        report.chunks += 1  # counted when sent, answered or not
        report.bytes_sent += end - offset
        status = transport.put_chunk(
            item.sha256, offset=offset, data=data[offset:end], size=size, mime=item.mime
        )
        offset, expected = _resume_offset(status, size), end
        if offset == expected or status.complete:
            conflicts = 0
            continue
        conflicts += 1  # not stored at our offset: continue from the server's
        if conflicts > MAX_CONFLICTS:
            raise DomainError(ErrorCode.SYNC_SERVER_ERROR, detail="attachment_offset")
    with ctx.store.db.atomic():
        repo.mark_done(item.sha256, size=size, at=ctx.clock.now())
    report.uploaded += 1


def _resume_offset(status: AttachmentStatus, size: int) -> int:
    """Where to continue: the server's offset, or 0 when it holds an upload of another size."""
    return status.received if status.size == size else 0


def _record(ctx: StationContext, repo: BlobSyncRepository, sha256: str, offset: int) -> None:
    with ctx.store.db.atomic():
        repo.set_acknowledged(sha256, offset)


def attachments_waiting(ctx: StationContext) -> int:
    """How many local scans and signed files the province does not hold yet."""
    return BlobSyncRepository(ctx.store.db, ctx.store.blobs).waiting()


def sync_attachments(ctx: StationContext, transport: object) -> AttachmentReport | None:
    """The attachment step of a sync round (after the events): None when the transport
    cannot carry attachments. Its failures are logged and reported, never raised."""
    attachments = attachment_transport(transport)
    if attachments is None:
        return None
    report = upload_pending(ctx, attachments)
    if report.error is not None:
        log.info("attachment upload stopped: %s (%d waiting)", report.error, report.waiting)
    return report


Progress = Callable[[int, int | None], None]  # (bytes received, total bytes or None)


def fetch_blob(
    ctx: StationContext,
    sha256: str,
    *,
    transport: AttachmentTransport | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> bytes:
    """The bytes of blob ``sha256``: from the station's store, or else downloaded from a
    counter of the office on the LAN (issue 15, ``sync/lan/scans.py``; only without an
    explicit ``transport``), then from the province (a blob of the office), checked against
    its SHA-256 and stored as ``remote``.

    ``progress`` and ``cancelled`` as :meth:`AttachmentTransport.attachment_content`. Raises
    ATTACHMENT_NOT_FOUND (the office has no complete copy yet), ATTACHMENT_OTHER_OFFICE (the
    server refuses: the blob is of another office), ATTACHMENT_CORRUPT (the bytes received do
    not match), ATTACHMENT_FETCH_CANCELLED or a ``SYNC_*`` error; in every case nothing is
    stored.
    """
    repo = BlobSyncRepository(ctx.store.db, ctx.store.blobs)
    local = repo.data(sha256)
    if local is not None:
        return local
    if transport is None:
        from counter_app.sync.lan.scans import peer_source  # issue 15: a peer first

        peers = peer_source(ctx)
        if peers is not None:
            try:
                return _download(ctx, repo, peers, sha256, progress, cancelled)
            except DomainError as error:
                if error.code is ErrorCode.ATTACHMENT_FETCH_CANCELLED:
                    raise
                log.info("scan %s not fetched from a peer: %s", sha256[:12], error.code.value)
        from counter_app.sync.engine import sync_settings  # engine imports this module

        settings = sync_settings(ctx)
        with make_http() as http:
            client = HttpAttachmentClient(HttpSyncClient(settings["url"], settings["token"], http))
            return _download(ctx, repo, client, sha256, progress, cancelled)
    return _download(ctx, repo, transport, sha256, progress, cancelled)


def _download(
    ctx: StationContext,
    repo: BlobSyncRepository,
    transport: AttachmentTransport,
    sha256: str,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
) -> bytes:
    data, mime = transport.attachment_content(sha256, progress=progress, cancelled=cancelled)
    with ctx.store.db.atomic():
        stored = repo.store_remote(data, sha256=sha256, mime=mime, at=ctx.clock.now())
    if not stored:
        raise DomainError(ErrorCode.ATTACHMENT_CORRUPT, sha256=sha256)
    return data
