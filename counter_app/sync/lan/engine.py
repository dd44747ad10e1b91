"""Pull the office's events from its peers on the LAN (issue 15 item 1).

Guarantees:

- a peer is believed only after it proved it holds the office secret, with the certificate
  pinned at the first such contact (``client.PeerClient``); a peer of another office, or a
  device without the secret, gives nothing and is told nothing;
- each page is applied like a page pulled from the province, by the same code
  (``engine.apply_remote_events``: events already held skipped, the station's clock moved
  past them, each touched dossier rebuilt by the shared projection, conflicts listed), in one
  local transaction together with the peer's new cursor, so a page is either wholly applied
  or not at all;
- the events learned now that the peer did not know to be stored by the province
  (``LanPage.unsent``) are queued for this station to push as well (``lan_relay``): whichever
  station reaches the province first stores them, the others get ``duplicate``; events
  pulled from the province later leave that queue (``engine.pull_remote``). Events learned
  from a peer are never put in this station's own outbox;
- a cursor kept from before a peer restored its database (its epoch changed) starts again
  from 0 (a union: nothing doubles);
- one peer failing never stops the others; every result is in :class:`LanReport`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import httpx

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.storage.station_secrets import office_secret
from counter_app.sync.engine import _from_wire, _Tally, apply_remote_events
from counter_app.sync.lan.client import PeerClient, PeerSession, peer_http
from sync_protocol.lan import LanPage, normalise_secret

if TYPE_CHECKING:  # the services layer calls sync, never the reverse at run time
    from counter_app.services.station import StationContext

log = logging.getLogger(__name__)
LAN_PAGE = 1000
MDNS = "mdns"
FIXED = "fixed"


@dataclass(frozen=True, slots=True)
class PeerAddress:
    """Where a peer may be: ``host:port`` and how it was found."""

    address: str
    source: str = FIXED
    station_id: str | None = None  # what its announcement claims (believed after the proof)


@dataclass(frozen=True, slots=True)
class PeerResult:
    address: str
    station_id: str | None
    name: str
    pulled: int
    relayed: int
    error: DomainError | None = None
    source: str = FIXED


@dataclass(frozen=True, slots=True)
class LanReport:
    peers: tuple[PeerResult, ...]
    started_at: datetime
    finished_at: datetime
    conflicts: int = 0

    @property
    def pulled(self) -> int:
        return sum(p.pulled for p in self.peers)

    @property
    def failed(self) -> int:
        return sum(p.error is not None for p in self.peers)


def lan_secret(ctx: StationContext) -> str:
    """The office secret, or LAN_NO_SECRET."""
    value = office_secret(ctx.store.data_dir)
    if not value or normalise_secret(value) is None:
        raise DomainError(ErrorCode.LAN_NO_SECRET)
    return value


def known_addresses(ctx: StationContext) -> list[PeerAddress]:
    """The fixed peer list, then the peers met before (their last address)."""
    lan = ctx.store.lan
    found = [PeerAddress(a, FIXED) for a in lan.fixed_peers()]
    found += [PeerAddress(p.address, p.source, p.station_id) for p in lan.peers()]
    return found


def lan_sync(
    ctx: StationContext,
    addresses: list[PeerAddress],
    *,
    http: httpx.Client | None = None,
    limit: int = LAN_PAGE,
) -> LanReport:
    """Pull from every peer at ``addresses`` (duplicates and this station skipped)."""
    secret = lan_secret(ctx)
    started = ctx.clock.now()
    tally = _Tally()
    results: list[PeerResult] = []
    done: set[str] = {ctx.office().station_id}
    tried: set[str] = set()
    own_http = http is None
    client_http = http or peer_http()
    try:
        for peer in addresses:
            if peer.address in tried or (peer.station_id is not None and peer.station_id in done):
                continue
            tried.add(peer.address)
            result = _sync_peer(
                ctx, PeerClient(peer.address, client_http), peer, secret, done, tally, limit
            )
            if result is not None:
                results.append(result)
    finally:
        if own_http:
            client_http.close()
    return LanReport(tuple(results), started, ctx.clock.now(), tally.conflicts)


def _sync_peer(
    ctx: StationContext,
    client: PeerClient,
    peer: PeerAddress,
    secret: str,
    done: set[str],
    tally: _Tally,
    limit: int,
) -> PeerResult | None:
    store = ctx.store
    office = ctx.office()
    session: PeerSession | None = None
    try:
        session = client.open(
            secret,
            agency_id=office.agency_id,
            station_id=office.station_id,
            pinned=lambda sid: p.fingerprint if (p := store.lan.peer(sid)) else None,
        )
        if session.station_id in done:
            return None  # this station itself, or met at another address this round
        done.add(session.station_id)
        with store.db.atomic():
            store.lan.met(
                session.station_id,
                address=peer.address,
                name=session.station_prefix,
                fingerprint=session.fingerprint,
                source=peer.source,
                at=ctx.clock.now(),
            )
        pulled, relayed = _pull_all(ctx, client, session, tally, limit)
    except DomainError as error:
        log.info("lan peer %s: %s", peer.address, error)
        if session is not None and store.lan.peer(session.station_id) is not None:
            with store.db.atomic():
                store.lan.failed(session.station_id, error.code.value, at=ctx.clock.now())
        return PeerResult(
            peer.address,
            session.station_id if session else peer.station_id,
            session.station_prefix if session else "",
            0,
            0,
            error,
            peer.source,
        )
    return PeerResult(
        peer.address,
        session.station_id,
        session.station_prefix,
        pulled,
        relayed,
        source=peer.source,
    )


def _pull_all(
    ctx: StationContext, client: PeerClient, session: PeerSession, tally: _Tally, limit: int
) -> tuple[int, int]:
    """Every page after the kept cursor, each in its own transaction."""
    store = ctx.store
    record = store.lan.peer(session.station_id)
    cursor = record.cursor if record else 0
    epoch = record.epoch if record else None
    pulled = relayed = 0
    while True:
        page = client.pull(session, cursor, limit=limit)
        if epoch is not None and page.epoch != epoch and cursor:
            cursor, epoch = 0, page.epoch  # the peer's database went back: from the start
            continue
        epoch = page.epoch
        got, queued = _apply_page(ctx, session, page, tally)
        pulled += got
        relayed += queued
        new_cursor = page.pull.cursor
        if not page.pull.has_more or new_cursor <= cursor:
            return pulled, relayed
        cursor = new_cursor


def _apply_page(
    ctx: StationContext, session: PeerSession, page: LanPage, tally: _Tally
) -> tuple[int, int]:
    store = ctx.store
    events = [_from_wire(w) for w in page.pull.events]
    unsent = set(page.unsent)
    inserted: list[str] = []
    now = ctx.clock.now()
    with store.db.atomic():
        apply_remote_events(ctx, events, tally, inserted=inserted)
        queued = store.sync.queue_relays([u for u in inserted if u in unsent], at=now)
        store.lan.synced(
            session.station_id,
            cursor=page.pull.cursor,
            epoch=page.epoch,
            pulled=len(inserted),
            at=now,
        )
    return len(inserted), queued
