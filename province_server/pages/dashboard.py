"""Province dashboard: every station's health and every office's overdue dossiers.

``GET /dashboard`` with the administrator token (``PROVINCE_ADMIN_TOKEN``) as a Bearer
token, or after signing in: without it the page is a form where the administrator types the
token (``POST /dashboard/login``), answered with a session cookie (HttpOnly, SameSite=Strict,
an HMAC of the token, never the token itself). The token is never read from an address
(issue 17: addresses end up in access logs and browser histories). Each enrolled station has
a "Thu hồi" button (``POST /dashboard/revoke``, same cookie plus a form token against
cross-site posts): its token is refused from then on. Figures, all derived from what
PostgreSQL holds:

- per station: office, station number, last sync (push or pull), events stored today
  (Vietnam's day), enrolment state;
- per office (the receiving office, ``dossiers.owner_agency``): dossiers in progress and
  overdue ones, read from ``dossier_states`` (Alembic r0011: the projection the counters run,
  ``sync_protocol.projection``, refreshed by every push, so the counts agree with the
  counters, conflicts settled or skipped the same way): open statuses (received, handed
  over, supplement requested, awaiting payment), and of them those not paused by an
  unanswered supplement request whose projected due date has passed; and the open conflicts
  (events the shared projection set aside, ``dossier_states.open_conflicts``, not settled by a
  ``conflict_settled`` event yet), in red when there are some;
- digitisation of paper dossiers (Decree 118/2025), per receiving office and per receiving
  station, for a month (the current one in Vietnam, or ``?month=YYYY-MM``) and for its year
  up to the end of that month: paper dossiers received (channel direct or postal, by
  reception time), of which digitised (every component ticked as received has a scan; the
  counter's rules), and the rate. Read from ``dossier_digitisation`` (Alembic r0006), which the
  push keeps current.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import psycopg

from province_server import texts
from province_server.pages.html import VN_TZ, esc, page, vn_time
from province_server.stations.history import warnings_html

_STATIONS_SQL = """
SELECT s.agency_id, a.unit_name, s.prefix, s.last_sync_at, s.enrolled_at, s.revoked_at,
       s.waiting, s.id::text,
       (SELECT count(*) FROM events e WHERE e.station_id = s.id
          AND e.stored_at >= (date_trunc('day', now() AT TIME ZONE 'Asia/Ho_Chi_Minh')
                              AT TIME ZONE 'Asia/Ho_Chi_Minh')) AS today
FROM stations s JOIN agencies a ON a.id = s.agency_id
ORDER BY s.agency_id, s.prefix
"""

# Per office, from the projected states (sync_protocol.projection, Alembic r0011): the open
# dossiers and, of them, those past their due date and not paused for a supplement.
_OFFICES_SQL = """
SELECT p.owner_agency, COALESCE(a.unit_name, ''),
       count(*) FILTER (WHERE p.status IN ('received', 'in_progress', 'supplement_requested',
                                           'awaiting_payment')) AS open,
       count(*) FILTER (WHERE p.status IN ('received', 'in_progress', 'awaiting_payment')
                        AND NOT p.paused AND p.due_at < now()) AS overdue,
       COALESCE(sum(p.open_conflicts), 0) AS conflicts
FROM dossier_states p LEFT JOIN agencies a ON a.id = p.owner_agency
GROUP BY p.owner_agency, a.unit_name
ORDER BY p.owner_agency
"""

# Paper dossiers received in [year start, period end), and of them since the month start;
# one row per office (station NULL) and one per receiving station of the office.
_DIGITISATION_SQL = """
SELECT p.owner_agency, COALESCE(a.unit_name, ''), s.prefix, grouping(p.station_id) = 1,
       count(*) FILTER (WHERE p.received_at >= %(month)s) AS month_paper,
       count(*) FILTER (WHERE p.received_at >= %(month)s AND p.digitised) AS month_digitised,
       count(*) AS year_paper,
       count(*) FILTER (WHERE p.digitised) AS year_digitised
FROM dossier_digitisation p
LEFT JOIN agencies a ON a.id = p.owner_agency
LEFT JOIN stations s ON s.id = p.station_id
WHERE p.paper AND p.received_at >= %(year)s AND p.received_at < %(end)s
GROUP BY GROUPING SETS ((p.owner_agency, a.unit_name),
                        (p.owner_agency, a.unit_name, p.station_id, s.prefix))
