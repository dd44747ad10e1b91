"""The leaders' figures: Biểu 06 per office for a period, the Decree 224/2026 Art. 19
indicators, silent stations and the drill-down of late and due-soon dossiers.

Guarantees:

- the figures are counted by PostgreSQL over ``dossier_states`` (the shared projection the
  counters run, kept current by every push; Alembic r0011, r0019) with the rules of
  ``sync_protocol.statistics`` (the counters' report classifies with the same function), on
  the Vietnam days stored with each row: the server's Biểu 06 of an office equals the
  counters' report over the same events (``tests/server/test_dashboard_leaders.py``);
- the period's count reads the covering index ``dossier_states_report`` only: the open
  dossiers and those finished from the period's first day on;
- a period is a month (``month=YYYY-MM``) or two days (``from``, ``to``: ``YYYY-MM-DD`` or
  ``dd/mm/yyyy``) in Vietnam time, at most :data:`MAX_DAYS` long; a bad value is refused
  naming its field (:class:`PeriodError`);
- the drill-down lists an office's dossiers overdue now, due within :data:`DUE_SOON_DAYS`
  days, and resolved late in the period, with the applicant's name masked and no identity
  number; at most :data:`DRILL_LIMIT` rows of each kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import psycopg

from province_server import texts
from province_server.pages.html import VN_TZ
from sync_protocol.statistics import CLOSED_KINDS, COLUMNS, SATISFIED
from sync_protocol.statistics import Counts as FormCounts

MAX_DAYS = 400
DUE_SOON_DAYS = 3
DRILL_LIMIT = 200
SILENT_AMBER_DAYS = 1
SILENT_RED_DAYS = 3

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_VN_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class PeriodError(ValueError):
    """A period field that cannot be read: its Vietnamese message names the field."""


def _date(text: str, label: str) -> date:
    value = text.strip()
    found = _ISO_RE.match(value)
    parts = (found[1], found[2], found[3]) if found else None
    if parts is None and (vn := _VN_RE.match(value)):
        parts = (vn[3], vn[2], vn[1])
    try:
        if parts is None:
            raise ValueError
        day = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise PeriodError(texts.leaders_bad_date(label)) from None
    if not 2000 <= day.year <= 2200:
        raise PeriodError(texts.leaders_bad_date(label))
    return day


@dataclass(frozen=True, slots=True)
class Span:
    """A reporting period ``[start, end]`` (both days included, Vietnam dates); ``month``
    when it was chosen as a month."""

    start: date
    end: date
    month: date | None = None

    @classmethod
    def of_month(cls, first: date) -> Span:
        following = (
            date(first.year + 1, 1, 1)
            if first.month == 12
            else date(first.year, first.month + 1, 1)
        )
        return cls(first, following - timedelta(days=1), first)

    @classmethod
    def current(cls, now: datetime | None = None) -> Span:
        local = (now or datetime.now(UTC)).astimezone(VN_TZ)
        return cls.of_month(date(local.year, local.month, 1))

    @classmethod
    def parse(
        cls, month: str | None, start: str | None, end: str | None, now: datetime | None = None
    ) -> Span:
        """The period the page asks for (module docstring); PeriodError names the field."""
        if (start or "").strip() or (end or "").strip():
            if not (start or "").strip():
                raise PeriodError(texts.leaders_missing_date(texts.LEADERS_FROM))
            if not (end or "").strip():
                raise PeriodError(texts.leaders_missing_date(texts.LEADERS_TO))
            first = _date(start or "", texts.LEADERS_FROM)
            last = _date(end or "", texts.LEADERS_TO)
            if last < first:
                raise PeriodError(texts.LEADERS_TO_BEFORE_FROM)
            if (last - first).days >= MAX_DAYS:
                raise PeriodError(texts.leaders_too_long(MAX_DAYS))
            return cls(first, last)
        if month and month.strip():
            found = _MONTH_RE.match(month.strip())
            if not found or not 2000 <= int(found[1]) <= 2200 or not 1 <= int(found[2]) <= 12:
                raise PeriodError(texts.LEADERS_BAD_MONTH)
            return cls.of_month(date(int(found[1]), int(found[2]), 1))
        return cls.current(now)

    def query(self) -> str:
        """The address parameters that choose this period again."""
        if self.month is not None:
            return f"month={self.month:%Y-%m}"
        return f"from={self.start.isoformat()}&to={self.end.isoformat()}"

    def bounds(self) -> dict[str, object]:
        """The SQL parameters: the days, and the Vietnam midnights around them."""

        def midnight(day: date) -> datetime:
            return datetime(day.year, day.month, day.day, tzinfo=VN_TZ)

        return {
            "s": self.start,
            "e": self.end,
            "s_at": midnight(self.start),
            "e_at": midnight(self.end + timedelta(days=1)),
        }


@dataclass(frozen=True, slots=True)
class Counts(FormCounts):
    """Biểu 06's row as the counters count it (``sync_protocol.statistics.Counts``: the 11
    columns and the closed kinds), and what the Art. 19 indicators need beside them."""

    rated: int = 0
    satisfied: int = 0
    processing_seconds: float = 0.0  # of the resolved with a result (not withdrawn/stopped)
    processed: int = 0
    paper: int = 0  # received in the period on paper (counter or post)
    digitised: int = 0
    conflicts: int = 0  # events set aside by the projection, not settled (now)

    def columns(self) -> tuple[int, ...]:
        return tuple(int(getattr(self, name)) for name in COLUMNS)

    @property
    def on_time_rate(self) -> float | None:
        """Resolved early or on time, of the resolved (None when none resolved)."""
        if not self.resolved_total:
            return None
        return (self.early + self.on_time) / self.resolved_total

    @property
    def in_time_rate(self) -> float | None:
        """The 766 index: resolved early/on time and in progress in time, of all counted."""
        if not self.received_total:
            return None
        return (self.early + self.on_time + self.in_time) / self.received_total

    @property
    def digitisation_rate(self) -> float | None:
        return self.digitised / self.paper if self.paper else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None

    @property
    def online_rate(self) -> float | None:
        received = self.received_online + self.received_direct_postal
        return self.received_online / received if received else None

    @property
    def processing_days(self) -> float | None:
        return self.processing_seconds / 86400 / self.processed if self.processed else None


_SATISFIED = ", ".join(f"'{r}'" for r in sorted(SATISFIED))
_SOURCE = """
SELECT owner_agency, received_day, finished_day, stats_due_day, channel, closed_as, rating,
       received_at, finished_at, (finished_day IS NOT NULL AND finished_day <= %(e)s) AS done
