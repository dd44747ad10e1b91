"""The status bar's LAN part (issue 15): the office's counters seen and when each synced."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from counter_app.services.lan import PeerStatus
from counter_app.texts import lan as t


class LanIndicator(QLabel):
    """``LAN: 2 quầy · 10:05 13/02``; the tooltip lists every peer and its last sync."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(t.STATUS_NOT_PAIRED, parent)
        self.setObjectName("lan_indicator")
        self.setContentsMargins(8, 0, 8, 0)

    def show_peers(self, peers: list[PeerStatus], *, paired: bool = True) -> None:
        if not paired:
            self.setText(t.STATUS_NOT_PAIRED)
            self.setToolTip("")
            return
        if not peers:
            self.setText(t.STATUS_NO_PEER)
            self.setToolTip("")
            return
        synced = [p.synced_at for p in peers if p.synced_at is not None]
        self.setText(t.status_peers(len(peers), max(synced) if synced else None))
        lines = [t.peer_line(t.peer_name(p.name), p.address, p.synced_at, p.error) for p in peers]
        self.setToolTip("\n".join([t.STATUS_TOOLTIP_TITLE, *lines]))
