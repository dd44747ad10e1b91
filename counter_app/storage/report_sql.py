"""The period report (Biểu 06) counted by SQLite: GROUP BY over columns made for it.

Guarantees:

* the figures equal those of :func:`counter_app.domain.statistics.period_statistics` over the
  same dossiers (the domain's rules are the reference; ``tests/storage/test_report_sql.py``
  checks the two on random dossiers): the same rules written as SQL sums over the Vietnam
  calendar dates stored with each row (``received_day``, ``finished_day``, ``stats_due_day``,
  migration m0021);
* one index serves it, ``dossiers_report_days`` (finished day first): the query visits the
  dossiers still open, then those finished from the period's first day on, reading the index
  only (never a row with its JSON); a period that ends near today visits about what it
  counts. A report of a long-past period also reads the entries of what finished since;
  a stopped dossier's row is read by rowid (its outcome: stop or expired supplement);
* memory is one small tuple per (field, procedure), whatever the number of dossiers;
* the count runs in slices of ``finished_day`` (the open dossiers first), reporting
  ``progress(done, total)`` after each; ``cancelled()`` is asked between slices and every few
  thousand SQLite steps inside one: when it answers True, :class:`ReportCancelled` is raised
  and nothing is returned. Reads only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from counter_app.domain.fees import FeeTotals
from counter_app.domain.models import VN_TZ, Channel
from counter_app.domain.statistics import Counts, ReportCancelled
from counter_app.storage.db import Database

INDEX = "dossiers_report_days"
NOT_COUNTED = ("guided", "refused", "online_submitted")  # never received: no figures
WITHDRAWN = ("withdrawn", "stopped")  # finished without a result: on time (§5.2)
SLICES = 8  # finished-day slices after the open dossiers: progress and cancel points
PROGRESS_STEPS = 20_000  # SQLite VM steps between two cancel checks inside one slice

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


def vn_day(moment: datetime | None) -> str | None:
    """The Vietnam calendar date of ``moment`` as 'YYYY-MM-DD' (a naive datetime is taken as
    Vietnam time, as ``domain.statistics.vn_date`` does); None for None."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(VN_TZ)
    return moment.date().isoformat()


def vn_day_sql(column: str) -> str:
    """SQL giving :func:`vn_day` of an ISO text column (offset or 'Z' suffix: shifted to
    UTC+7; no suffix: taken as it is)."""
    return (
        f"date({column}, CASE WHEN {column} GLOB '*[+-][0-9][0-9]:[0-9][0-9]' "
        f"OR {column} GLOB '*Z' THEN '+7 hours' ELSE '+0 hours' END)"
    )


@dataclass(frozen=True, slots=True)
class ProcedureCounts:
    """The figures of one procedure of one field, and its paper dossiers' digitisation."""

    field: str
    code: str
    counts: Counts
    paper_received: int  # received in the period on paper (counter or post)
    digitised: int  # of those, with every required component digitised


_NOT_COUNTED = ", ".join(f"'{s}'" for s in NOT_COUNTED)
_WITHDRAWN = ", ".join(f"'{s}'" for s in WITHDRAWN)
_ONLINE = int(Channel.ONLINE)
# :s start, :e end (ISO dates). "done" = finished by the end of the period.
_SUMS = f"""
 sum(received_day < :s),
 sum(received_day >= :s AND channel = {_ONLINE}),
 sum(received_day >= :s AND channel IS NOT {_ONLINE}),
 sum(done AND status NOT IN ({_WITHDRAWN}) AND stats_due_day IS NOT NULL
     AND finished_day < stats_due_day),
 sum(done AND (status IN ({_WITHDRAWN}) OR stats_due_day IS NULL
     OR finished_day = stats_due_day)),
 sum(done AND status NOT IN ({_WITHDRAWN}) AND finished_day > stats_due_day),
 sum(NOT done AND (stats_due_day IS NULL OR stats_due_day >= :e)),
 sum(NOT done AND stats_due_day < :e),
 sum(received_day >= :s AND channel IS NOT {_ONLINE}),
 sum(received_day >= :s AND channel IS NOT {_ONLINE} AND digitised),
 sum(done AND status = 'withdrawn'),
 sum(done AND status = 'stopped' AND expired IS NOT 1),
 sum(done AND status = 'stopped' AND expired IS 1)
"""
# A stopped dossier's outcome (in its row's JSON) tells a stop (Mau 05) from a closure after an
# unanswered supplement request; read by rowid for the stopped ones only (few), so the
# report's index stays covering for every other row.
_EXPIRED = (
    "CASE WHEN status = 'stopped' THEN (SELECT json_extract(o.data, '$.outcome')"
    " = 'supplement_expired' FROM dossiers AS o WHERE o.rowid = dossiers.rowid) END"
)
_SELECT = (
    "SELECT procedure_field, procedure_code, {sums} FROM ("
    " SELECT procedure_field, procedure_code, received_day, finished_day, stats_due_day,"
    " status, channel, digitised,"
    " (finished_day IS NOT NULL AND finished_day <= :e) AS done, {expired} AS expired"
    f" FROM dossiers INDEXED BY {INDEX}"
    " WHERE {{where}} AND received_day <= :e AND status NOT IN ({not_counted})"
    ") GROUP BY procedure_field, procedure_code"
).format(sums=_SUMS, not_counted=_NOT_COUNTED, expired=_EXPIRED)
_OPEN = _SELECT.format(where="finished_day IS NULL")
_FINISHED = _SELECT.format(where="finished_day >= :a AND finished_day < :b")
_LAST_FINISHED = f"SELECT max(finished_day) FROM dossiers INDEXED BY {INDEX}"


