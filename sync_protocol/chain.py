"""The history chain's claim sent with a push (optional; issue 17 item 9).

A station chains its own events and audit entries by hash (``counter_app.storage.chain``).
With each push it sends its chain's head and a few *anchors*: the hash its chain holds now at
the positions of the heads it sent before (the last acknowledged one and those sent since,
whose answer may have been lost). The server keeps the last head per station; a new claim
extends it when one anchor sits at the kept position with the kept hash. Otherwise the
station's history was rewritten (an edit in the file, a restore from an older backup): the
server records it and the dashboard shows it. The claim never makes an event refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_ANCHORS = 64
MAX_POS = 2**63 - 1
_HASH_RE = re.compile(r"^[0-9a-f]{64}$")


def _fail(detail: str) -> Exception:
    # sync_protocol.v1 imports this module for PushRequest.chain: its error, imported late.
    from sync_protocol.v1 import ErrorCodes, ProtocolError

    return ProtocolError(ErrorCodes.MALFORMED, detail)


@dataclass(frozen=True, slots=True)
class ChainLink:
    """The chain's hash at one position (1, 2, …)."""

    pos: int
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {"pos": self.pos, "hash": self.hash}

    @classmethod
    def from_json(cls, value: Any) -> ChainLink:
        if not isinstance(value, dict):
            raise _fail("chain: object expected")
        pos, digest = value.get("pos"), value.get("hash")
        if not isinstance(pos, int) or isinstance(pos, bool) or not 1 <= pos <= MAX_POS:
            raise _fail(f"chain.pos: integer 1..{MAX_POS} expected")
        if not isinstance(digest, str) or not _HASH_RE.match(digest):
            raise _fail("chain.hash: 64 lower-case hex digits expected")
        return cls(pos, digest)


@dataclass(frozen=True, slots=True)
class ChainClaim:
    """The head of the station's chain and its anchors (positions of earlier heads)."""

    head: ChainLink
    anchors: tuple[ChainLink, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"head": self.head.to_json(), "anchors": [a.to_json() for a in self.anchors]}

    @classmethod
    def from_json(cls, value: Any) -> ChainClaim:
        if not isinstance(value, dict):
            raise _fail("chain: object expected")
        anchors = value.get("anchors", [])
        if not isinstance(anchors, list) or len(anchors) > MAX_ANCHORS:
            raise _fail(f"chain.anchors: list of at most {MAX_ANCHORS} items expected")
        return cls(
            head=ChainLink.from_json(value.get("head")),
            anchors=tuple(ChainLink.from_json(a) for a in anchors),
        )

    def extends(self, kept: ChainLink) -> bool:
        """True when this chain holds ``kept`` (the head the server kept) unchanged."""
        return any(link == kept for link in (self.head, *self.anchors))
