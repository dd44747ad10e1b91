"""USB sync bundles at the counter (issue 15 item 2): export the outbox, import the return.

A station with no link writes its outbox to one file (``sync_protocol.bundle``: signed by the
station's Ed25519 key, encrypted for the province's X25519 key); the province applies it as
pushes and answers a return bundle, which the station imports as a pull.

Export guarantees (:func:`export_bundle`):

- the bundle holds the queued events (the outbox and the LAN relay queue: what a push sends)
  stored after the export watermark (the last event the previous export carried), as the
  push batches the engine would send (same batch builder, same size bound, the events the
  server would refuse set aside first as a push does), plus the uuids of events earlier
  exports carried that are still waiting (the province answers which it holds), the scans
  not yet uploaded and not in an earlier bundle, the pull cursor and the reference version:
  a second export adds only what is new (resumable), ``full=True`` carries everything
  waiting again;
- nothing leaves the outbox: events stay queued until the province acknowledges them (a
  return bundle, or an online push: both are unions by uuid);
- the file is written to ``<name>.part``, flushed to the stick and renamed; only then is the
  watermark moved, in one transaction with the export number and an audit entry;
- the station's keys are made at the first export and kept in the station's secret store
  (``storage.station_secrets``: never in the database nor its backups); the province
  registers the signing key at the first import, trusting it through an HMAC keyed by the
  digest of the station token (``sync_protocol.bundle.key_proof``): no online step needed.

Import guarantees (:func:`import_return`):

- the file is refused, nothing changed, unless it is whole, signed by the province key the
  station received (enrolment or reference data), encrypted for this station's key, and
  addressed to this station; each refusal has its own Vietnamese message;
- the push answers are recorded as an online push records them (acknowledged events leave
  the outbox, refused ones move to the refused list), one transaction per batch; earlier
  events the province reports it holds leave the outbox too, and those it never received
  move the watermark back so the next export carries them again;
- the pull pages, marks and reference data go through the engine's own ``pull_remote`` and
  ``pull_reference`` (a replaying transport): one transaction per page with the cursor and
  the high-water marks, remote events stored once by uuid, dossiers re-projected; an older
  return bundle imported after a newer one (or after an online sync) adds nothing: pages
  behind the station's cursor and reference data not newer than its version are skipped;
- scans the province reports it holds leave the upload queue (as a finished upload does);
  those of the answered bundle it did not store (its daily quota) go in the next export;
- the history chain's heads are noted as a push notes them (sent at export, acknowledged
  by the return);
- a sync log row says what was done (the status bar's last sync).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.storage.blob_sync import BlobSyncRepository
from counter_app.storage.bundle_repository import BundleRepository
from counter_app.storage.station_secrets import station_secrets
from counter_app.storage.sync_repository import SyncAttempt
from counter_app.sync.codes_sync import apply_pulled_marks
from counter_app.sync.engine import (
    _fitting_batch,
    _set_aside_invalid,
    _Tally,
    _to_wire,
    pull_reference,
    pull_remote,
    sync_settings,
)
from counter_app.sync.transport import DEFAULT_PULL_LIMIT
from counter_app.texts import bundles as texts
from sync_protocol import (
    MAX_BATCH_BYTES,
    EventWire,
    PullResponse,
    PushRequest,
    PushResponse,
    PushStatus,
    ReferenceResponse,
    RejectReason,
)
from sync_protocol import bundle as wire
from sync_protocol.codes import MarksResponse
from sync_protocol.events import event_problem

if TYPE_CHECKING:  # the services layer calls sync, never the reverse at run time
    from counter_app.services.station import StationContext

KEYS_SECRET = "bundle_keys"
PROVINCE_KEY = "province_key"
EXPORTED_THROUGH = "exported_through"
NUMBER = "number"
SCANS_EXPORTED = "scans_exported"  # sha256 of queued blobs an export carried
SCANS_BY_BUNDLE = "scans_by_bundle"  # bundle id -> the sha256 it carried (until answered)
_READ_EVENTS = 2_000
Progress = Callable[[str, int, int], None]  # (what, done, total)

_ERRORS = {
    wire.TRUNCATED: ErrorCode.BUNDLE_TRUNCATED,
    wire.NOT_A_BUNDLE: ErrorCode.BUNDLE_NOT_A_BUNDLE,
    wire.NEWER_FORMAT: ErrorCode.BUNDLE_NEWER_FORMAT,
    wire.TAMPERED: ErrorCode.BUNDLE_TAMPERED,
    wire.WRONG_SIGNER: ErrorCode.BUNDLE_WRONG_SIGNER,
    wire.TOO_LARGE: ErrorCode.BUNDLE_TOO_LARGE,
    wire.MALFORMED: ErrorCode.BUNDLE_MALFORMED,
}


def _refused(error: wire.BundleError) -> DomainError:
    return DomainError(_ERRORS.get(error.code, ErrorCode.BUNDLE_MALFORMED))


def _quiet(_what: str, _done: int, _total: int) -> None:
    return None


@dataclass(frozen=True, slots=True)
class ExportReport:
    path: Path
    number: int
    events: int  # new events carried
    earlier: int  # events of earlier exports still waiting (listed, not carried again)
    set_aside: int  # events the server would refuse, moved to the refused list
    size: int  # bytes of the file
    scans: int = 0  # scans carried (queued for upload, not in an earlier bundle)

    @property
    def message(self) -> str:
        return texts.export_done(self.events, self.number, str(self.path), self.earlier, self.scans)


@dataclass(frozen=True, slots=True)
class ImportReport:
    acknowledged: int
    rejected: int
    pulled: int
    conflicts: int
    reference: int
    waiting: int
    resend: int  # events of earlier bundles the province never received
    scans: int = 0  # scans the province now holds (they left the upload queue)

    @property
    def message(self) -> str:
        return texts.import_done(
            self.acknowledged,
            self.rejected,
            self.pulled,
            self.reference,
            self.waiting,
            self.resend,
            self.scans,
        )


# --- keys -------------------------------------------------------------------------------------


def remember_province_key(ctx: StationContext, text: str) -> None:
    """Keep the province's bundle key sent at enrolment or with reference data (in the
    caller's transaction); an empty or invalid text changes nothing."""
    if not text:
        return
    try:
        wire.PublicKeys.parse(text)
    except wire.BundleError:
        return
    repo = BundleRepository(ctx.store.db)
    if repo.state().get(PROVINCE_KEY) != text:
        repo.set_state(**{PROVINCE_KEY: text})


