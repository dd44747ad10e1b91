"""The national connector's page of the dashboard (``GET /dashboard/national``): dossiers
whose sending fails (the error and the portal's answer, attempts, next try), and the
reconciliation of a month (Vietnam time, ``?month=YYYY-MM``): per receiving office, our
dossiers received that month with a national status, against those the portal acknowledged
(``national_outbox.acked_*``: what the connector recorded from the portal's "00" answers, not
a fresh TraCuuHoSo), and the dossiers that differ."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

from province_server import texts
from province_server.pages.dashboard import Period, _table
from province_server.pages.html import esc, page, vn_time
from sync_protocol import CREATING_KINDS

_ERRORS_SQL = """
SELECT d.code, o.agency_id, o.attempts, o.next_attempt_at, o.last_error, o.last_answer
FROM national_outbox o JOIN dossiers d ON d.uuid = o.dossier_uuid
WHERE o.last_error IS NOT NULL ORDER BY o.last_error_at DESC LIMIT 500
"""
_OURS_SQL = """
SELECT d.uuid::text, d.code, d.owner_agency, COALESCE(m.national_code, '')
FROM events e JOIN dossiers d ON d.uuid = e.dossier_uuid
JOIN dossier_states s ON s.dossier_uuid = d.uuid
LEFT JOIN national_status_map m ON m.local_status = s.status
WHERE e.kind = ANY(%(kinds)s) AND e.at >= %(month)s AND e.at < %(end)s AND d.code IS NOT NULL
"""
_PORTAL_SQL = """
SELECT o.dossier_uuid::text, d.code, o.agency_id, o.acked_status
FROM national_outbox o JOIN dossiers d ON d.uuid = o.dossier_uuid
WHERE o.acked_month = %s AND o.acked_status IS NOT NULL
"""


@dataclass(frozen=True, slots=True)
class Reconciliation:
    offices: list[tuple[str, int, int, int]]  # agency, ours, portal's, differing
    differ: list[tuple[str, str, str, str]]  # code, agency, our code, portal's code


def reconcile(conn: psycopg.Connection, period: Period) -> Reconciliation:
    bounds = period.bounds()
    ours = {
        u: (c, a, s)
        for u, c, a, s in conn.execute(
            _OURS_SQL, {"kinds": sorted(CREATING_KINDS), **bounds}
        ).fetchall()
        if s
    }
    portal = {
        u: (c, a, s) for u, c, a, s in conn.execute(_PORTAL_SQL, (period.month.strftime("%Y-%m"),))
    }
    counts: dict[str, list[int]] = {}
    differ = []
    for uuid in sorted(set(ours) | set(portal)):
        code, agency, mine = ours.get(uuid, ("", "", ""))
        p_code, p_agency, theirs = portal.get(uuid, ("", "", ""))
        row = counts.setdefault(agency or p_agency, [0, 0, 0])
        row[0] += uuid in ours
        row[1] += uuid in portal
        if mine != theirs:
            row[2] += 1
            differ.append((code or p_code, agency or p_agency, mine, theirs))
    offices = [(a, v[0], v[1], v[2]) for a, v in sorted(counts.items())]
    return Reconciliation(offices, differ[:500])


def national_page(conn: psycopg.Connection, period: Period) -> Any:
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        errors = conn.execute(_ERRORS_SQL).fetchall()
        waiting = conn.execute(
            "SELECT count(*) FROM national_outbox WHERE synced_seq < wanted_seq"
        ).fetchone()
        found = reconcile(conn, period)
    error_html = (
        _table(
            [
                texts.NATIONAL_CODE,
                texts.DASHBOARD_AGENCY,
                texts.NATIONAL_ATTEMPTS,
                texts.NATIONAL_NEXT,
                texts.NATIONAL_ERROR,
                texts.NATIONAL_ANSWER,
            ],
            [
                [
                    (c or "", ""),
                    (a, ""),
                    (str(n), "n"),
                    (vn_time(t), ""),
                    (e or "", "late"),
                    (ans or "", ""),
                ]
                for c, a, n, t, e, ans in errors
            ],
        )
        if errors
        else f"<p>{esc(texts.NATIONAL_NO_ERRORS)}</p>"
    )

    def status(code: str) -> str:
        return texts.NATIONAL_STATUS.get(int(code), code) if code else texts.NATIONAL_NONE

    month = texts.dashboard_month(period.month.month, period.month.year)
    body = (
        f"<h1>{esc(texts.NATIONAL_PAGE_TITLE)}</h1>"
        f"<p>{esc(texts.NATIONAL_PENDING)}: {int(waiting[0]) if waiting else 0}</p>"
        f"<h2>{esc(texts.NATIONAL_ERRORS)}</h2>{error_html}"
        f"<h2>{esc(texts.NATIONAL_RECONCILE)} — {esc(month)}</h2>"
        f'<p class="muted">{esc(texts.NATIONAL_RECONCILE_NOTE)}</p>'
        + _table(
            [
                texts.DASHBOARD_AGENCY,
                texts.NATIONAL_OURS,
                texts.NATIONAL_PORTAL,
                texts.NATIONAL_DIFFER,
            ],
            [
                [(a, ""), (str(o), "n"), (str(p), "n"), (str(d), "n late" if d else "n")]
                for a, o, p, d in found.offices
            ],
        )
        + (
            _table(
                [
                    texts.NATIONAL_CODE,
                    texts.DASHBOARD_AGENCY,
                    texts.NATIONAL_OUR_STATUS,
                    texts.NATIONAL_PORTAL_STATUS,
                ],
                [
                    [(c, ""), (a, ""), (status(m), ""), (status(t), "")]
                    for c, a, m, t in found.differ
                ],
            )
            if found.differ
            else ""
        )
    )
    return page(texts.NATIONAL_PAGE_TITLE, body)
