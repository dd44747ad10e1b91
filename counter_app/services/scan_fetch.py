"""Open a scan made at another counter of the office: fetch its PDF on demand, then keep it.

A component digitised (or signed) at counter A names its PDF by SHA-256 in the dossier's
events; counter B of the same office has the events after a sync but not the bytes, which
travel apart (``sync.attachments``). :func:`missing_parts` says which PDFs a component still
lacks here; :func:`fetch_component` downloads them (from a counter of the office on the LAN
when one has them, issue 15, else from the province server) one after the other, reporting
progress and stopping when asked. Each PDF is checked against its SHA-256 and stored, in its
own transaction, in the station's blob store: once fetched it opens offline like
a scan made here, and is never sent back. The server refuses a station of another office
(ATTACHMENT_OTHER_OFFICE).

Nothing here knows Qt: the window runs :func:`fetch_component` on a worker (with a
``reading_context``) and shows its :class:`FetchProgress`; the ``scan-pdf`` command prints it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from counter_app.domain.digitisation import ComponentRecord
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import digitisation
from counter_app.services.station import StationContext
from counter_app.sync.attachments import AttachmentTransport, fetch_blob


@dataclass(frozen=True, slots=True)
class FetchProgress:
    """Where a fetch is: PDF ``part`` of ``parts`` (from 1), ``received`` of its ``total``
    bytes (None until the server said its size)."""

    part: int
    parts: int
    received: int
    total: int | None

    @property
    def percent(self) -> int | None:
        """0–100 over the current PDF (None when its size is not known)."""
        if not self.total:
            return None
        return min(100, self.received * 100 // self.total)


PDF = "pdf"  # the copy to read or forward: the signed one when signed, else the scan
BOTH = "both"  # the scan (its pages, to correct) and the signed copy (its signatures)


def _wanted(record: ComponentRecord, which: str) -> list[str]:
    if which == PDF:
        digest = record.signed_sha256 or record.sha256
        return [digest] if digest else []
    return [d for d in (record.sha256, record.signed_sha256) if d]


def missing_parts(
    ctx: StationContext, dossier_uuid: str, component: int, *, which: str = BOTH
) -> list[str]:
    """The SHA-256 of the component's PDFs (``which``: :data:`PDF` or :data:`BOTH`) not at
    this station yet; [] when all are here or the component is not digitised."""
    records = digitisation.components_of(ctx, dossier_uuid)
    if not 0 <= component < len(records):
        raise DomainError(ErrorCode.COMPONENT_NOT_FOUND, component=component + 1)
    wanted = _wanted(records[component], which)
    return [sha for sha in wanted if ctx.store.blobs.get(sha) is None]


def fetch_component(
    ctx: StationContext,
    dossier_uuid: str,
    component: int,
    *,
    which: str = BOTH,
    progress: Callable[[FetchProgress], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    transport: AttachmentTransport | None = None,
) -> int:
    """Download the component's missing PDFs (see :func:`missing_parts`) from the province;
    returns how many were fetched (0: all were here already).

    Each one is verified (SHA-256) before it is stored; one fetched before a failure or a
    cancellation stays. Raises what ``sync.attachments.fetch_blob`` raises: ATTACHMENT_NOT_FOUND
    (not uploaded yet by the counter that made it), ATTACHMENT_OTHER_OFFICE,
    ATTACHMENT_CORRUPT, ATTACHMENT_FETCH_CANCELLED, SYNC_NOT_ENROLLED, SYNC_UNREACHABLE, …
    """
    missing = missing_parts(ctx, dossier_uuid, component, which=which)
    for part, sha256 in enumerate(missing, 1):

        def report(received: int, total: int | None, part: int = part) -> None:
            if progress is not None:
                progress(FetchProgress(part, len(missing), received, total))

        fetch_blob(ctx, sha256, transport=transport, progress=report, cancelled=cancelled)
    return len(missing)
