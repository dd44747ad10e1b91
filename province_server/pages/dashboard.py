"""Province dashboard: every station's health and every office's overdue dossiers.

``GET /dashboard`` with the administrator token (``PROVINCE_ADMIN_TOKEN``) as a Bearer
token or ``?token=``. Figures, all derived from what PostgreSQL holds:

- per station: office, station number, last sync (push or pull), events stored today
  (Vietnam's day), enrolment state;
- per office (the receiving office, ``dossiers.owner_agency``): dossiers in progress and
  overdue ones: received, not finished (no ``result_received``/``withdrawn``/``stopped``/
  ``returned``), clock not stopped by an unanswered supplement request, and whose latest due
  date (``received`` payload ``due_at``, then ``due_overridden``/``supplement_received``
  ``due_at`` and ``apology_issued`` ``new_due_at``) has passed.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg

from province_server import texts
from province_server.pages.html import esc, page, vn_time

_STATIONS_SQL = """
SELECT s.agency_id, a.unit_name, s.prefix, s.last_sync_at, s.enrolled_at, s.revoked_at,
       s.waiting,
       (SELECT count(*) FROM events e WHERE e.station_id = s.id
          AND e.stored_at >= (date_trunc('day', now() AT TIME ZONE 'Asia/Ho_Chi_Minh')
                              AT TIME ZONE 'Asia/Ho_Chi_Minh')) AS today
FROM stations s JOIN agencies a ON a.id = s.agency_id
ORDER BY s.agency_id, s.prefix
"""

_OFFICES_SQL = """
WITH per_dossier AS (
    SELECT d.owner_agency,
           bool_or(e.kind = 'received') AS received,
           bool_or(e.kind IN ('result_received', 'withdrawn', 'stopped', 'returned'))
               AS finished,
           (array_agg(CASE WHEN e.kind = 'apology_issued' THEN e.payload->>'new_due_at'
                           ELSE e.payload->>'due_at' END
                      ORDER BY e.at DESC, e.station_id DESC, e.station_seq DESC)
               FILTER (WHERE e.kind IN ('received', 'due_overridden',
                                        'supplement_received', 'apology_issued')))[1]
               AS due_text,
           (array_agg(e.kind ORDER BY e.at DESC, e.station_id DESC, e.station_seq DESC)
               FILTER (WHERE e.kind IN ('supplement_requested', 'supplement_received')))[1]
               AS supplement
    FROM dossiers d JOIN events e ON e.dossier_uuid = d.uuid
    GROUP BY d.uuid, d.owner_agency
)
SELECT p.owner_agency, COALESCE(a.unit_name, ''),
       count(*) FILTER (WHERE received AND NOT finished) AS open,
       count(*) FILTER (WHERE received AND NOT finished
                        AND supplement IS DISTINCT FROM 'supplement_requested'
                        AND try_timestamptz(due_text) < now()) AS overdue
FROM per_dossier p LEFT JOIN agencies a ON a.id = p.owner_agency
GROUP BY p.owner_agency, a.unit_name
ORDER BY p.owner_agency
"""


@dataclass(frozen=True, slots=True)
class StationRow:
    agency_id: str
    unit_name: str
    prefix: str
    last_sync_at: datetime | None
    enrolled: bool
    revoked: bool
    events_today: int
    waiting: int


@dataclass(frozen=True, slots=True)
class OfficeRow:
    agency_id: str
    unit_name: str
    open: int
    overdue: int


def token_ok(expected: str, header: str | None, query: str | None) -> bool:
    """True when the Bearer header or ``?token=`` carries ``expected`` (constant time)."""
    scheme, _, value = (header or "").partition(" ")
    given = value.strip() if scheme.lower() == "bearer" else (query or "")
    return bool(expected) and hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def figures(conn: psycopg.Connection) -> tuple[list[StationRow], list[OfficeRow]]:
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        stations = [
            StationRow(
                a, u or "", p, last, enrolled is not None, revoked is not None, int(n), int(w)
            )
            for a, u, p, last, enrolled, revoked, w, n in conn.execute(_STATIONS_SQL)
        ]
        offices = [
            OfficeRow(a, u or "", int(o), int(late)) for a, u, o, late in conn.execute(_OFFICES_SQL)
        ]
    return stations, offices


def _state(row: StationRow) -> str:
    if row.revoked:
        return texts.DASHBOARD_REVOKED
    return texts.DASHBOARD_ACTIVE if row.enrolled else texts.DASHBOARD_NOT_ENROLLED


def _table(headers: list[str], rows: list[list[tuple[str, str]]]) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="{c}">{esc(v)}</td>' for v, c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def dashboard_page(stations: list[StationRow], offices: list[OfficeRow]) -> Any:
    station_rows = [
        [
            (s.agency_id, ""),
            (s.unit_name, ""),
            (s.prefix, "n"),
            (vn_time(s.last_sync_at) if s.last_sync_at else texts.DASHBOARD_NEVER, ""),
            (str(s.events_today), "n"),
            (str(s.waiting), "n"),
            (_state(s), ""),
        ]
        for s in stations
    ]
    office_rows = [
        [
            (o.agency_id, ""),
            (o.unit_name, ""),
            (str(o.open), "n"),
            (str(o.overdue), "n late" if o.overdue else "n"),
        ]
        for o in offices
    ]
    stations_html = (
        _table(
            [
                texts.DASHBOARD_AGENCY,
                texts.DASHBOARD_UNIT,
                texts.DASHBOARD_STATION,
                texts.DASHBOARD_LAST_SYNC,
                texts.DASHBOARD_EVENTS_TODAY,
                texts.DASHBOARD_WAITING,
                texts.DASHBOARD_STATE,
            ],
            station_rows,
        )
        if stations
        else f"<p>{esc(texts.DASHBOARD_NO_STATIONS)}</p>"
    )
    offices_html = (
        _table(
            [
                texts.DASHBOARD_AGENCY,
                texts.DASHBOARD_UNIT,
                texts.DASHBOARD_OPEN,
                texts.DASHBOARD_OVERDUE,
            ],
            office_rows,
        )
        if offices
        else f"<p>{esc(texts.DASHBOARD_NO_DOSSIERS)}</p>"
    )
    body = (
        f"<h1>{esc(texts.DASHBOARD_TITLE)}</h1>"
        f'<p class="muted">{esc(texts.DASHBOARD_GENERATED)} '
        f"{esc(vn_time(datetime.now(UTC)))}</p>"
        f"<h2>{esc(texts.DASHBOARD_STATIONS)}</h2>{stations_html}"
        f"<h2>{esc(texts.DASHBOARD_OFFICES)}</h2>{offices_html}"
    )
    return page(texts.DASHBOARD_TITLE, body)


def refusal_page(message: str, status: int) -> Any:
    response = page(
        texts.DASHBOARD_TITLE,
        f'<h1>{esc(texts.DASHBOARD_TITLE)}</h1><div class="card"><p>{esc(message)}</p></div>',
        status=status,
    )
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response