ORDER BY p.owner_agency, grouping(p.station_id) DESC, s.prefix
"""

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True)
class Period:
    """A month (its first day) and its year up to the end of the month, in Vietnam time."""

    month: date

    @classmethod
    def current(cls, now: datetime | None = None) -> Period:
        local = (now or datetime.now(UTC)).astimezone(VN_TZ)
        return cls(date(local.year, local.month, 1))

    @classmethod
    def parse(cls, text: str) -> Period | None:
        """``YYYY-MM`` (years 2000-2200), or None when it is not one."""
        found = _MONTH_RE.match(text.strip())
        if not found or not 2000 <= int(found[1]) <= 2200 or not 1 <= int(found[2]) <= 12:
            return None
        return cls(date(int(found[1]), int(found[2]), 1))

    def bounds(self) -> dict[str, datetime]:
        """Start of the year, of the month, and of the next month (Vietnam midnights)."""
        m = self.month
        following = date(m.year + 1, 1, 1) if m.month == 12 else date(m.year, m.month + 1, 1)

        def midnight(day: date) -> datetime:
            return datetime(day.year, day.month, day.day, tzinfo=VN_TZ)

        return {
            "year": midnight(date(m.year, 1, 1)),
            "month": midnight(m),
            "end": midnight(following),
        }


@dataclass(frozen=True, slots=True)
class DigitisationRow:
    """Paper dossiers received and digitised, in the month and in the year to its end;
    ``prefix`` None for the office's total."""

    agency_id: str
    unit_name: str
    prefix: str | None
    month_paper: int
    month_digitised: int
    year_paper: int
    year_digitised: int


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
    id: str = ""


@dataclass(frozen=True, slots=True)
class OfficeRow:
    agency_id: str
    unit_name: str
    open: int
    overdue: int
    conflicts: int = 0  # events set aside by the shared projection, not settled yet


SESSION_COOKIE = "qmc_dashboard"


def _mac(secret: str, purpose: str) -> str:
    return hmac.new(secret.encode("utf-8"), purpose.encode(), hashlib.sha256).hexdigest()


def login_subject(address: str) -> str:
    """The throttle counter of wrong sign-in tries from ``address`` (a digest, as the
    lookup's; never shared with the lookup's own counters)."""
    return hashlib.sha256(f"dashboard-login:{address}".encode()).hexdigest()


def session_value(admin_token: str) -> str:
    """The session cookie's value: bound to the token (changing it signs everyone out)."""
    return _mac(admin_token, "dashboard-session-v1")


def form_token(admin_token: str) -> str:
    """The hidden value every dashboard form carries (a cross-site post does not know it)."""
    return _mac(admin_token, "dashboard-form-v1")


def same(expected: str, given: str | None) -> bool:
    return bool(expected) and hmac.compare_digest(
        expected.encode("utf-8"), (given or "").encode("utf-8", "replace")
    )


def token_ok(expected: str, header: str | None, cookie: str | None) -> bool:
    """True when the Bearer header carries ``expected`` or the session cookie is the one
    of ``expected`` (constant time); never from the address."""
    if not expected:
        return False
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() == "bearer" and same(expected, value.strip()):
        return True
    return cookie is not None and same(session_value(expected), cookie)


@dataclass(frozen=True, slots=True)
class Figures:
    stations: list[StationRow]
    offices: list[OfficeRow]
    period: Period
    digitisation: list[DigitisationRow]
    history_warnings: str = ""  # stations whose history was rewritten (stations/history.py)


def figures(conn: psycopg.Connection, period: Period) -> Figures:
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        stations = [
            StationRow(
                a, u or "", p, last, enrolled is not None, revoked is not None, int(n), int(w), i
            )
            for a, u, p, last, enrolled, revoked, w, i, n in conn.execute(_STATIONS_SQL)
        ]
        offices = [
            OfficeRow(a, u or "", int(o), int(late), int(n))
            for a, u, o, late, n in conn.execute(_OFFICES_SQL)
        ]
        digitisation = [
            DigitisationRow(a, u, None if total else p, int(mp), int(md), int(yp), int(yd))
            for a, u, p, total, mp, md, yp, yd in conn.execute(_DIGITISATION_SQL, period.bounds())
        ]
        history = warnings_html(conn)
    return Figures(stations, offices, period, digitisation, history)


def rate_text(digitised: int, paper: int) -> str:
    """``50 %``, ``33,3 %`` (Vietnamese decimal comma); a dash when no paper dossier."""
    if not paper:
        return "–"
    value = round(100 * digitised / paper, 1)
    number = f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")
    return f"{number} %"