FROM dossier_states WHERE {where} AND received_day <= %(e)s
"""
# Biểu 06 per office, the sync_protocol.statistics rules in SQL (closed_as <> '': withdrawn
# or stopped, on time by rule). Two index ranges: the open dossiers, the finished since s.
BIEU06_SQL = f"""
SELECT owner_agency,
  count(*) FILTER (WHERE received_day < %(s)s),
  count(*) FILTER (WHERE received_day >= %(s)s AND channel = 2),
  count(*) FILTER (WHERE received_day >= %(s)s AND channel <> 2),
  count(*) FILTER (WHERE done AND closed_as = '' AND finished_day < stats_due_day),
  count(*) FILTER (WHERE done AND (closed_as <> '' OR stats_due_day IS NULL
                                   OR finished_day = stats_due_day)),
  count(*) FILTER (WHERE done AND closed_as = '' AND finished_day > stats_due_day),
  count(*) FILTER (WHERE NOT done AND (stats_due_day IS NULL OR stats_due_day >= %(e)s)),
  count(*) FILTER (WHERE NOT done AND stats_due_day < %(e)s),
  count(*) FILTER (WHERE done AND closed_as = 'withdrawn'),
  count(*) FILTER (WHERE done AND closed_as = 'stopped'),
  count(*) FILTER (WHERE done AND closed_as = 'supplement_expired'),
  count(rating),
  count(*) FILTER (WHERE rating IN ({_SATISFIED})),
  COALESCE(sum(extract(epoch FROM finished_at - received_at))
           FILTER (WHERE done AND closed_as = ''), 0),
  count(*) FILTER (WHERE done AND closed_as = '')