def _slices(start: date, last: str | None) -> list[tuple[str, str]]:
    """[a, b) ranges of finished days from ``start`` to ``last`` (inclusive), at most SLICES."""
    if last is None or last < start.isoformat():
        return []
    end = date.fromisoformat(last) + timedelta(days=1)
    span = max(1, -(-(end - start).days // SLICES))
    out, a = [], start
    while a < end:
        b = min(end, a + timedelta(days=span))
        out.append((a.isoformat(), b.isoformat()))
        a = b
    return out


def period_counts(
    db: Database,
    *,
    start: date,
    end: date,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> list[ProcedureCounts]:
    """The period's figures per (field, procedure), unordered; see the module docstring.

    A dossier counts when received by ``end`` and not finished before ``start`` (Vietnam
    dates), never-received ones (guided, refused at the counter, online not yet received)
    excluded. Raises :class:`ReportCancelled` when ``cancelled()`` says so.
    """
    conn = db.conn
    params = {"s": start.isoformat(), "e": end.isoformat()}
    slices = _slices(start, conn.execute(_LAST_FINISHED).fetchone()[0])
    total = len(slices) + 1
    tally: dict[tuple[str, str], list[int]] = {}

    def check() -> int:
        return 1 if cancelled is not None and cancelled() else 0

    conn.set_progress_handler(check, PROGRESS_STEPS)
    try:
        steps = [(_OPEN, params), *((_FINISHED, {**params, "a": a, "b": b}) for a, b in slices)]
        for done, (sql, values) in enumerate(steps, 1):
            if check():
                raise ReportCancelled
            for field, code, *sums in conn.execute(sql, values):
                found = tally.setdefault((field or "", code or ""), [0] * len(sums))
                for i, value in enumerate(sums):
                    found[i] += value or 0
            if progress is not None:
                progress(done, total)
    except sqlite3.OperationalError as exc:
        if "interrupt" in str(exc):
            raise ReportCancelled from exc
        raise
    finally:
        conn.set_progress_handler(None, 0)
    return [_procedure_counts(field, code, sums) for (field, code), sums in tally.items()]


def _procedure_counts(field: str, code: str, sums: list[int]) -> ProcedureCounts:
    carried, online, direct, early, on_time, late, in_time, overdue, paper, digitised, *closed = (
        sums
    )
    withdrawn, stopped, expired = closed
    counts = Counts(
        received_total=carried + online + direct,
        received_online=online,
        received_direct_postal=direct,
        carried_over=carried,
        resolved_total=early + on_time + late,
        early=early,
        on_time=on_time,
        late=late,
        in_progress_total=in_time + overdue,
        in_time=in_time,
        overdue=overdue,
        withdrawn=withdrawn,
        stopped=stopped,
        supplement_expired=expired,
    )
    return ProcedureCounts(field, code, counts, paper, digitised)


def procedure_names(db: Database, codes: list[str], *, end: date) -> dict[str, str]:
    """The name each procedure code had on its latest dossier received by ``end`` (one index
    seek per code: the dossiers are listed by procedure and reception)."""
    names: dict[str, str] = {}
    for code in codes:
        row = db.conn.execute(
            "SELECT procedure_name FROM dossiers WHERE procedure_code = ? AND received_day <= ?"
            " ORDER BY procedure_code DESC, received_at DESC LIMIT 1",
            (code, end.isoformat()),
        ).fetchone()
        names[code] = (row[0] if row else None) or ""
    return names


# --- fees (issue 13 item 7): the sums of domain.fees over the dossiers received in a period --
FEE_INDEX = "dossiers_fee_days"
_FEES = (
    "SELECT procedure_field, procedure_code, count(*),"
    " sum(CASE WHEN fee_exempt THEN 0 ELSE coalesce(fee_due, 0) END),"
    " sum(fee_collected),"
    " sum(CASE WHEN fee_exempt OR fee_due IS NULL OR fee_due <= fee_collected THEN 0"
    "     ELSE fee_due - fee_collected END),"
    " sum(fee_exempt != 0),"
    " sum(fee_due IS NULL AND fee_collected = 0 AND fee_exempt = 0)"
    f" FROM dossiers INDEXED BY {FEE_INDEX}"
    f" WHERE received_day >= :s AND received_day <= :e AND status NOT IN ({_NOT_COUNTED})"
    " GROUP BY procedure_field, procedure_code"
)


def fee_totals(db: Database, *, start: date, end: date) -> dict[tuple[str, str], FeeTotals]:
    """(field, procedure code) -> the fee totals of the dossiers received in [start, end]
    (:mod:`counter_app.domain.fees` rules; the index only, never a row's JSON)."""
    out: dict[tuple[str, str], FeeTotals] = {}
    params = {"s": start.isoformat(), "e": end.isoformat()}
    for field, code, *sums in db.conn.execute(_FEES, params):
        out[(field or "", code or "")] = FeeTotals(*(int(v or 0) for v in sums))
    return out