def _province_key(ctx: StationContext) -> wire.PublicKeys:
    text = BundleRepository(ctx.store.db).state().get(PROVINCE_KEY)
    try:
        return wire.PublicKeys.parse(str(text or ""))
    except wire.BundleError:
        raise DomainError(ErrorCode.BUNDLE_PROVINCE_KEY_MISSING) from None


def station_keys(ctx: StationContext, *, create: bool) -> wire.BundleKeys | None:
    """The station's bundle keys from its secret store (made when ``create`` and missing)."""
    secrets = station_secrets(ctx.store.data_dir)
    text = secrets.get(KEYS_SECRET)
    if text:
        with contextlib.suppress(wire.BundleError, ValueError):
            return wire.BundleKeys.from_secret_text(text)
    if not create:
        return None
    keys = wire.BundleKeys.generate()
    secrets.set(KEYS_SECRET, keys.secret_text())
    return keys


# --- export -----------------------------------------------------------------------------------


def _batches(
    ctx: StationContext, repo: BundleRepository, after: int, tally: _Tally, progress: Progress
) -> tuple[list[PushRequest], int]:
    """The push batches of the queued events after ``after`` and the last rowid carried.

    Events are read, converted and checked once each, in windows of :data:`_READ_EVENTS`;
    those the server would refuse are set aside as a push sets them aside."""
    total = repo.count_after(after)
    batches: list[PushRequest] = []
    window: list[tuple[int, EventWire]] = []
    read_through = after
    last = after
    done = 0
    exhausted = False
    while True:
        if not exhausted and len(window) < _READ_EVENTS // 2:
            rows = repo.queued_after(read_through, limit=_READ_EVENTS)
            exhausted = not rows
            if rows:
                read_through = rows[-1][0]
                wires = [(rowid, _to_wire(event)) for rowid, event in rows]
                bad = [w for _rowid, w in wires if event_problem(w) is not None]
                if bad:
                    _set_aside_invalid(ctx, bad, tally)  # as a push does: never held up
                    refused = {w.uuid for w in bad}
                    wires = [(r, w) for r, w in wires if w.uuid not in refused]
                window.extend(wires)
                continue
        if not window:
            return batches, max(last, read_through)
        request = _fitting_batch(ctx, [w for _rowid, w in window], MAX_BATCH_BYTES)
        if request is None:  # one event bigger than any batch: as a push does
            with ctx.store.db.atomic():
                ctx.store.sync.mark_rejected(
                    window[0][1].uuid, RejectReason.EVENT_TOO_LARGE, at=ctx.clock.now()
                )
            tally.rejected += 1
            window = window[1:]
            continue
        count = len(request.events)
        batches.append(request)
        last = window[count - 1][0]
        window = window[count:]
        done += count
        progress(texts.PROGRESS_READING, done, total)


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through ``<path>.part``, flushed before the rename."""
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise DomainError(ErrorCode.BUNDLE_NOT_WRITTEN, path=str(path)) from None


def _scans(ctx: StationContext, exported: set[str]) -> list[wire.ScanWire]:
    """Queued blobs not carried by an earlier export (all of them when ``exported`` is
    empty), oldest first, up to the bundle's bound of scan bytes; a damaged one is left to
    the online upload, which reports it."""
    repo = BlobSyncRepository(ctx.store.db, ctx.store.blobs)
    found: list[wire.ScanWire] = []
    total = 0
    for item in repo.pending(limit=wire.MAX_SCANS):
        if item.sha256 in exported:
            continue
        if total + item.size > wire.MAX_SCAN_BYTES and found:
            break
        data = repo.data(item.sha256)
        if data is None:
            continue
        found.append(wire.ScanWire(item.sha256, item.mime, data))
        total += len(data)
    return found


def next_bundle_name(ctx: StationContext) -> str:
    """The file name the next export gets in a folder (station prefix, day, number)."""
    number = int(BundleRepository(ctx.store.db).state().get(NUMBER, 0)) + 1
    day = ctx.clock.now().strftime("%Y%m%d")
    return texts.default_name(ctx.office().station_prefix, number, day)


def export_bundle(
    ctx: StationContext, path: Path, *, full: bool = False, progress: Progress = _quiet
) -> ExportReport:
    """Write the station bundle to ``path`` (a folder: a name is chosen); see the module."""
    token = str(sync_settings(ctx)["token"])
    province = _province_key(ctx)
    office = ctx.office()
    keys = station_keys(ctx, create=True)
    assert keys is not None
    repo = BundleRepository(ctx.store.db)
    state = repo.state()
    after = 0 if full else int(state.get(EXPORTED_THROUGH, 0))
    number = int(state.get(NUMBER, 0)) + 1
    tally = _Tally()
    batches, last = _batches(ctx, repo, after, tally, progress)
    earlier = repo.queued_through(after)
    exported = set() if full else set(state.get(SCANS_EXPORTED, []))
    scans = _scans(ctx, exported)
    progress(texts.PROGRESS_SCANS, len(scans), len(scans))
    content = wire.StationContent(
        batches=tuple(batches),
        cursor=ctx.store.sync.cursor(),
        reference_version=ctx.store.sync.reference_version(),
        earlier=tuple(earlier),
        waiting=ctx.store.sync.waiting(),
        scans=tuple(scans),
    )
    own = keys.public()
    events = sum(len(b.events) for b in batches)
    now = ctx.clock.now()
    bundle_id = ctx.new_id()
    header = wire.BundleHeader(
        kind=wire.STATION,
        bundle_id=bundle_id,
        station_id=office.station_id,
        agency_id=office.agency_id,
        created_at=now.isoformat(),
        signer=own.signing,
        recipient=province.agreement,
        reply_to=own.text,
        proof=wire.key_proof(wire.token_digest(token), office.station_id, own.signing),
        events=events,
        number=number,
    )
    progress(texts.PROGRESS_WRITING, events, events)
    data = wire.seal(header, content.to_json(), signer=keys)
    if path.is_dir():
        path = path / next_bundle_name(ctx)
    _write(path, data)
    with ctx.store.db.atomic():
        carried = [scan.sha256 for scan in scans]
        by_bundle = dict(state.get(SCANS_BY_BUNDLE, {}))
        if carried:
            by_bundle[bundle_id] = carried
        for head in sorted({b.chain.head.pos for b in batches if b.chain is not None}):
            ctx.store.chain.note_sent(head, acknowledged=False)  # as a push notes it
        repo.set_state(
            **{
                EXPORTED_THROUGH: max(last, int(state.get(EXPORTED_THROUGH, 0))),
                NUMBER: number,
                SCANS_EXPORTED: sorted(exported | set(carried)),
                SCANS_BY_BUNDLE: by_bundle,
            }
        )
        ctx.store.audit.record(
            at=now,
            officer="system",
            action="bundle_exported",
            dossier_uuid=None,
            detail={
                "number": number,
                "events": events,
                "earlier": len(earlier),
                "scans": len(scans),
                "file": path.name,
            },
        )
    return ExportReport(
        path, number, events, len(earlier), tally.rejected, len(data), scans=len(scans)
    )


# --- import -----------------------------------------------------------------------------------


class _Replay:
    """The return bundle's pull seen as a transport (``pull``, ``marks``, ``reference``)."""

    def __init__(self, content: wire.ReturnContent, progress: Progress) -> None:
        self.pages = list(content.pages)
        self.total = sum(len(p.events) for p in self.pages)
        self.done = 0
        self.content = content
        self.progress = progress

    def pull(self, cursor: int, *, limit: int = DEFAULT_PULL_LIMIT) -> PullResponse:
        while self.pages:
            page = self.pages.pop(0)
            self.done += len(page.events)
            if page.cursor > cursor:  # pages behind the cursor: already held
                self.progress(texts.PROGRESS_EVENTS, self.done, self.total)
                return page
        return PullResponse(cursor, (), False, self.content.marks.server_time)

    def marks(self) -> MarksResponse:
        return self.content.marks

    def reference(self, since: int) -> ReferenceResponse:
        answer = self.content.reference
        if answer is not None and answer.version > since:  # a later snapshot than ours
            return answer
        return ReferenceResponse(since, (), (), None, (), self.content.marks.server_time)


