"""The leaders' dashboard (issue 14 item 2): the province's figures per office and period,
its stations' health, the late and due-soon dossiers of each office, the workbook.

``GET /dashboard`` after signing in with an account (``POST /dashboard/login``: user name and
password, argon2id; roles admin and viewer; pages/accounts.py) or with the administrator
token ``PROVINCE_ADMIN_TOKEN`` (Bearer header, or ``token=`` posted to the same form: an
administrator). The session cookie is HttpOnly, SameSite=Strict, server-side and expires;
every form carries the session's form token. Never read from an address (issue 17). Shown:

- the period (a month, or from/to days, Vietnam time; ``?month=YYYY-MM`` or
  ``?from=YYYY-MM-DD&to=YYYY-MM-DD``; the current month by default), the province's four
  main figures, and per receiving office Biểu 06's received, resolved early / on time /
  late, in progress in time / overdue, the on-time rate, the digitisation and satisfaction
  rates and the open conflicts (pages/leaders.py: SQL over the shared projection with the
  counters' rules), two server-drawn SVG charts (pages/charts.py), each office linked to
  its drill-down (``/dashboard/office``) and the workbook (``/dashboard/export.xlsx``);
- per station: office, station number, last sync (push or pull), events stored today
  (Vietnam's day), what it still had to send, its state; stations silent for more than one
  day in amber, more than three in red; for an administrator, the "Thu hồi" button and the
  form issuing a one-time enrolment code;
- per office, the dossiers open now and overdue now (not paused by a supplement request,
  projected due date passed) and the open conflicts;
- digitisation of paper dossiers (Decree 118/2025) per office and station, for the month of
  the period's end and its year to date, from ``dossier_digitisation`` (Alembic r0006).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

import psycopg

from province_server import texts
from province_server.pages import charts
from province_server.pages.accounts import Viewer
from province_server.pages.html import VN_TZ, esc, page, vn_short, vn_time
from province_server.pages.leaders import (
    STATIONS_SQL,
    Counts,
    DrillRow,
    Province,
    Span,
    conflicts_now,
    province_figures,
    silence,
)
from province_server.stations.history import warnings_html
from province_server.stations.service import IssuedCode

# Per office, from the projected states (sync_protocol.projection, Alembic r0011): the open
# dossiers and, of them, those past their due date and not paused for a supplement.
_OFFICES_SQL = """
SELECT p.owner_agency, COALESCE(a.unit_name, ''), p.open, p.overdue
FROM (SELECT owner_agency, count(*) AS open,
             count(*) FILTER (WHERE status IN ('received', 'in_progress', 'awaiting_payment')
                              AND NOT paused AND due_at < now()) AS overdue
      FROM dossier_states WHERE finished_day IS NULL AND received_day IS NOT NULL
      GROUP BY owner_agency) AS p
LEFT JOIN agencies a ON a.id = p.owner_agency
ORDER BY p.owner_agency
"""

# Paper dossiers received in [year start, period end), and of them since the month start;
# one row per office (station NULL) and one per receiving station of the office. Read from the
# daily counts the triggers of dossier_digitisation keep (Alembic r0019), summed per station
# first, so the names are joined to a few hundred rows.
_DIGITISATION_SQL = """
WITH per_station AS (
    SELECT owner_agency, station_id,
           sum(paper) FILTER (WHERE day >= %(month_day)s) AS month_paper,
           sum(digitised) FILTER (WHERE day >= %(month_day)s) AS month_digitised,
           sum(paper) AS year_paper, sum(digitised) AS year_digitised
    FROM digitisation_daily
    WHERE day >= %(year_day)s AND day < %(end_day)s
    GROUP BY owner_agency, station_id
    HAVING sum(paper) > 0
)
SELECT p.owner_agency, COALESCE(a.unit_name, ''), s.prefix, grouping(p.station_id) = 1,
       COALESCE(sum(p.month_paper), 0), COALESCE(sum(p.month_digitised), 0),
       sum(p.year_paper), sum(p.year_digitised)
