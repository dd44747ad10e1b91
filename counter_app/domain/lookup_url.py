"""The address of the citizen lookup page printed in each slip's QR (``Office.lookup_url``).

An enrolled station takes it from the province server (at enrolment, then with every
reference pull when the province changes it); an offline station has it typed in. A station
still on a placeholder (the seeded ``example.gov.vn`` address, any ``example`` domain of
RFC 2606, or an address only this computer reaches: localhost, 127.x, ::1, 0.0.0.0) prints QR
codes no citizen can open: :func:`is_placeholder` tells the screens and ``counter-app info``
to warn the administrator.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

_RESERVED_TLDS = frozenset({"example", "invalid", "test", "localhost"})


def clean_lookup_url(value: object) -> str | None:
    """``value`` as an http(s) address with a host (trimmed), else None."""
    if not isinstance(value, str):
        return None
    cleaned = value.strip()
    if not cleaned or len(cleaned) > 500 or any(c.isspace() or ord(c) < 32 for c in cleaned):
        return None
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return cleaned


def is_placeholder(url: str) -> bool:
    """True when citizens cannot open ``url``: not an address, an example domain or local."""
    if clean_lookup_url(url) is None:
        return True
    host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    labels = host.split(".")
    if "example" in labels or labels[-1] in _RESERVED_TLDS:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified
