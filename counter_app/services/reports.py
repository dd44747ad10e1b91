"""Period reports (Biểu 06/VPCP/KSTT figures) over the station's dossiers.

The figures come from ``domain.statistics`` (the rules are there); this module reads the facts
(columns, not decoded JSON: ``DossierRepository.report_facts``), and lays the rows out as the
national form does: one row per field (lĩnh vực), or per field with its procedures under it,
then the total row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.statistics import Counts, DossierFacts, PeriodStatistics, period_statistics
from counter_app.services.station import StationContext
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
class PeriodReport:
    """The report of a period laid out in rows; ``statistics`` holds totals and by-field."""

    statistics: PeriodStatistics
    by: GroupBy
    rows: tuple[ReportRow, ...]

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


def _facts(ctx: StationContext, start: date, end: date) -> list[tuple[str, str, DossierFacts]]:
    if start > end:
        raise DomainError(
            ErrorCode.DATE_INVALID, field="period", start=start.isoformat(), end=end.isoformat()
        )
    return list(ctx.store.dossiers.report_facts(start=start, end=end))


def period_report(ctx: StationContext, *, start: date, end: date) -> PeriodStatistics:
    """Received / resolved / in-progress figures for [start, end], totals and by field.

    Resolved dossiers are judged against the due date before any apology extension.
    """
    facts = (f for _, _, f in _facts(ctx, start, end))
    return period_statistics(facts, start=start, end=end)


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


def report(
    ctx: StationContext, *, start: date, end: date, by: GroupBy = GroupBy.FIELD
) -> PeriodReport:
    """The period report in rows: by field, or by field and procedure (see module doc)."""
    facts = _facts(ctx, start, end)
    stats = period_statistics((f for _, _, f in facts), start=start, end=end)
    names = {code: name for code, name, _ in facts}
    per_field = by_procedure(facts, start=start, end=end) if by is GroupBy.PROCEDURE else {}
    rows: list[ReportRow] = []
    for index, (field, counts) in enumerate(stats.by_field.items(), 1):
        rows.append(ReportRow(str(index), field or t.NO_FIELD, counts, 0))
        if by is not GroupBy.PROCEDURE:
            continue
        procedures = per_field[field].by_field
        ordered = sorted(procedures, key=lambda c: (names.get(c, ""), c))
        for sub, code in enumerate(ordered, 1):
            rows.append(
                ReportRow(f"{index}.{sub}", names.get(code, code), procedures[code], 1, code)
            )
    return PeriodReport(statistics=stats, by=by, rows=tuple(rows))
