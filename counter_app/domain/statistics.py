"""Period statistics of dossiers, as in Biểu số 06/VPCP/KSTT (one-stop-rules.md §5).

Every comparison is between calendar dates in Vietnam time (UTC+7): an aware datetime is
converted to :data:`~counter_app.domain.models.VN_TZ` before its date is taken; a naive one is
taken as already in Vietnam time. For a period ``[start, end]`` (both days included):

* **Counted**: a dossier received on or before ``end`` and not finished before ``start``.
  Dossiers received after ``end`` or finished before ``start`` are left out entirely.
* **Received** ("Số hồ sơ nhận giải quyết"):

  - *online* ("trực tuyến"): received in ``[start, end]`` through :attr:`Channel.ONLINE`;
  - *direct_postal* ("trực tiếp, dịch vụ bưu chính"): received in ``[start, end]`` through any
    other channel (at the counter or by post);
  - *carried_over* ("từ kỳ trước"): received before ``start`` (and, being counted, still open
    at ``start``);
  - *total* = online + direct_postal + carried_over.

* **Resolved** ("Số hồ sơ đã giải quyết"): finished (result received, withdrawn or stopped)
  in ``[start, end]``, judged against the statistics due date — the one before any apology
  extension:

  - *early* ("trước hạn"): finish date < due date;
  - *on_time* ("đúng hạn"): finish date = due date, or no due date, or the dossier was
    withdrawn or stopped (one-stop-rules §5.2: "trả lại / xin rút" count as on time);
  - *late* ("quá hạn"): finish date > due date;
  - and, counted separately (§5.2), of the resolved: *withdrawn* ("rút hồ sơ"), *stopped*
    ("dừng giải quyết", Mẫu 05) and *supplement_expired* ("đóng do quá hạn bổ sung"), from
    ``DossierFacts.closed_as``.

* **In progress** ("Số hồ sơ đang giải quyết"): not finished by ``end`` (no finish, or a finish
  date after ``end``):

  - *in_time* ("trong hạn"): no due date, or due date ≥ ``end``;
  - *overdue* ("quá hạn"): due date < ``end``.

Every counted dossier is either resolved or in progress, so
``received.total == resolved.total + in_progress.total``; each group's buckets add up to its
total, and the per-field counts add up to the totals.

* **Digitisation** (issue 6, ``PeriodStatistics.digitisation``): of the dossiers received in
  ``[start, end]`` on paper (at the counter or by post; an online dossier is electronic
  already), how many had every required component digitised
  (:mod:`counter_app.domain.digitisation`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from counter_app.domain.digitisation import DigitisationSummary
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ, Channel
from counter_app.domain.text import fold
from sync_protocol.statistics import COLUMNS as COLUMNS  # Biểu 06's 11, shared with the province
from sync_protocol.statistics import Counts as Counts  # its row, shared too
from sync_protocol.statistics import classify_days


class ReportCancelled(Exception):  # noqa: N818 (an outcome, not a fault)
    """The officer cancelled a report while it was being counted; nothing was returned."""


@dataclass(frozen=True, slots=True)
class DossierFacts:
    """What the statistics need to know about one dossier."""

    uuid: str
    field: str
    channel: Channel
    received_at: datetime
    due_at: datetime | None
    finished_at: datetime | None
    withdrawn: bool = False  # finished by withdrawal or a stop, not by a result
    digitised: bool = False  # every required component digitised (issue 6)
    # how a finish without a result came about (one of CLOSED_KINDS), "" otherwise
    closed_as: str = ""


# The finishes without a result, counted separately among the resolved (one-stop-rules §5.2):
# withdrawn by the applicant, stopped (Mẫu 05), closed after an unanswered supplement request.
CLOSED_KINDS = ("withdrawn", "stopped", "supplement_expired")


@dataclass(frozen=True, slots=True)
class PeriodStatistics:
    """The report of one period: totals and one row per field (lĩnh vực)."""

    start: date
    end: date
    totals: Counts
    by_field: dict[str, Counts]
    digitisation: DigitisationSummary = field(default_factory=DigitisationSummary)

    def to_dict(self) -> dict[str, object]:
        result: dict[str, object] = {
            "period": {"from": self.start.isoformat(), "to": self.end.isoformat()},
        }
        result.update(self.totals.to_dict())
        result["by_field"] = {name: counts.to_dict() for name, counts in self.by_field.items()}
        return result


def vn_date(moment: datetime) -> date:
    """The calendar date of ``moment`` in Vietnam time (naive datetimes are taken as local)."""
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(VN_TZ).date()


def classify(facts: DossierFacts, *, start: date, end: date) -> tuple[str, str] | None:
    """The two buckets one dossier falls in for the period, or None when it is not counted.

    The first is the received bucket (``received_online``, ``received_direct_postal`` or
    ``carried_over``), the second the outcome bucket (``early``, ``on_time``, ``late``,
    ``in_time`` or ``overdue``); both are :class:`Counts` attribute names. The rules are
    ``sync_protocol.statistics.classify_days``, which the province dashboard counts by too.
    """
    return classify_days(
        vn_date(facts.received_at),
        vn_date(facts.finished_at) if facts.finished_at is not None else None,
        vn_date(facts.due_at) if facts.due_at is not None else None,
        online=facts.channel is Channel.ONLINE,
        withdrawn=facts.withdrawn,
        start=start,
        end=end,
    )


_RESOLVED = frozenset({"early", "on_time", "late"})


def _counts(tally: Counter[tuple[str, str, str]]) -> Counts:
    values: Counter[str] = Counter()
    for (received_bucket, outcome, closed), number in tally.items():
        values[received_bucket] += number
        values[outcome] += number
        values["received_total"] += number
        values["resolved_total" if outcome in _RESOLVED else "in_progress_total"] += number
        if closed:
            values[closed] += number
    return Counts(**values)


def period_statistics(facts: Iterable[DossierFacts], *, start: date, end: date) -> PeriodStatistics:
    """Count ``facts`` for the period ``[start, end]`` (see the module docstring).

    ``by_field`` holds only the fields with at least one counted dossier, ordered by the folded
    field name (accent-insensitive, so Vietnamese names sort naturally).
    """
    if start > end:
        raise DomainError(
            ErrorCode.DATE_INVALID, field="period", start=start.isoformat(), end=end.isoformat()
        )
    tallies: dict[str, Counter[tuple[str, str, str]]] = {}
    counted = digitised = 0
    for item in facts:
        buckets = classify(item, start=start, end=end)
        if buckets is not None:
            closed = item.closed_as if buckets[1] in _RESOLVED else ""
            tallies.setdefault(item.field, Counter())[(*buckets, closed)] += 1
            if buckets[0] == "received_direct_postal":
                counted += 1
                digitised += item.digitised
    by_field = {
        name: _counts(tallies[name]) for name in sorted(tallies, key=lambda n: (fold(n), n))
    }
    totals = sum(by_field.values(), Counts())
    return PeriodStatistics(
        start=start,
        end=end,
        totals=totals,
        by_field=by_field,
        digitisation=DigitisationSummary(counted, digitised),
    )