def _record(ctx: StationContext, response: PushResponse, tally: _Tally) -> None:
    """A push answer recorded as ``engine._record_results`` records it, one transaction."""
    acked = [r.uuid for r in response.results if r.status is not PushStatus.REJECTED]
    refused = [r for r in response.results if r.status is PushStatus.REJECTED]
    now = ctx.clock.now()
    store = ctx.store
    with store.db.atomic():
        tally.pushed += store.sync.mark_acked(acked)
        for result in refused:
            store.sync.mark_rejected(
                result.uuid, result.reason or "rejected", at=now, batch_id=response.batch_id
            )
    tally.rejected += len(refused)


def open_return(ctx: StationContext, data: bytes) -> tuple[wire.BundleHeader, wire.ReturnContent]:
    """The header and content of a return bundle for this station, or the DomainError
    saying why not."""
    try:
        header = wire.read_header(data)
    except wire.BundleError as error:
        raise _refused(error) from None
    if header.kind != wire.RETURN:
        raise DomainError(ErrorCode.BUNDLE_WRONG_KIND)
    office = ctx.office()
    if header.station_id != office.station_id or header.agency_id != office.agency_id:
        raise DomainError(ErrorCode.BUNDLE_OTHER_STATION, agency_id=header.agency_id)
    province = _province_key(ctx)
    keys = station_keys(ctx, create=False)
    if keys is None:  # never exported from this data folder: not for us
        raise DomainError(ErrorCode.BUNDLE_WRONG_SIGNER)
    try:
        opened = wire.open_bundle(data, signer=province.signing, recipient=keys)
        return header, wire.ReturnContent.from_json(opened)
    except wire.BundleError as error:
        raise _refused(error) from None


