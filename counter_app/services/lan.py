"""Office LAN sync use cases (issue 15): pairing, the fixed peer list, the peers' status.

The office secret comes from the province at enrolment (``sync.engine.enrol``); an office set
up offline makes one at a counter (:func:`pairing_code`, an administrator) and types it at
the others (:func:`pair`). Each use case is one transaction with its audit entry; the secret
itself lives in the station's secret store (``storage.station_secrets``), never in the
database nor its backups.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import datetime

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services.station import StationContext
from counter_app.storage.station_secrets import office_secret, set_office_secret
from sync_protocol.lan import format_secret, new_secret, normalise_secret

_HOST_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.\-]{0,251}[A-Za-z0-9])?$")


@dataclass(frozen=True, slots=True)
class PeerStatus:
    """One counter of the office as the status bar shows it."""

    station_id: str
    name: str  # its number ("150")
    address: str
    source: str
    seen_at: datetime | None
    synced_at: datetime | None
    pulled: int
    error: str | None


def is_paired(ctx: StationContext) -> bool:
    value = office_secret(ctx.store.data_dir)
    return bool(value and normalise_secret(value))


def pairing_code(ctx: StationContext, *, by: str) -> str:
    """The office's pairing code to type at another counter; made now when this station
    holds no secret yet (an office set up offline)."""
    current = office_secret(ctx.store.data_dir)
    if current and normalise_secret(current):
        return format_secret(current)
    secret = new_secret()
    set_office_secret(ctx.store.data_dir, secret)
    with ctx.store.db.atomic():
        ctx.store.audit.record(
            at=ctx.clock.now(),
            officer=by,
            action="lan_secret_created",
            dossier_uuid=None,
            detail={},
        )
    return format_secret(secret)


def normalise_code(code: str) -> str | None:
    """The office secret a typed pairing code stands for, or None when it is not one."""
    return normalise_secret(code)


def pair(ctx: StationContext, code: str, *, by: str) -> None:
    """Keep the office secret typed as a pairing code (LAN_PAIRING_CODE_INVALID when it is
    not one: nothing changed)."""
    secret = normalise_secret(code)
    if secret is None:
        raise DomainError(ErrorCode.LAN_PAIRING_CODE_INVALID)
    set_office_secret(ctx.store.data_dir, secret)
    with ctx.store.db.atomic():
        ctx.store.audit.record(
            at=ctx.clock.now(), officer=by, action="lan_paired", dossier_uuid=None, detail={}
        )


def check_address(value: str) -> str:
    """``host:port`` of a peer (IPv4, IPv6 in brackets or a name), else LAN_ADDRESS_INVALID."""
    text = value.strip()
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise DomainError(ErrorCode.LAN_ADDRESS_INVALID, value=value)
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise DomainError(ErrorCode.LAN_ADDRESS_INVALID, value=value) from None
    elif not _HOST_RE.match(host):
        raise DomainError(ErrorCode.LAN_ADDRESS_INVALID, value=value)
    return f"{host}:{int(port)}"


def set_fixed_peers(
    ctx: StationContext, *, add: list[str], remove: list[str], by: str
) -> list[str]:
    """Change the fixed peer list (for networks that block multicast); returns it."""
    added = [check_address(a) for a in add]
    removed = {check_address(a) for a in remove}
    lan = ctx.store.lan
    with ctx.store.db.atomic():
        peers = [a for a in lan.fixed_peers() if a not in removed] + added
        lan.set_fixed_peers(peers)
        ctx.store.audit.record(
            at=ctx.clock.now(),
            officer=by,
            action="lan_fixed_peers",
            dossier_uuid=None,
            detail={"add": added, "remove": sorted(removed)},
        )
    return lan.fixed_peers()


def forget_peer(ctx: StationContext, station_id: str, *, by: str) -> bool:
    """Forget a peer and its pinned certificate (a counter reinstalled)."""
    with ctx.store.db.atomic():
        found = ctx.store.lan.forget(station_id)
        if found:
            ctx.store.audit.record(
                at=ctx.clock.now(),
                officer=by,
                action="lan_peer_forgotten",
                dossier_uuid=None,
                detail={"station_id": station_id},
            )
    return found


def peers_status(ctx: StationContext) -> list[PeerStatus]:
    return [
        PeerStatus(
            p.station_id,
            p.name,
            p.address,
            p.source,
            p.seen_at,
            p.synced_at,
            p.pulled,
            p.last_error,
        )
        for p in ctx.store.lan.peers()
    ]
