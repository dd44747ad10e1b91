"""``counter-app lan-serve`` / ``lan-sync`` / ``lan-peers`` / ``lan-pair`` (issue 15 item 1).

``lan-serve`` runs the station's peer server (and its mDNS announcement) until it is stopped,
syncing with the peers every ``--sync-every`` seconds when asked; the window runs the same
parts. ``lan-sync`` pulls from the peers now: those found by mDNS in ``--discover`` seconds,
the fixed list, those met before and ``--peer`` addresses.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from counter_app.cli.common import add_officer_options, officer, read_stdin_line, station
from counter_app.domain.models import Role
from counter_app.services import lan as lan_service
from counter_app.services.station import StationContext
from counter_app.texts import lan as t
from sync_protocol.lan import DEFAULT_PORT, office_tag

Handler = Callable[[argparse.Namespace], Any]
Add = Callable[[str, str, Handler], argparse.ArgumentParser]
ADMIN = frozenset({Role.ADMIN})

if TYPE_CHECKING:  # the engine (httpx, TLS) is imported by the commands that sync
    from counter_app.sync.lan.engine import LanReport, PeerAddress


def register(add: Add) -> None:
    p = add("lan-serve", t.CLI_LAN_SERVE, cmd_lan_serve)
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=t.CLI_LAN_SERVE_PORT)
    p.add_argument("--host", default="0.0.0.0", help=t.CLI_LAN_SERVE_HOST)
    p.add_argument("--no-mdns", action="store_true", help=t.CLI_LAN_NO_MDNS)
    p.add_argument(
        "--sync-every",
        type=float,
        default=0.0,
        metavar=t.METAVAR_SECONDS,
        help=t.CLI_LAN_SERVE_EVERY,
    )
    p = add("lan-sync", t.CLI_LAN_SYNC, cmd_lan_sync)
    p.add_argument(
        "--discover", type=float, default=2.0, metavar=t.METAVAR_SECONDS, help=t.CLI_LAN_DISCOVER
    )
    p.add_argument(
        "--peer", action="append", default=[], metavar=t.METAVAR_ADDRESS, help=t.CLI_LAN_PEER
    )
    p = add("lan-peers", t.CLI_LAN_PEERS, cmd_lan_peers)
    p.add_argument(
        "--add", action="append", default=[], metavar=t.METAVAR_ADDRESS, help=t.CLI_LAN_ADD
    )
    p.add_argument(
        "--remove", action="append", default=[], metavar=t.METAVAR_ADDRESS, help=t.CLI_LAN_REMOVE
    )
    p.add_argument("--forget", metavar=t.METAVAR_STATION, help=t.CLI_LAN_FORGET)
    add_officer_options(p)
    p = add("lan-pair", t.CLI_LAN_PAIR, cmd_lan_pair)
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--show", action="store_true", help=t.CLI_LAN_PAIR_SHOW)
    group.add_argument("--code-stdin", action="store_true", help=t.CLI_LAN_PAIR_STDIN)
    add_officer_options(p)


def _addresses(
    ctx: StationContext, found: list[PeerAddress], extra: list[str]
) -> list[PeerAddress]:
    from counter_app.sync.lan.engine import FIXED, PeerAddress, known_addresses

    typed = [PeerAddress(lan_service.check_address(a), FIXED) for a in extra]
    return typed + found + known_addresses(ctx)


def report_json(ctx: StationContext, report: LanReport, *, discovered: int = 0) -> dict[str, Any]:
    from counter_app.texts import error_message

    return {
        "peers": [
            {
                "address": p.address,
                "source": p.source,
                "station_id": p.station_id,
                "name": p.name,
                "pulled": p.pulled,
                "relayed": p.relayed,
                "error": p.error.code.value if p.error else None,
                "message": error_message(p.error) if p.error else None,
            }
            for p in report.peers
        ],
        "discovered": discovered,  # peers announced over mDNS this time
        "pulled": report.pulled,
        "conflicts": report.conflicts,
        "relays_waiting": ctx.store.sync.relays_waiting(),
    }


def cmd_lan_sync(args: argparse.Namespace) -> Any:
    from counter_app.sync.lan.discovery import discover
    from counter_app.sync.lan.engine import lan_secret, lan_sync

    ctx = station(args)
    secret = lan_secret(ctx)
    office = ctx.office()
    found = discover(office.station_id, office_tag(secret), args.discover) if args.discover else []
    report = lan_sync(ctx, _addresses(ctx, found, args.peer))
    sys.stderr.write(t.cli_lan_synced(len(report.peers), report.pulled, report.failed) + "\n")
    return report_json(ctx, report, discovered=len(found))


def cmd_lan_serve(args: argparse.Namespace) -> Any:
    from counter_app.sync.lan.discovery import Discovery
    from counter_app.sync.lan.engine import lan_secret, lan_sync
    from counter_app.sync.lan.server import PeerServer

    ctx = station(args)
    secret = lan_secret(ctx)
    office = ctx.office()
    server = PeerServer(ctx.store.data_dir, clock=ctx.clock, host=args.host, port=args.port)
    server.start()
    discovery = None
    if not args.no_mdns:
        discovery = Discovery(
            station_id=office.station_id, office_tag=office_tag(secret), port=server.port
        )
        discovery.start()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    sys.stderr.write(t.cli_serving(server.port) + "\n")
    sys.stderr.flush()
    rounds = 0
    try:
        while not stop.wait(args.sync_every or 3600.0):
            if args.sync_every:
                found = discovery.peers() if discovery is not None else []
                lan_sync(ctx, _addresses(ctx, found, []))
                rounds += 1
    finally:
        if discovery is not None:
            discovery.close()
        server.stop()
    return {"port": server.port, "rounds": rounds}


def cmd_lan_peers(args: argparse.Namespace) -> Any:
    ctx = station(args)
    if args.add or args.remove or args.forget:
        by = officer(ctx, args, ADMIN)
        if args.add or args.remove:
            lan_service.set_fixed_peers(ctx, add=args.add, remove=args.remove, by=by)
        if args.forget:
            lan_service.forget_peer(ctx, args.forget, by=by)
    return {
        "paired": lan_service.is_paired(ctx),
        "fixed": ctx.store.lan.fixed_peers(),
        "peers": [
            {
                "station_id": p.station_id,
                "name": p.name,
                "address": p.address,
                "source": p.source,
                "seen_at": p.seen_at.isoformat() if p.seen_at else None,
                "synced_at": p.synced_at.isoformat() if p.synced_at else None,
                "pulled": p.pulled,
                "error": p.error,
            }
            for p in lan_service.peers_status(ctx)
        ],
    }


def cmd_lan_pair(args: argparse.Namespace) -> Any:
    ctx = station(args)
    if args.show:
        by = officer(ctx, args, ADMIN)
        code = lan_service.pairing_code(ctx, by=by)
        sys.stderr.write(t.cli_pairing_code(code) + "\n")
        return {"pairing_code": code}
    by = officer(ctx, args, ADMIN)  # its password line first, as for backup-passphrase
    lan_service.pair(ctx, read_stdin_line(), by=by)
    sys.stderr.write(t.PAIRED + "\n")
    return {"paired": True}
