"""Office LAN sync (issue 15): counters of one office exchange events peer to peer.

``identity`` (each counter's TLS certificate), ``server`` (its peer server), ``client`` (the
caller side, with certificate pinning and the office secret's challenge), ``discovery``
(DNS-SD over mDNS, and the fixed peer list), ``engine`` (pull from every peer through the
province pull's own apply path) and ``scans`` (fetch a scan from a peer on demand). The
rules of the game are in the README, "Đồng bộ trong văn phòng (LAN)".
"""
