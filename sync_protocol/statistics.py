"""The Biểu 06/VPCP/KSTT classification of one dossier for a period, shared by the counter's
report (``counter_app.domain.statistics``) and the province dashboard (stdlib only).

Every comparison is between calendar dates in Vietnam time (one-stop-rules.md §5). For a period
``[start, end]`` (both days included) a dossier received on or before ``end`` and not finished
before ``start`` is counted, in one received bucket (``received_online``,
``received_direct_postal`` or ``carried_over``) and one outcome bucket (``early``,
``on_time``, ``late``, ``in_time`` or ``overdue``); see :func:`classify_days`.

:func:`report_days` gives the dates a projected dossier is judged on
(:class:`sync_protocol.projection.DossierState`): the reception day, the finish day and the
statistics due day (the due date before any apology extension), so the server counts what
the counters count for the same events. The province server stores these days with each
projected dossier and counts them in SQL; its tests compare that SQL with this module.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta, timezone
from typing import Self

from sync_protocol.order import instant
from sync_protocol.status import ANY_RECEIVED

ONLINE = 2  # the national channel code of an online dossier (one-stop-rules §1.1)
WITHDRAWN_STATUSES = frozenset({"withdrawn", "stopped"})  # finished without a result: on time
CLOSED_KINDS = ("withdrawn", "stopped", "supplement_expired")
COUNTED_STATUSES = ANY_RECEIVED  # guided and refused dossiers were never received
RESOLVED = frozenset({"early", "on_time", "late"})
SATISFIED = frozenset({"rat_hai_long", "hai_long"})  # the counter's ratings that are content
VN_OFFSET = timezone(timedelta(hours=7))  # Vietnam has no daylight saving time

COLUMNS = (
    "received_total",
    "received_online",
    "received_direct_postal",
    "carried_over",
    "resolved_total",
    "early",
    "on_time",
    "late",
    "in_progress_total",
    "in_time",
    "overdue",
)  # the 11 numeric columns of Biểu 06, in the form's order


@dataclass(frozen=True, slots=True)
class Counts:
    """One row of the report: the 11 numeric columns of Biểu 06 (:data:`COLUMNS`), then, of
    the resolved, how many were withdrawn, stopped or closed for an unanswered supplement
    request (:data:`CLOSED_KINDS`, one-stop-rules §5.2: counted separately)."""

    received_total: int = 0
    received_online: int = 0
    received_direct_postal: int = 0
    carried_over: int = 0
    resolved_total: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    in_progress_total: int = 0
    in_time: int = 0
    overdue: int = 0
    # beside the 11 columns, of the resolved (all on time): CLOSED_KINDS
    withdrawn: int = 0
    stopped: int = 0
    supplement_expired: int = 0

    def __add__(self, other: Self) -> Self:
        """Field by field (a subclass's added fields too: the province's office rows)."""
        kind = type(self)
        return kind(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(kind)))

    def to_dict(self) -> dict[str, dict[str, int]]:
        return {
            "received": {
                "total": self.received_total,
                "online": self.received_online,
                "direct_postal": self.received_direct_postal,
                "carried_over": self.carried_over,
            },
            "resolved": {
                "total": self.resolved_total,
                "early": self.early,
                "on_time": self.on_time,
                "late": self.late,
            },
            "in_progress": {
                "total": self.in_progress_total,
                "in_time": self.in_time,
                "overdue": self.overdue,
            },
            "closed": {
                "withdrawn": self.withdrawn,
                "stopped": self.stopped,
                "supplement_expired": self.supplement_expired,
            },
        }


def vn_day(moment: datetime) -> date:
    """The calendar date of ``moment`` in Vietnam time (a naive datetime is taken as local)."""
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(VN_OFFSET).date()


def classify_days(
    received: date,
    finished: date | None,
    due: date | None,
    *,
    online: bool,
    withdrawn: bool,
    start: date,
    end: date,
) -> tuple[str, str] | None:
    """The received and outcome buckets of a dossier for ``[start, end]``, or None when it
    is not counted (received after ``end`` or finished before ``start``).

    Resolved (finished by ``end``): on time when finished on the due day, without a due
    date, or withdrawn/stopped (one-stop-rules §5.2), else early or late by date. In
    progress: in time when there is no due date or it is on or after ``end``, else overdue.
    """
    if received > end or (finished is not None and finished < start):
        return None
    if received < start:
        received_bucket = "carried_over"
    elif online:
        received_bucket = "received_online"
    else:
        received_bucket = "received_direct_postal"
    if finished is not None and finished <= end:
        if due is None or finished == due or withdrawn:
            outcome = "on_time"
        else:
            outcome = "early" if finished < due else "late"
    else:
        outcome = "in_time" if due is None or due >= end else "overdue"
    return received_bucket, outcome


@dataclass(frozen=True, slots=True)
class ReportDays:
    """What a projected dossier is counted on (None ``received``: never counted)."""

    received: date | None
    finished: date | None
    stats_due: date | None
    online: bool
    withdrawn: bool
    closed_as: str  # one of CLOSED_KINDS, "" when finished by a result or still open


def _day(text: str | None) -> date | None:
    return vn_day(instant(text)) if text else None


def report_days(
    *,
    status: str | None,
    received_at: str,
    finished_at: str | None,
    due_at: str | None,
    original_due_at: str | None,
    apology_issued: bool,
    channel: int,
    outcome: str | None,
) -> ReportDays:
    """The days of a projected dossier (fields of ``DossierState``, times as ISO text).

    The statistics due date is the one before any apology extension (the counter's
    ``Dossier.stats_due_at``). A stopped dossier whose outcome is ``supplement_expired`` was
    closed for an unanswered supplement request."""
    counted = status in COUNTED_STATUSES
    closed = ""
    if status == "withdrawn":
        closed = "withdrawn"
    elif status == "stopped":
        closed = "supplement_expired" if outcome == "supplement_expired" else "stopped"
    return ReportDays(
        received=_day(received_at) if counted else None,
        finished=_day(finished_at),
        stats_due=_day(original_due_at if apology_issued else due_at),
        online=channel == ONLINE,
        withdrawn=status in WITHDRAWN_STATUSES,
        closed_as=closed,
    )


def classify(days: ReportDays, *, start: date, end: date) -> tuple[str, str] | None:
    """:func:`classify_days` of a :class:`ReportDays` (None when never counted)."""
    if days.received is None:
        return None
    return classify_days(
        days.received,
        days.finished,
        days.stats_due,
        online=days.online,
        withdrawn=days.withdrawn,
        start=start,
        end=end,
    )


def tally(items: list[ReportDays], *, start: date, end: date) -> dict[str, int]:
    """The 11 columns of Biểu 06 and the closed kinds over ``items`` (the reference the
    server's SQL is tested and benchmarked against)."""
    out = dict.fromkeys((*COLUMNS, *CLOSED_KINDS), 0)
    for item in items:
        buckets = classify(item, start=start, end=end)
        if buckets is None:
            continue
        received_bucket, outcome = buckets
        out[received_bucket] += 1
        out[outcome] += 1
        out["received_total"] += 1
        if outcome in RESOLVED:
            out["resolved_total"] += 1
            if item.closed_as:
                out[item.closed_as] += 1
        else:
            out["in_progress_total"] += 1
    return out
