"""Dossiers in a table (today's list, search results)."""

from __future__ import annotations

from datetime import datetime

from counter_app import texts
from counter_app.domain.dossier import Dossier
from counter_app.texts import rules as tr
from counter_app.texts import window as t
from counter_app.ui.models.columns import Column, ColumnTableModel


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def _due(d: Dossier) -> str:
    """The due date, marked as expected while a cross-boundary dossier waits for the authority."""
    due = t.short_datetime(d.due_at)
    return f"{due} ({tr.EXPECTED})" if due and d.due_expected else due


class DossierTableModel(ColumnTableModel[Dossier]):
    columns = (
        Column("code", t.COL_CODE, lambda d: d.code or t.NO_CODE, lambda d: d.code or ""),
        Column("applicant", t.COL_APPLICANT, lambda d: d.applicant.name),
        Column("procedure", t.COL_PROCEDURE, lambda d: d.procedure_name),
        Column(
            "received",
            t.COL_RECEIVED,
            lambda d: t.short_datetime(d.received_at),
            lambda d: _iso(d.received_at),
        ),
        Column("due", t.COL_DUE, _due, lambda d: _iso(d.due_at)),
        Column("status", t.COL_STATUS, lambda d: texts.STATUS_LABELS[d.status]),
    )
