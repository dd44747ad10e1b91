"""Whether a station's history still extends the one it pushed before (issue 17 item 9).

Each push may carry the station's chain claim (:mod:`sync_protocol.chain`). The server keeps
the last head per station (``stations.chain_pos``/``chain_hash``, Alembic r0010). A claim that
does not hold the kept head (no anchor at its position with its hash) means the station's
past was rewritten: an event or audit entry edited or deleted in its file and the chain
recomputed, or a database restored from an older backup. The server records when
(``chain_broken_at``, kept until the administrator looks into it: a later clean push does not
clear it) and the dashboard shows a warning line. The events themselves are judged as
always: the claim never refuses a push. The new head is kept either way, so the next push is
checked against it.
"""

from __future__ import annotations

import psycopg

from province_server import texts
from province_server.pages.html import esc, vn_time
from sync_protocol.chain import ChainClaim, ChainLink


def check_chain(conn: psycopg.Connection, station_id: str, claim: ChainClaim | None) -> bool:
    """Compare ``claim`` with the head kept for the station, keep the new head; inside the
    push's transaction. True when the history was found rewritten now."""
    if claim is None:
        return False
    row = conn.execute(
        "SELECT chain_pos, chain_hash FROM stations WHERE id = %s FOR UPDATE", (station_id,)
    ).fetchone()
    kept = ChainLink(int(row[0]), row[1]) if row and row[0] is not None else None
    broken = kept is not None and not claim.extends(kept)
    if kept is not None and claim.head == kept:
        return False
    conn.execute(
        "UPDATE stations SET chain_pos = %s, chain_hash = %s,"
        " chain_broken_at = CASE WHEN %s THEN now() ELSE chain_broken_at END,"
        " chain_broken_pos = CASE WHEN %s THEN %s ELSE chain_broken_pos END WHERE id = %s",
        (claim.head.pos, claim.head.hash, broken, broken, kept.pos if kept else None, station_id),
    )
    return broken


def warnings_html(conn: psycopg.Connection) -> str:
    """One warning line per station whose history was found rewritten (empty: none)."""
    rows = conn.execute(
        "SELECT s.prefix, a.unit_name, s.agency_id, s.chain_broken_at, s.chain_broken_pos"
        " FROM stations s JOIN agencies a ON a.id = s.agency_id"
        " WHERE s.chain_broken_at IS NOT NULL ORDER BY s.chain_broken_at DESC"
    ).fetchall()
    return "".join(
        '<p class="late">'
        + esc(
            texts.DASHBOARD_HISTORY_REWRITTEN.format(
                prefix=prefix, unit=unit or "", agency=agency, at=vn_time(at), pos=pos or 0
            )
        )
        + "</p>"
        for prefix, unit, agency, at, pos in rows
    )
