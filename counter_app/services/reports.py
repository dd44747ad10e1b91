"""Period reports (Biểu 06/VPCP/KSTT figures) over the station's dossiers."""

from __future__ import annotations

from datetime import date

from counter_app.domain.statistics import PeriodStatistics, period_statistics
from counter_app.services.station import StationContext


def period_report(ctx: StationContext, *, start: date, end: date) -> PeriodStatistics:
    """Received / resolved / in-progress figures for [start, end], totals and by field.

    Resolved dossiers are judged against the due date before any apology extension.
    """
    return period_statistics(
        ctx.store.dossiers.statistics_facts(start=start, end=end), start=start, end=end
    )