def _state(row: StationRow) -> str:
    if row.revoked:
        return texts.DASHBOARD_REVOKED
    return texts.DASHBOARD_ACTIVE if row.enrolled else texts.DASHBOARD_NOT_ENROLLED


def _table(
    headers: list[str], rows: list[list[tuple[str, str]]], extra: list[str] | None = None
) -> str:
    """A table of escaped cells; ``extra``: one more cell per row, already HTML."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{c}">{esc(v)}</td>' for v, c in row)
        + (f"<td>{extra[i]}</td>" if extra is not None else "")
        + "</tr>"
        for i, row in enumerate(rows)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _revoke_form(station: StationRow, form: str) -> str:
    """The "Thu hồi" button of an enrolled station (nothing for others)."""
    if not station.enrolled or station.revoked or not station.id:
        return ""
    return (
        '<form method="post" action="/dashboard/revoke" class="revoke">'
        f'<input type="hidden" name="station_id" value="{esc(station.id)}">'
        f'<input type="hidden" name="form" value="{esc(form)}">'
        f'<button type="submit">{esc(texts.DASHBOARD_REVOKE_BUTTON)}</button></form>'
    )


def login_page(*, wrong: bool = False, status: int = 401) -> Any:
    """The sign-in form (the token is posted, never put in the address)."""
    message = f'<p class="late">{esc(texts.DASHBOARD_LOGIN_WRONG)}</p>' if wrong else ""
    body = (
        f"<h1>{esc(texts.DASHBOARD_TITLE)}</h1>{message}"
        f"<p>{esc(texts.DASHBOARD_LOGIN_INTRO)}</p>"
        '<form method="post" action="/dashboard/login" class="lookup">'
        f'<p><label for="token">{esc(texts.DASHBOARD_LOGIN_LABEL)}</label><br>'
        '<input id="token" name="token" type="password" autocomplete="current-password" '
        'maxlength="200" required autofocus></p>'
        f'<button type="submit">{esc(texts.DASHBOARD_LOGIN_BUTTON)}</button></form>'
    )
    return page(texts.DASHBOARD_TITLE, body, status=status, robots=False)


def _digitisation_html(period: Period, rows: list[DigitisationRow]) -> str:
    if not rows:
        return f"<p>{esc(texts.dashboard_no_paper(period.month.month, period.month.year))}</p>"
    body = [
        [
            (r.agency_id, ""),
            (r.unit_name, ""),
            (r.prefix or texts.DASHBOARD_WHOLE_OFFICE, "n" if r.prefix else ""),
            (str(r.month_paper), "n"),
            (str(r.month_digitised), "n"),
            (rate_text(r.month_digitised, r.month_paper), "n"),
            (str(r.year_paper), "n"),
            (str(r.year_digitised), "n"),
            (rate_text(r.year_digitised, r.year_paper), "n"),
        ]
        for r in rows
    ]
    month = texts.dashboard_month(period.month.month, period.month.year)
    year = texts.dashboard_year_to_date(period.month.year)
    return _table(
        [
            texts.DASHBOARD_AGENCY,
            texts.DASHBOARD_UNIT,
            texts.DASHBOARD_STATION,
            f"{month}: {texts.DASHBOARD_PAPER}",
            f"{month}: {texts.DASHBOARD_DIGITISED}",
            f"{month}: {texts.DASHBOARD_RATE}",
            f"{year}: {texts.DASHBOARD_PAPER}",
            f"{year}: {texts.DASHBOARD_DIGITISED}",
            f"{year}: {texts.DASHBOARD_RATE}",
        ],
        body,
    )


def dashboard_page(figures: Figures, form: str = "") -> Any:
    """The dashboard; ``form``: the form token of the revoke buttons."""
    stations, offices = figures.stations, figures.offices
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
            (str(o.conflicts), "n late" if o.conflicts else "n"),
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
                texts.DASHBOARD_ACTION,
            ],
            station_rows,
            [_revoke_form(s, form) for s in stations],
        )
        + f'<p class="muted">{esc(texts.DASHBOARD_REVOKE_NOTE)}</p>'
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
                texts.DASHBOARD_CONFLICTS,
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
        f"<h2>{esc(texts.DASHBOARD_STATIONS)}</h2>{figures.history_warnings}{stations_html}"
        f"<h2>{esc(texts.DASHBOARD_OFFICES)}</h2>{offices_html}"
        f"<h2>{esc(texts.DASHBOARD_DIGITISATION)}</h2>"
        f'<p class="muted">{esc(texts.DASHBOARD_DIGITISATION_NOTE)}</p>'
        f"{_digitisation_html(figures.period, figures.digitisation)}"
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
