"""Period reports (Biểu 06/VPCP/KSTT figures) over the station's dossiers.

The rules are those of ``domain.statistics``; the figures are counted by SQLite
(``storage.report_sql``: GROUP BY over the stored Vietnam dates, index only, memory bounded by
the number of procedures), and laid out as the national form does: one row per field (lĩnh
vực), or per field with its procedures under it, then the total row. The domain path
(``reference_report``: every counted dossier read as facts and classified in Python) stays as
the reference the SQL is tested against. A long count reports ``progress(done, total)`` and
stops with ``ReportCancelled`` when ``cancelled()`` answers True.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from dataclasses import field as _field
from datetime import date
from enum import StrEnum

from counter_app.domain.digitisation import DigitisationSummary
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.fees import NOT_COUNTED, FeeTotals, fee_totals_of
from counter_app.domain.models import VN_TZ
from counter_app.domain.statistics import Counts, DossierFacts, PeriodStatistics, period_statistics
from counter_app.domain.text import fold
from counter_app.services.station import StationContext
from counter_app.storage import report_sql
from counter_app.storage.report_sql import Cancelled, Progress
from counter_app.texts import reports as t


class GroupBy(StrEnum):
    FIELD = "field"
    PROCEDURE = "procedure"


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One line of the form: ``number`` "1" for a field, "1.2" for a procedure under it."""

    number: str
    label: str
    counts: Counts
    level: int
    code: str = ""


@dataclass(frozen=True, slots=True)
class FeeRow:
    """One line of the fee table: a field ("1") or a procedure under it ("1.2")."""

    number: str
    label: str
    totals: FeeTotals
    level: int
    code: str = ""


@dataclass(frozen=True, slots=True)
class PeriodReport:
    """The report of a period laid out in rows; ``statistics`` holds totals and by-field;
    ``fees`` the fee table (domain.fees: dossiers received in the period), by field then
    procedure, and ``fee_total`` its total."""

    statistics: PeriodStatistics
    by: GroupBy
    rows: tuple[ReportRow, ...]
    fees: tuple[FeeRow, ...] = ()
    fee_total: FeeTotals = _field(default_factory=FeeTotals)

    @property
    def start(self) -> date:
        return self.statistics.start

    @property
    def end(self) -> date:
        return self.statistics.end

    @property
    def totals(self) -> Counts:
        return self.statistics.totals

    def to_dict(self) -> dict[str, object]:
        """The statistics' JSON (period, totals, by_field), plus ``by`` and, by procedure,
        ``by_procedure``: one entry per procedure with its field, code, name and figures."""
        out = self.statistics.to_dict()
        out["by"] = self.by.value
        out["digitisation"] = self.statistics.digitisation.to_dict()
        out["fees"] = {
            "total": self.fee_total.to_dict(),
            "by_procedure": [
                {"code": r.code, "name": r.label, **r.totals.to_dict()}
                for r in self.fees
                if r.level == 1
            ],
        }
        if self.by is GroupBy.PROCEDURE:
            field = ""
            entries: list[dict[str, object]] = []
            for row in self.rows:
                if row.level == 0:
                    field = row.label
                    continue
                entries.append(
                    {"field": field, "code": row.code, "name": row.label, **row.counts.to_dict()}
                )
            out["by_procedure"] = entries
        return out


def _check_period(start: date, end: date) -> None:
    if start > end:
        raise DomainError(
            ErrorCode.DATE_INVALID, field="period", start=start.isoformat(), end=end.isoformat()
        )


def _by_name(names: Iterable[str]) -> list[str]:
    return sorted(names, key=lambda n: (fold(n), n))


@dataclass(frozen=True, slots=True)
class _Counted:
    statistics: PeriodStatistics
    procedures: dict[str, dict[str, Counts]]  # field -> code -> counts
    names: dict[str, str]  # code -> name
    fees: dict[tuple[str, str], FeeTotals]  # (field, code) -> fees of those received


def _count(
    ctx: StationContext,
    *,
    start: date,
    end: date,
    progress: Progress | None,
    cancelled: Cancelled | None,
    names: bool,
) -> _Counted:
    _check_period(start, end)
    rows = report_sql.period_counts(
        ctx.store.db, start=start, end=end, progress=progress, cancelled=cancelled
    )
    fields: dict[str, Counts] = {}
    procedures: dict[str, dict[str, Counts]] = {}
    fees: dict[tuple[str, str], FeeTotals] = {}
    paper = digitised = 0
    for row in rows:
        if row.fees.dossiers:
            fees[(row.field, row.code)] = row.fees
        if row.counts == Counts():  # fees only: received in the period, finished "before" it
            continue
        fields[row.field] = fields.get(row.field, Counts()) + row.counts
        procedures.setdefault(row.field, {})[row.code] = row.counts
        paper += row.paper_received
        digitised += row.digitised
    by_field = {name: fields[name] for name in _by_name(fields)}
    stats = PeriodStatistics(
        start=start,
        end=end,
        totals=sum(by_field.values(), Counts()),
        by_field=by_field,
        digitisation=DigitisationSummary(paper, digitised),
    )
    codes = sorted({row.code for row in rows})
    found = report_sql.procedure_names(ctx.store.db, codes, end=end) if names else {}
    return _Counted(stats, procedures, found, fees)