FROM ({_SOURCE.format(where="finished_day IS NULL")}
      UNION ALL {_SOURCE.format(where="finished_day >= %(s)s")}) AS c
GROUP BY owner_agency
"""
_PAPER_SQL = """
SELECT owner_agency, sum(paper), sum(digitised) FROM digitisation_daily
WHERE day >= %(s)s AND day <= %(e)s GROUP BY owner_agency HAVING sum(paper) > 0
"""
_CONFLICTS_SQL = """
SELECT owner_agency, sum(open_conflicts) FROM dossier_states WHERE open_conflicts > 0
GROUP BY owner_agency
"""
_AGENCIES_SQL = "SELECT id, unit_name FROM agencies"


def conflicts_now(conn: psycopg.Connection) -> dict[str, int]:
    """Per office, the events set aside by the shared projection and not settled yet."""
    return {a: int(n) for a, n in conn.execute(_CONFLICTS_SQL)}


@dataclass(frozen=True, slots=True)
class OfficeFigures:
    agency_id: str
    unit_name: str
    counts: Counts


@dataclass(frozen=True, slots=True)
class Province:
    span: Span
    offices: list[OfficeFigures]
    total: Counts = field(default_factory=Counts)


def province_figures(conn: psycopg.Connection, span: Span) -> Province:
    """Every office's figures for ``span`` (offices with nothing in it left out), by agency."""
    params = span.bounds()
    values: dict[str, dict[str, object]] = {}
    names = (
        *("carried_over", "received_online", "received_direct_postal", "early", "on_time"),
        *("late", "in_time", "overdue", *CLOSED_KINDS, "rated", "satisfied"),
        *("processing_seconds", "processed"),
    )
    for agency, *sums in conn.execute(BIEU06_SQL, params):
        values[agency] = dict(zip(names, sums, strict=True))
    for agency, paper, digitised in conn.execute(_PAPER_SQL, params):
        values.setdefault(agency, {}).update(paper=paper, digitised=digitised)
    conflicts = conflicts_now(conn)
    units: dict[str, str] = {a: u or "" for a, u in conn.execute(_AGENCIES_SQL)}
    offices = []
    for agency in sorted(values):
        v = values[agency]
        n = {k: int(x) for k, x in v.items() if k != "processing_seconds"}  # type: ignore[call-overload]
        received = ("carried_over", "received_online", "received_direct_postal")
        counts = Counts(
            received_total=sum(n.get(k, 0) for k in received),
            resolved_total=sum(n.get(k, 0) for k in ("early", "on_time", "late")),
            in_progress_total=n.get("in_time", 0) + n.get("overdue", 0),
            processing_seconds=float(v.get("processing_seconds") or 0),  # type: ignore[arg-type]
            conflicts=int(conflicts.get(agency) or 0),
            **n,
        )
        offices.append(OfficeFigures(agency, units.get(agency) or "", counts))
    total = sum((o.counts for o in offices), Counts())
    return Province(span, offices, total)


# --- stations ------------------------------------------------------------------------------

