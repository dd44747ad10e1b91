"""Events the province server refused, as the officer sees them (code, action, reason)."""

from __future__ import annotations

from counter_app import texts
from counter_app.domain.dossier import EventKind
from counter_app.sync.scheduler import RejectedItem
from counter_app.texts import sync_status as s
from counter_app.ui.models.columns import Column, ColumnTableModel


def _kind_label(kind: str) -> str:
    try:
        return texts.EVENT_LABELS[EventKind(kind)]
    except (ValueError, KeyError):
        return kind


class RejectedTableModel(ColumnTableModel[RejectedItem]):
    columns = (
        Column("code", s.REJECTED_COLUMNS[0], lambda r: r.dossier_code or s.NO_CODE),
        Column("event", s.REJECTED_COLUMNS[1], lambda r: _kind_label(r.event_kind)),
        Column("reason", s.REJECTED_COLUMNS[2], lambda r: s.reject_reason(r.reason)),
        Column(
            "at",
            s.REJECTED_COLUMNS[3],
            lambda r: f"{r.rejected_at:%d/%m/%Y %H:%M}",
            lambda r: r.rejected_at.isoformat(),
        ),
    )