FROM per_station p
LEFT JOIN agencies a ON a.id = p.owner_agency
LEFT JOIN stations s ON s.id = p.station_id
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

    def days(self) -> dict[str, date]:
        """Start of the year, of the month, and of the next month (Vietnam days)."""
        m = self.month
        following = date(m.year + 1, 1, 1) if m.month == 12 else date(m.year, m.month + 1, 1)
        return {"year_day": date(m.year, 1, 1), "month_day": m, "end_day": following}

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
    silent: str = ""  # "amber" (> 1 day without a sync), "red" (> 3 days), ""


@dataclass(frozen=True, slots=True)
class OfficeRow:
    agency_id: str
    unit_name: str
    open: int
    overdue: int
    conflicts: int = 0  # events set aside by the shared projection, not settled yet


def login_subject(address: str) -> str:
    """The throttle counter of wrong sign-in tries from ``address`` (a digest, as the
    lookup's; never shared with the lookup's own counters)."""
    return hashlib.sha256(f"dashboard-login:{address}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Figures:
    stations: list[StationRow]
    offices: list[OfficeRow]
    period: Period
    digitisation: list[DigitisationRow]
    history_warnings: str = ""  # stations whose history was rewritten (stations/history.py)
    province: Province | None = None  # the period's Biểu 06 per office (pages/leaders.py)


def figures(conn: psycopg.Connection, span: Span | Period) -> Figures:
    """Everything the page shows, read in one snapshot. A :class:`Period` (a month) is the
    :class:`Span` of that month; the digitisation table is the month of the span's end."""
    if isinstance(span, Period):
        span = Span.of_month(span.month)
    period = Period(date(span.end.year, span.end.month, 1))
    now = datetime.now(UTC)
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        stations = [
            StationRow(
                a,
                u or "",
                p,
                last,
                enrolled is not None,
                revoked is not None,
                int(n),
                int(w),
                i,
                silence(last, enrolled is not None, revoked is not None, now),
            )
            for a, u, p, last, enrolled, revoked, w, i, n in conn.execute(STATIONS_SQL)
        ]
        province = province_figures(conn, span)
        conflicts = conflicts_now(conn)
        now_open = {a: (u or "", int(o), int(late)) for a, u, o, late in conn.execute(_OFFICES_SQL)}
        units = {s.agency_id: s.unit_name for s in stations}  # every office with a station
        offices = [
            OfficeRow(a, *now_open.get(a, (units.get(a, ""), 0, 0)), conflicts.get(a, 0))
            for a in sorted(set(now_open) | set(conflicts) | set(units))
        ]
        digitisation = [
            DigitisationRow(a, u, None if total else p, int(mp), int(md), int(yp), int(yd))
            for a, u, p, total, mp, md, yp, yd in conn.execute(_DIGITISATION_SQL, period.days())
        ]
        history = warnings_html(conn)
    return Figures(stations, offices, period, digitisation, history, province)


def rate_text(digitised: int, paper: int) -> str:
    """``50 %``, ``33,3 %`` (Vietnamese decimal comma); a dash when no paper dossier."""
    if not paper:
        return "–"
    return ratio_text(digitised / paper)


def ratio_text(value: float | None) -> str:
    """``50 %``, ``33,3 %``; a dash for None (nothing to divide by)."""
    if value is None:
        return "–"
    number = round(100 * value, 1)
    text = f"{number:.0f}" if number == int(number) else f"{number:.1f}".replace(".", ",")
    return f"{text} %"


def day_text(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def period_text(span: Span) -> str:
    return texts.leaders_period(day_text(span.start), day_text(span.end))


def _state(row: StationRow) -> str:
    if row.revoked:
        return texts.DASHBOARD_REVOKED
    return texts.DASHBOARD_ACTIVE if row.enrolled else texts.DASHBOARD_NOT_ENROLLED


def _table(
    headers: list[str],
    rows: list[list[tuple[str, str]]],
    extra: list[str] | None = None,
    *,
    row_classes: list[str] | None = None,
    head_html: str = "",
) -> str:
    """A table of escaped cells in a box that scrolls sideways on a phone; ``extra``: one
    more cell per row, already HTML; ``head_html``: a heading row of its own, already HTML."""
    head = head_html or "<tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr>"
    body = "".join(
        (f'<tr class="{row_classes[i]}">' if row_classes and row_classes[i] else "<tr>")
        + "".join(f'<td class="{c}">{esc(v)}</td>' for v, c in row)
        + (f"<td>{extra[i]}</td>" if extra is not None else "")
        + "</tr>"
        for i, row in enumerate(rows)
    )
    return f'<div class="scroll"><table><thead>{head}</thead><tbody>{body}</tbody></table></div>'


def _hidden(viewer: Viewer) -> str:
    return f'<input type="hidden" name="form" value="{esc(viewer.form_token)}">'


def _revoke_form(station: StationRow, viewer: Viewer) -> str:
    """The "Thu hồi" button of an enrolled station (nothing for others, or for a viewer)."""
    if not viewer.is_admin or not station.enrolled or station.revoked or not station.id:
        return ""
    return (
        '<form method="post" action="/dashboard/revoke" class="revoke">'
        f'<input type="hidden" name="station_id" value="{esc(station.id)}">{_hidden(viewer)}'
        f'<button type="submit">{esc(texts.DASHBOARD_REVOKE_BUTTON)}</button></form>'
    )


def login_page(*, wrong: bool = False, status: int = 401) -> Any:
    """The sign-in form (name and password are posted, never put in the address)."""
    message = f'<p class="late">{esc(texts.LEADERS_LOGIN_WRONG)}</p>' if wrong else ""
    body = (
        f'<div class="narrow"><h1>{esc(texts.LEADERS_TITLE)}</h1>{message}'
        f"<p>{esc(texts.LEADERS_LOGIN_INTRO)}</p>"
        '<form method="post" action="/dashboard/login" class="lookup card">'
        f'<label for="username">{esc(texts.LEADERS_USERNAME)}</label>'
        '<input id="username" name="username" autocomplete="username" maxlength="40" '
        'autocapitalize="none" spellcheck="false" required autofocus>'
        f'<label for="password">{esc(texts.LEADERS_PASSWORD)}</label>'
        '<input id="password" name="password" type="password" '
        'autocomplete="current-password" maxlength="200" required>'
        f'<button type="submit">{esc(texts.DASHBOARD_LOGIN_BUTTON)}</button></form></div>'
    )
    return page(texts.LEADERS_TITLE, body, status=status, robots=False)


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


def _account_bar(viewer: Viewer) -> str:
    who = viewer.full_name or viewer.username or texts.LEADERS_TOKEN_USER
    role = texts.LEADERS_ROLE.get(viewer.role, viewer.role)
    logout = (
        '<form method="post" action="/dashboard/logout" class="inline">'
        f'{_hidden(viewer)}<button type="submit" class="link">'
        f"{esc(texts.LEADERS_LOGOUT)}</button></form>"
        if viewer.username
        else ""
    )
    return f'<div class="account"><span>{esc(who)} · {esc(role)}</span>{logout}</div>'


def period_form(span: Span, action: str = "/dashboard", agency: str = "") -> str:
    """The month picker and the from/to days (plain GET form: the choice stays in the
    address, so a period can be bookmarked and shared)."""
    month = f"{span.month:%Y-%m}" if span.month else ""
    keep = f'<input type="hidden" name="agency" value="{esc(agency)}">' if agency else ""
    return (
        f'<div class="card period"><p class="muted">{esc(texts.LEADERS_PERIOD)}: '
        f"<strong>{esc(period_text(span))}</strong></p>"
        f'<form method="get" action="{esc(action)}" class="row">{keep}'
        f'<p><label for="month">{esc(texts.LEADERS_MONTH)}</label>'
        f'<input id="month" name="month" type="month" value="{esc(month)}" '
        'min="2000-01" max="2200-12"></p>'
        f'<p class="go"><button type="submit">{esc(texts.LEADERS_SHOW)}</button></p></form>'
        f'<form method="get" action="{esc(action)}" class="row">{keep}'
        f'<p><label for="from">{esc(texts.LEADERS_FROM)}</label>'
        f'<input id="from" name="from" type="date" value="{span.start.isoformat()}"></p>'
        f'<p><label for="to">{esc(texts.LEADERS_TO)}</label>'
        f'<input id="to" name="to" type="date" value="{span.end.isoformat()}"></p>'
        f'<p class="go"><button type="submit">{esc(texts.LEADERS_SHOW)}</button></p></form></div>'
    )


def _figures_html(province: Province) -> str:
    if not province.offices:
        return f"<p>{esc(texts.LEADERS_NO_FIGURES)}</p>"
    query = province.span.query()
    t = texts
    head = (
        "<tr>"
        f'<th rowspan="2">{esc(t.DASHBOARD_UNIT)}</th>'
        f'<th rowspan="2">{esc(t.LEADERS_RECEIVED)}</th>'
        f'<th colspan="3">{esc(t.LEADERS_RESOLVED)}</th>'
        f'<th colspan="2">{esc(t.LEADERS_IN_PROGRESS)}</th>'
        f'<th rowspan="2">{esc(t.LEADERS_ON_TIME_RATE)}</th>'
        f'<th rowspan="2">{esc(t.LEADERS_DIGITISATION_RATE)}</th>'
        f'<th rowspan="2">{esc(t.LEADERS_SATISFACTION)}</th>'
        f'<th rowspan="2">{esc(t.LEADERS_CONFLICTS)}</th></tr><tr>'
        f"<th>{esc(t.LEADERS_EARLY)}</th><th>{esc(t.LEADERS_ON_TIME)}</th>"
        f"<th>{esc(t.LEADERS_LATE)}</th><th>{esc(t.LEADERS_IN_TIME)}</th>"
        f"<th>{esc(t.LEADERS_OVERDUE)}</th></tr>"
    )

    def cells(c: Counts) -> str:
        values = [
            (str(c.received_total), "n"),
            (str(c.early), "n"),
            (str(c.on_time), "n"),
            (str(c.late), "n bad" if c.late else "n"),
            (str(c.in_time), "n"),
            (str(c.overdue), "n bad" if c.overdue else "n"),
            (ratio_text(c.on_time_rate), "n"),
            (ratio_text(c.digitisation_rate), "n"),
            (ratio_text(c.satisfaction_rate), "n"),
            (str(c.conflicts), "n bad" if c.conflicts else "n"),
        ]
        return "".join(f'<td class="{k}">{esc(v)}</td>' for v, k in values)

    rows = []
    for office in province.offices:
        name = office.unit_name or office.agency_id
        link = f"/dashboard/office?agency={quote(office.agency_id)}&amp;{query}"
        rows.append(
            f'<tr><th scope="row" class="office"><a href="{link}">{esc(name)}</a>'
            f"<small>{esc(office.agency_id)}</small></th>{cells(office.counts)}</tr>"
        )
    rows.append(
        f'<tr class="total"><th scope="row">{esc(t.LEADERS_PROVINCE_TOTAL)}</th>'
        f"{cells(province.total)}</tr>"
    )
    return (
        f'<div class="scroll"><table class="figures"><thead>{head}</thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _summary_html(total: Counts) -> str:
    """Four large figures for the province, first thing on a phone."""
    tiles = [
        (t_label, value, klass)
        for t_label, value, klass in (
            (texts.LEADERS_RECEIVED, str(total.received_total), ""),
            (texts.LEADERS_ON_TIME_RATE, ratio_text(total.on_time_rate), ""),
            (
                f"{texts.LEADERS_IN_PROGRESS} {texts.LEADERS_OVERDUE.lower()}",
                str(total.overdue),
                "bad" if total.overdue else "",
            ),
            (texts.LEADERS_DIGITISATION_RATE, ratio_text(total.digitisation_rate), ""),
        )
    ]
    return (
        '<div class="tiles">'
        + "".join(
            f'<div class="tile {k}"><span>{esc(label)}</span><strong>{esc(v)}</strong></div>'
            for label, v, k in tiles
        )
        + "</div>"
    )


def _issue_form(viewer: Viewer) -> str:
    if not viewer.is_admin:
        return ""
    return (
        f'<details class="card issue"><summary>{esc(texts.LEADERS_ISSUE)}</summary>'
        '<form method="post" action="/dashboard/issue-code" class="row">'
        f"{_hidden(viewer)}"
        f'<p><label for="agency">{esc(texts.LEADERS_ISSUE_AGENCY)}</label>'
        '<input id="agency" name="agency" maxlength="35" placeholder="000.00.19.H56" required></p>'
        f'<p><label for="station">{esc(texts.LEADERS_ISSUE_STATION)}</label>'
        '<input id="station" name="station" inputmode="numeric" maxlength="3" required></p>'
        f'<p class="wide"><label for="unit_name">{esc(texts.LEADERS_ISSUE_UNIT)}</label>'
        '<input id="unit_name" name="unit_name" maxlength="200"></p>'
        f'<p><button type="submit">{esc(texts.LEADERS_ISSUE_BUTTON)}</button></p></form>'
        f'<p class="muted">{esc(texts.LEADERS_ISSUE_NOTE)}</p></details>'
    )


def _stations_html(stations: list[StationRow], viewer: Viewer) -> str:
    if not stations:
        return f"<p>{esc(texts.DASHBOARD_NO_STATIONS)}</p>"
    rows = [
        [
            (s.agency_id, ""),
            (s.unit_name, ""),
            (s.prefix, "n"),
            (vn_time(s.last_sync_at) if s.last_sync_at else texts.DASHBOARD_NEVER, ""),
            (str(s.events_today), "n"),
            (str(s.waiting), "n"),
            (texts.LEADERS_SILENT[s.silent] if s.silent else _state(s), ""),
        ]
        for s in stations
    ]
    headers = [
        texts.DASHBOARD_AGENCY,
        texts.DASHBOARD_UNIT,
        texts.DASHBOARD_STATION,
        texts.DASHBOARD_LAST_SYNC,
        texts.DASHBOARD_EVENTS_TODAY,
        texts.DASHBOARD_WAITING,
        texts.DASHBOARD_STATE,
    ]
    extra = None
    if viewer.is_admin:
        headers.append(texts.DASHBOARD_ACTION)
        extra = [_revoke_form(s, viewer) for s in stations]
    silent = [s for s in stations if s.silent]
    note = f"{texts.LEADERS_SILENT_COUNT}: {len(silent)}. {texts.LEADERS_SILENT_NOTE}"
    return (
        f'<p class="muted">{esc(note)}</p>'
        + _table(
            headers,
            rows,
            extra,
            row_classes=[f"silent-{s.silent}" if s.silent else "" for s in stations],
        )
        + (f'<p class="muted">{esc(texts.DASHBOARD_REVOKE_NOTE)}</p>' if viewer.is_admin else "")
    )


def _offices_now_html(offices: list[OfficeRow]) -> str:
    if not offices:
        return f"<p>{esc(texts.DASHBOARD_NO_DOSSIERS)}</p>"
    rows = [
        [
            (o.agency_id, ""),
            (o.unit_name, ""),
            (str(o.open), "n"),
            (str(o.overdue), "n late" if o.overdue else "n"),
            (str(o.conflicts), "n late" if o.conflicts else "n"),
        ]
        for o in offices
    ]
    return _table(
        [
            texts.DASHBOARD_AGENCY,
            texts.DASHBOARD_UNIT,
            texts.DASHBOARD_OPEN,
            texts.DASHBOARD_OVERDUE,
            texts.DASHBOARD_CONFLICTS,
        ],
        rows,
    )


def dashboard_page(figures: Figures, viewer: Viewer, notice: str = "") -> Any:
    """The leaders' dashboard; ``notice``: already-escaped HTML shown at the top (a code
    just issued)."""
    province = figures.province or Province(Span.of_month(figures.period.month), [])
    span = province.span
    export = f"/dashboard/export.xlsx?{span.query()}"
    body = (
        f"{_account_bar(viewer)}<h1>{esc(texts.LEADERS_TITLE)}</h1>{notice}"
        f"{period_form(span)}"
        f"{_summary_html(province.total)}"
        f'<p><a class="button" href="{esc(export)}">{esc(texts.LEADERS_EXPORT)}</a></p>'
        f"<h2>{esc(texts.LEADERS_FIGURES)}</h2>"
        f"{charts.outcome_chart(province.total) if province.offices else ''}"
        f"{_figures_html(province)}"
        f'<p class="muted">{esc(texts.LEADERS_FIGURES_NOTE)}</p>'
        f"{charts.rate_chart(province.offices)}"
        f"<h2>{esc(texts.DASHBOARD_STATIONS)}</h2>{figures.history_warnings}"
        f"{_issue_form(viewer)}{_stations_html(figures.stations, viewer)}"
        f"<h2>{esc(texts.DASHBOARD_OFFICES)}</h2>{_offices_now_html(figures.offices)}"
        f"<h2>{esc(texts.DASHBOARD_DIGITISATION)}</h2>"
        f'<p class="muted">{esc(texts.DASHBOARD_DIGITISATION_NOTE)}</p>'
        f"{_digitisation_html(figures.period, figures.digitisation)}"
        f'<p class="muted">{esc(texts.DASHBOARD_GENERATED)} '
        f"{esc(vn_time(datetime.now(UTC)))}</p>"
    )
    return page(texts.LEADERS_TITLE, body, wide=True)


def _moment(value: datetime | None) -> str:
    return vn_short(value) if value is not None else "–"


def drill_page(unit: str, agency: str, span: Span, rows: list[DrillRow], viewer: Viewer) -> Any:
    """The late and due-soon dossiers of one office (names masked, no identity number)."""
    sections = []
    for kind in ("overdue", "soon", "late"):
        of_kind = [r for r in rows if r.kind == kind]
        title = f"{texts.LEADERS_DRILL_KIND[kind]} ({len(of_kind)})"
        if not of_kind:
            sections.append(
                f'<h2 id="{kind}">{esc(title)}</h2><p>{esc(texts.LEADERS_DRILL_NONE)}</p>'
            )
            continue
        table = _table(
            [
                texts.LEADERS_CODE,
                texts.LEADERS_PROCEDURE,
                texts.LEADERS_APPLICANT,
                texts.LEADERS_RECEIVED_AT,
                texts.LEADERS_DUE_AT,
                texts.LEADERS_FINISHED_AT,
            ],
            [
                [
                    (r.code, "code"),
                    (r.procedure_name, ""),
                    (r.applicant, ""),
                    (_moment(r.received_at), ""),
                    (_moment(r.due_at), "late" if kind != "soon" else ""),
                    (_moment(r.finished_at), ""),
                ]
                for r in of_kind
            ],
        )
        sections.append(f'<h2 id="{kind}">{esc(title)}</h2>{table}')
    back = f"/dashboard?{span.query()}"
    body = (
        f"{_account_bar(viewer)}"
        f'<p><a href="{esc(back)}">← {esc(texts.LEADERS_DRILL_BACK)}</a></p>'
        f"<h1>{esc(texts.LEADERS_DRILL_TITLE)}: {esc(unit or agency)}</h1>"
        f'<p class="muted">{esc(agency)} · {esc(texts.LEADERS_DRILL_NOTE)}</p>'
        f"{period_form(span, '/dashboard/office', agency)}{''.join(sections)}"
    )
    return page(texts.LEADERS_DRILL_TITLE, body, wide=True)


def refusal_page(message: str, status: int) -> Any:
    response = page(
        texts.LEADERS_TITLE,
        f'<h1>{esc(texts.LEADERS_TITLE)}</h1><div class="card problem"><p>{esc(message)}</p>'
        f'<p><a href="/dashboard">{esc(texts.LEADERS_DRILL_BACK)}</a></p></div>',
        status=status,
    )
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def issued_page(issued: IssuedCode, agency: str) -> Any:
    """The one-time enrolment code just issued, shown once (never stored in clear)."""
    line = texts.LEADERS_ISSUED.format(
        prefix=issued.station_prefix, agency=agency, code="", at=vn_time(issued.expires_at)
    )
    before, _, after = line.partition(":  ")
    body = (
        f"<h1>{esc(texts.LEADERS_ISSUE)}</h1>"
        f'<div class="card notice"><p>{esc(before)}:</p>'
        f'<p><strong id="code">{esc(issued.code)}</strong></p>'
        f"<p>{esc(after.lstrip('— '))}</p>"
        f'<p class="muted">{esc(texts.LEADERS_ISSUE_NOTE)}</p>'
        f'<p><a href="/dashboard">{esc(texts.LEADERS_DRILL_BACK)}</a></p></div>'
    )
    return page(texts.LEADERS_ISSUE, body)