STATIONS_SQL = """
SELECT s.agency_id, a.unit_name, s.prefix, s.last_sync_at, s.enrolled_at, s.revoked_at,
       s.waiting, s.id::text, COALESCE(t.n, 0)
FROM stations s JOIN agencies a ON a.id = s.agency_id
LEFT JOIN (SELECT station_id, count(*) AS n FROM events
           WHERE stored_at >= (date_trunc('day', now() AT TIME ZONE 'Asia/Ho_Chi_Minh')
                               AT TIME ZONE 'Asia/Ho_Chi_Minh')
           GROUP BY station_id) t ON t.station_id = s.id
ORDER BY s.agency_id, s.prefix
"""


def silence(last_sync_at: datetime | None, enrolled: bool, revoked: bool, now: datetime) -> str:
    """``red`` (silent > 3 days, or enrolled and never synced), ``amber`` (> 1 day), ``""``;
    a revoked or not yet enrolled station is never flagged."""
    if revoked or not enrolled:
        return ""
    if last_sync_at is None:
        return "red"
    quiet = now - last_sync_at
    if quiet > timedelta(days=SILENT_RED_DAYS):
        return "red"
    if quiet > timedelta(days=SILENT_AMBER_DAYS):
        return "amber"
    return ""


# --- the drill-down ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DrillRow:
    kind: str  # "overdue" (open, due passed), "soon" (open, due soon), "late" (resolved late)
    code: str
    procedure_name: str
    applicant: str  # masked
    received_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    status: str


def mask_person(name: str) -> str:
    """``Nguyễn Văn An`` → ``Nguyễn V** A*``: the family name, then each other word's first
    letter and one star per letter left (the drill-down shows no more of a citizen)."""
    words = name.split()
    if not words:
        return ""
    if len(words) == 1:
        return words[0][0] + "*" * (len(words[0]) - 1)
    return " ".join([words[0], *(w[0] + "*" * (len(w) - 1) for w in words[1:])])


_OPEN = "('received', 'in_progress', 'supplement_requested', 'awaiting_payment')"
_DRILL_COLUMNS = "code, procedure_name, applicant_name, received_at, due_at, finished_at, status"
_DRILL_SQL = f"""
(SELECT 'overdue', {_DRILL_COLUMNS} FROM dossier_states
 WHERE owner_agency = %(agency)s AND status IN {_OPEN} AND NOT paused AND due_at < %(now)s
 ORDER BY due_at LIMIT {DRILL_LIMIT})
UNION ALL
(SELECT 'soon', {_DRILL_COLUMNS} FROM dossier_states
 WHERE owner_agency = %(agency)s AND status IN {_OPEN} AND NOT paused
   AND due_at >= %(now)s AND due_at < %(soon)s
 ORDER BY due_at LIMIT {DRILL_LIMIT})
UNION ALL
(SELECT 'late', {_DRILL_COLUMNS} FROM dossier_states
 WHERE owner_agency = %(agency)s AND finished_day >= %(s)s AND finished_day <= %(e)s
   AND received_day IS NOT NULL AND closed_as = '' AND finished_day > stats_due_day
 ORDER BY finished_at DESC LIMIT {DRILL_LIMIT})
"""


def drill_down(
    conn: psycopg.Connection, agency: str, span: Span, now: datetime | None = None
) -> list[DrillRow]:
    moment = now or datetime.now(UTC)
    params = {
        **span.bounds(),
        "agency": agency,
        "now": moment,
        "soon": moment + timedelta(days=DUE_SOON_DAYS),
    }
    return [
        DrillRow(kind, code or "", proc or "", mask_person(name or ""), rec, due, fin, status)
        for kind, code, proc, name, rec, due, fin, status in conn.execute(_DRILL_SQL, params)
    ]


_AGENCY_RE = re.compile(r"^[0-9A-Za-z.\-]{1,35}$")


def unit_name(conn: psycopg.Connection, agency: str) -> str | None:
    """The office's name, or None when there is no such office (or it cannot be one)."""
    if not _AGENCY_RE.match(agency):
        return None
    row = conn.execute("SELECT unit_name FROM agencies WHERE id = %s", (agency,)).fetchone()
    return None if row is None else str(row[0] or "")