def _scans_answered(
    ctx: StationContext, repo: BundleRepository, bundle_id: str, stored: tuple[str, ...]
) -> int:
    """In the import's transaction: the scans the province holds leave the upload queue (as
    a finished upload leaves it); those of the answered bundle it did not store (its daily
    quota) are carried again by the next export. How many left the queue."""
    blobs = BlobSyncRepository(ctx.store.db, ctx.store.blobs)
    sizes = {p.sha256: p.size for p in blobs.pending(limit=wire.MAX_SCANS)}
    now = ctx.clock.now()
    done = 0
    for sha256 in stored:
        if sha256 in sizes:
            blobs.mark_done(sha256, size=sizes[sha256], at=now)
            done += 1
    state = repo.state()
    by_bundle = dict(state.get(SCANS_BY_BUNDLE, {}))
    carried = set(by_bundle.pop(bundle_id, []))
    exported = set(state.get(SCANS_EXPORTED, [])) - (carried - set(stored))
    exported &= {s for s in sizes if s not in stored}  # only what is still queued
    repo.set_state(**{SCANS_EXPORTED: sorted(exported), SCANS_BY_BUNDLE: by_bundle})
    return done


def import_return(ctx: StationContext, path: Path, *, progress: Progress = _quiet) -> ImportReport:
    """Apply a return bundle as a push's answers and a pull (see the module docstring)."""
    started = ctx.clock.now()
    try:
        data = path.read_bytes()
    except OSError:
        raise DomainError(ErrorCode.BUNDLE_UNREADABLE, path=str(path)) from None
    progress(texts.PROGRESS_CHECKING, 0, 1)
    header, content = open_return(ctx, data)
    tally = _Tally()
    for index, response in enumerate(content.results):
        _record(ctx, response, tally)
        progress(texts.PROGRESS_ACKS, index + 1, len(content.results))
    repo = BundleRepository(ctx.store.db)
    resend = 0
    with ctx.store.db.atomic():
        tally.pushed += ctx.store.sync.mark_acked(content.earlier_stored)
        first = repo.first_rowid(list(content.earlier_missing))
        if first is not None:  # never reached the province: the next export carries them
            resend = len(content.earlier_missing)
            through = int(repo.state().get(EXPORTED_THROUGH, 0))
            repo.set_state(**{EXPORTED_THROUGH: min(through, first - 1)})
        remember_province_key(ctx, content.bundle_key)
        scans = _scans_answered(ctx, repo, header.in_reply_to, content.scans_stored)
        if content.chain_heads:  # as a push's answer acknowledges its head
            ctx.store.chain.note_sent(max(content.chain_heads), acknowledged=True)
    replay = _Replay(content, progress)
    pull_remote(ctx, replay, tally=tally)  # type: ignore[arg-type]  # pull and marks only
    progress(texts.PROGRESS_REFERENCE, 0, 1)
    pull_reference(ctx, replay, tally=tally)  # type: ignore[arg-type]
    waiting = ctx.store.sync.waiting()
    finished = ctx.clock.now()
    with ctx.store.db.atomic():
        # Every mark of the station (a pull page carries those of recent days only; a
        # bundle may come weeks later): raised as a pull raises them.
        apply_pulled_marks(ctx, content.marks.high_water)
        ctx.store.sync.log_attempt(
            SyncAttempt(
                started_at=started,
                finished_at=finished,
                status="ok",
                pushed=tally.pushed,
                duplicates=0,
                rejected=tally.rejected,
                pulled=tally.pulled,
                waiting=waiting,
                server_time=None,
                error=None,
            )
        )
        ctx.store.audit.record(
            at=finished,
            officer="system",
            action="bundle_imported",
            dossier_uuid=None,
            detail={"acknowledged": tally.pushed, "pulled": tally.pulled, "file": path.name},
        )
    return ImportReport(
        acknowledged=tally.pushed,
        rejected=tally.rejected,
        pulled=tally.pulled,
        conflicts=tally.conflicts,
        reference=tally.reference,
        waiting=waiting,
        resend=resend,
        scans=scans,
    )
