"""The lazily loaded dossier list model, without a window, on a few hundred dossiers."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import Status
from counter_app.domain.dossier_query import DossierListQuery, DossierListRow
from counter_app.domain.models import VN_TZ
from counter_app.services.intake import ReceptionRequest, guide_dossier, receive_dossier
from counter_app.services.station import StationContext
from counter_app.texts import followup as f
from counter_app.ui.models.columns import RecordRole
from counter_app.ui.models.dossier_list_model import COLOURS, Deadline, DossierListModel
from counter_app.ui.views.dossier_list_view import (
    QUICK_NEXT,
    QUICK_OVERDUE,
    QUICK_TODAY,
    quick_query,
    today_of,
)
from tests.conftest import make_applicant

FIVE_DAYS, ONE_DAY = "1.012537", "2.000908"
OLD, TODAY, NEXT, LATER = 150, 40, 25, 10


def receive(ctx: StationContext, procedure: str, officer: str = "canbo") -> None:
    request = ReceptionRequest(procedure_code=procedure, applicant=make_applicant())
    receive_dossier(ctx, request, officer=officer)


@pytest.fixture
def filled(station: StationContext, clock: FixedClock) -> StationContext:
    """OLD overdue dossiers (January), TODAY due today, NEXT due on the next working day,
    LATER due later, and one guided dossier (no code, no due date)."""
    now = clock.at
    clock.at = datetime(2026, 1, 5, 8, 0, tzinfo=VN_TZ)
    for _ in range(OLD):
        receive(station, FIVE_DAYS)
        clock.advance(seconds=30)
    clock.at = datetime(2026, 2, 12, 15, 0, tzinfo=VN_TZ)
    for _ in range(TODAY):
        receive(station, ONE_DAY, officer="lanhdao")
        clock.advance(seconds=30)
    clock.at = now.replace(hour=8)
    for _ in range(NEXT):
        receive(station, ONE_DAY)
        clock.advance(seconds=30)
    for _ in range(LATER):
        receive(station, "1.014061")
    request = ReceptionRequest(procedure_code=FIVE_DAYS, applicant=make_applicant())
    guide_dossier(station, request, missing=("Tờ khai",), reason="Thiếu", officer="canbo")
    clock.at = now
    return station


def make_model(ctx: StationContext, page: int = 100) -> DossierListModel:
    return DossierListModel(
        lambda q, a, n: ctx.store.dossiers.list_page(q, after=a, limit=n),
        lambda: today_of(ctx),
        page_size=page,
    )


def rows(model: DossierListModel) -> list[DossierListRow]:
    return [model.index(r, 0).data(RecordRole) for r in range(model.rowCount())]


def fetch_all(model: DossierListModel) -> None:
    while model.canFetchMore():
        model.fetchMore()


TOTAL = OLD + TODAY + NEXT + LATER + 1


def test_rows_are_fetched_page_by_page(qapp, filled: StationContext) -> None:  # type: ignore[no-untyped-def]
    model = make_model(filled)
    model.set_query(DossierListQuery())
    seen = [model.rowCount()]
    while model.canFetchMore():
        model.fetchMore()
        seen.append(model.rowCount())
    assert seen == [100, 200, TOTAL]
    assert not model.canFetchMore()
    loaded = rows(model)
    assert len({r.uuid for r in loaded}) == TOTAL
    keys = [(r.received_at, r.rowid) for r in loaded]
    assert keys == sorted(keys, reverse=True)


def test_sorting_requeries_and_puts_missing_due_dates_last(qapp, filled: StationContext) -> None:  # type: ignore[no-untyped-def]
    model = make_model(filled, page=60)
    model.set_query(DossierListQuery())
    model.sort(model.column_index("due"), Qt.SortOrder.AscendingOrder)
    assert model.rowCount() == 60
    fetch_all(model)
    loaded = rows(model)
    assert len(loaded) == TOTAL
    dues = [r.due_at for r in loaded if r.due_at is not None]
    assert dues == sorted(dues) and loaded[-1].due_at is None
    model.sort(model.column_index("code"), Qt.SortOrder.DescendingOrder)
    fetch_all(model)
    codes = [r.code for r in rows(model)]
    assert codes[:-1] == sorted(codes[:-1], reverse=True) and codes[-1] is None  # type: ignore[type-var]
    before = model.query
    model.sort(model.column_index("applicant"), Qt.SortOrder.AscendingOrder)
    assert model.query == before  # the store cannot order by it: nothing changes


def test_filters(qapp, filled: StationContext) -> None:  # type: ignore[no-untyped-def]
    model = make_model(filled, page=500)
    model.set_query(DossierListQuery(officer="lanhdao"))
    assert model.rowCount() == TODAY
    model.set_query(DossierListQuery(procedure_code=FIVE_DAYS))
    assert model.rowCount() == OLD + 1
    model.set_query(DossierListQuery(statuses=(Status.GUIDED,)))
    assert [r.code for r in rows(model)] == [None]
    january = DossierListQuery(
        received_from=datetime(2026, 1, 1, tzinfo=VN_TZ),
        received_until=datetime(2026, 2, 1, tzinfo=VN_TZ),
    )
    model.set_query(january)
    assert model.rowCount() == OLD
    assert filled.store.dossiers.procedures_in_use()[0][0] == "1.012537"
    assert {c for c, _n in filled.store.dossiers.procedures_in_use()} == {
        FIVE_DAYS,
        ONE_DAY,
        "1.014061",
    }


def test_quick_filters_and_marks(qapp, filled: StationContext) -> None:  # type: ignore[no-untyped-def]
    model = make_model(filled, page=500)
    today = today_of(filled)
    deadline = model.column_index("deadline")
    model.set_query(quick_query(DossierListQuery(), QUICK_OVERDUE, today))
    assert model.rowCount() == OLD
    first = model.index(0, deadline)
    assert first.data().startswith(f.DEADLINE_OVERDUE)
    assert "ngày" in first.data()
    assert first.data(Qt.ItemDataRole.BackgroundRole).color().name() == COLOURS[Deadline.OVERDUE][0]
    assert {model.line_at(r).deadline for r in range(model.rowCount())} == {Deadline.OVERDUE}
    model.set_query(quick_query(DossierListQuery(), QUICK_TODAY, today))
    assert model.rowCount() == TODAY
    assert model.index(0, deadline).data() == f.DEADLINE_TODAY
    model.set_query(quick_query(DossierListQuery(), QUICK_NEXT, today))
    assert model.rowCount() == NEXT
    assert model.index(0, deadline).data() == f.DEADLINE_NEXT
    assert model.index(0, deadline).data(Qt.ItemDataRole.BackgroundRole) is not None
    later = quick_query(DossierListQuery(), QUICK_OVERDUE, replace(today, now=today.now))
    model.set_query(replace(later, statuses=(Status.RESOLVED,)))
    assert model.rowCount() == 0
    model.set_query(DossierListQuery(procedure_code="1.014061"))
    line = model.line_at(0)
    assert line.deadline is Deadline.NONE and model.index(0, deadline).data() == ""
    assert model.index(0, deadline).data(Qt.ItemDataRole.BackgroundRole) is None
