"""Finding the office's counters on the LAN: DNS-SD over mDNS (the ``zeroconf`` package).

Each counter's peer server announces ``_qmc-lan._tcp.local.`` with a TXT record holding the
protocol version (``v``), its station id (``s``) and its office's tag (``o``, a MAC of the
office secret: counters of one office recognise each other, the LAN does not learn which
office it is). A browser keeps the announcements of the same office, other than this
station's own. An announcement is only a hint: nothing is believed before the peer proved
it holds the secret (``client.PeerClient``). Where the network blocks multicast the fixed
peer list (``storage.lan_repository``, ``counter-app lan-peers --add``) does the same job.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

from counter_app.sync.lan.engine import MDNS, PeerAddress
from sync_protocol.lan import SERVICE_TYPE

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Announcement:
    station_id: str
    address: str
    seen: float  # time.monotonic()


def _local_ipv4() -> list[str]:
    import ifaddr

    found = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if isinstance(ip.ip, str) and not ip.ip.startswith("127."):
                found.append(ip.ip)
    return sorted(set(found))


class Discovery:
    """Announce this counter (``port`` not None) and browse for the office's others."""

    def __init__(self, *, station_id: str, office_tag: str, port: int | None) -> None:
        self.station_id = station_id
        self.office_tag = office_tag
        self.port = port
        self.lock = threading.Lock()
        self.found: dict[str, Announcement] = {}
        self.zc: Any = None
        self.info: Any = None
        self.browser: Any = None

    def start(self) -> bool:
        """Start; False (logged) when mDNS cannot run here (no multicast interface)."""
        from zeroconf import IPVersion, ServiceBrowser, ServiceInfo, Zeroconf

        try:
            self.zc = Zeroconf(ip_version=IPVersion.V4Only)
            if self.port is not None:
                addresses = _local_ipv4()
                self.info = ServiceInfo(
                    SERVICE_TYPE,
                    f"qmc-{self.station_id[:13]}.{SERVICE_TYPE}",
                    port=self.port,
                    properties={"v": "1", "s": self.station_id, "o": self.office_tag},
                    addresses=[socket.inet_aton(a) for a in addresses],
                    server=f"qmc-{self.station_id[:13]}.local.",
                )
                self.zc.register_service(self.info, allow_name_change=True)
            self.browser = ServiceBrowser(self.zc, SERVICE_TYPE, handlers=[self._changed])
        except (OSError, RuntimeError, ValueError) as error:
            log.warning("mDNS discovery unavailable: %s", error)
            self.close()
            return False
        return True

    def _changed(self, zeroconf: Any, service_type: str, name: str, state_change: Any) -> None:
        from zeroconf import IPVersion, ServiceStateChange

        if state_change is ServiceStateChange.Removed:
            with self.lock:
                for key in [k for k, a in self.found.items() if k == name]:
                    del self.found[key]
            return
        info = zeroconf.get_service_info(service_type, name, timeout=2000)
        if info is None:
            return
        props = {
            (k.decode() if isinstance(k, bytes) else str(k)): (
                v.decode() if isinstance(v, bytes) else ""
            )
            for k, v in (info.properties or {}).items()
        }
        station = props.get("s", "")
        if props.get("o") != self.office_tag or props.get("v") != "1" or not station:
            return
        if station == self.station_id:
            return
        addresses = info.parsed_addresses(IPVersion.V4Only)
        if not addresses or not info.port:
            return
        with self.lock:
            self.found[name] = Announcement(
                station, f"{addresses[0]}:{info.port}", time.monotonic()
            )

    def peers(self) -> list[PeerAddress]:
        with self.lock:
            found = sorted(self.found.values(), key=lambda a: a.address)
        return [PeerAddress(a.address, MDNS, a.station_id) for a in found]

    def close(self) -> None:
        zc, self.zc = self.zc, None
        if zc is None:
            return
        try:
            if self.browser is not None:
                self.browser.cancel()
            if self.info is not None:
                zc.unregister_service(self.info)
        except Exception:  # closing anyway
            log.debug("mDNS close", exc_info=True)
        zc.close()


def discover(station_id: str, office_tag: str, seconds: float) -> list[PeerAddress]:
    """Browse for ``seconds`` and return what the office's counters announced."""
    found = Discovery(station_id=station_id, office_tag=office_tag, port=None)
    if not found.start():
        return []
    try:
        time.sleep(seconds)
        return found.peers()
    finally:
        found.close()