def period_report(
    ctx: StationContext,
    *,
    start: date,
    end: date,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> PeriodStatistics:
    """Received / resolved / in-progress figures for [start, end], totals and by field.

    Resolved dossiers are judged against the due date before any apology extension.
    """
    counted = _count(ctx, start=start, end=end, progress=progress, cancelled=cancelled, names=False)
    return counted.statistics


def _rows(
    stats: PeriodStatistics,
    by: GroupBy,
    procedures: dict[str, dict[str, Counts]],
    names: dict[str, str],
) -> tuple[ReportRow, ...]:
    rows: list[ReportRow] = []
    for index, (field, counts) in enumerate(stats.by_field.items(), 1):
        rows.append(ReportRow(str(index), field or t.NO_FIELD, counts, 0))
        if by is not GroupBy.PROCEDURE:
            continue
        of_field = procedures[field]
        ordered = sorted(of_field, key=lambda c: (names.get(c, ""), c))
        for sub, code in enumerate(ordered, 1):
            rows.append(ReportRow(f"{index}.{sub}", names.get(code, code), of_field[code], 1, code))
    return tuple(rows)


def report(
    ctx: StationContext,
    *,
    start: date,
    end: date,
    by: GroupBy = GroupBy.FIELD,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> PeriodReport:
    """The period report in rows: by field, or by field and procedure (see module doc)."""
    counted = _count(ctx, start=start, end=end, progress=progress, cancelled=cancelled, names=True)
    rows = _rows(counted.statistics, by, counted.procedures, counted.names)
    fees, total = _fee_rows(ctx, counted.fees, end=end, names=counted.names)
    return PeriodReport(statistics=counted.statistics, by=by, rows=rows, fees=fees, fee_total=total)


def _fee_rows(
    ctx: StationContext,
    sums: dict[tuple[str, str], FeeTotals],
    *,
    end: date,
    names: dict[str, str] | None = None,
) -> tuple[tuple[FeeRow, ...], FeeTotals]:
    """The fee table: every field of ``sums`` (by name), its procedures under it."""
    if names is None:
        names = report_sql.procedure_names(ctx.store.db, sorted({c for _, c in sums}), end=end)
    fields: dict[str, dict[str, FeeTotals]] = {}
    for (field, code), totals in sums.items():
        fields.setdefault(field, {})[code] = totals
    rows: list[FeeRow] = []
    for index, field in enumerate(_by_name(fields), 1):
        of_field = fields[field]
        rows.append(FeeRow(str(index), field or t.NO_FIELD, sum(of_field.values(), FeeTotals()), 0))
        ordered = sorted(of_field, key=lambda c: (names.get(c, ""), c))
        for sub, code in enumerate(ordered, 1):
            rows.append(FeeRow(f"{index}.{sub}", names.get(code, code), of_field[code], 1, code))
    return tuple(rows), sum(sums.values(), FeeTotals())


def reference_fee_totals(
    ctx: StationContext, *, start: date, end: date
) -> dict[tuple[str, str], FeeTotals]:
    """The fee totals from each dossier's projection and ``domain.fees`` (the reference of
    the fee sums of ``report_sql.period_counts``; reads every dossier)."""
    out: dict[tuple[str, str], FeeTotals] = {}
    for dossier in ctx.store.dossiers.iter_all():
        day = dossier.received_at.astimezone(VN_TZ).date()
        if dossier.status.value in NOT_COUNTED or not start <= day <= end:
            continue
        key = (dossier.procedure_field, dossier.procedure_code)
        one = fee_totals_of(dossier.fee_due, dossier.fee_collected, bool(dossier.fee_exemption))
        out[key] = out.get(key, FeeTotals()) + one
    return out


# --- the reference: the domain's rules over every counted dossier ---------------------------


def _facts(ctx: StationContext, start: date, end: date) -> list[tuple[str, str, DossierFacts]]:
    _check_period(start, end)
    return list(ctx.store.dossiers.report_facts(start=start, end=end))


def by_procedure(
    facts: Iterable[tuple[str, str, DossierFacts]], *, start: date, end: date
) -> dict[str, PeriodStatistics]:
    """Per field, the statistics of its procedures (``by_field`` keyed by procedure code)."""
    grouped: dict[str, list[DossierFacts]] = {}
    for code, _name, fact in facts:
        grouped.setdefault(fact.field, []).append(replace(fact, field=code))
    return {
        field: period_statistics(items, start=start, end=end) for field, items in grouped.items()
    }


def reference_report(
    ctx: StationContext, *, start: date, end: date, by: GroupBy = GroupBy.FIELD
) -> PeriodReport:
    """:func:`report` computed the old way: each counted dossier read as
    :class:`DossierFacts` and classified by ``domain.statistics`` (slow at scale; the
    reference of the equivalence tests and the baseline of ``bench/bench_report.py``)."""
    facts = _facts(ctx, start, end)
    stats = period_statistics((f for _, _, f in facts), start=start, end=end)
    names = {code: name for code, name, _ in facts}
    procedures: dict[str, dict[str, Counts]] = {}
    if by is GroupBy.PROCEDURE:
        per_field = by_procedure(facts, start=start, end=end)
        procedures = {field: dict(s.by_field) for field, s in per_field.items()}
    sums = reference_fee_totals(ctx, start=start, end=end)
    fees, total = _fee_rows(ctx, sums, end=end)
    return PeriodReport(
        statistics=stats,
        by=by,
        rows=_rows(stats, by, procedures, names),
        fees=fees,
        fee_total=total,
    )
