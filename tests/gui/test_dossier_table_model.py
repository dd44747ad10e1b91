"""The dossier table model, without a window."""

from __future__ import annotations

from PySide6.QtCore import Qt

from counter_app.domain.dossier import Status
from counter_app.services.intake import ReceptionRequest, receive_dossier, refuse_dossier
from counter_app.services.station import StationContext
from counter_app.texts import window as t
from counter_app.ui.models.columns import RecordRole, SortRole
from counter_app.ui.models.dossier_table_model import DossierTableModel
from tests.conftest import make_applicant


def test_columns_rows_and_roles(qapp, station: StationContext) -> None:  # type: ignore[no-untyped-def]
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())
    received, _ = receive_dossier(station, request, officer="canbo")
    refused, _ = refuse_dossier(station, request, reason="Không đủ điều kiện", officer="canbo")
    model = DossierTableModel()
    assert model.rowCount() == 0
    model.set_rows([received, refused])
    assert (model.rowCount(), model.columnCount()) == (2, 6)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == [
        t.COL_CODE,
        t.COL_APPLICANT,
        t.COL_PROCEDURE,
        t.COL_RECEIVED,
        t.COL_DUE,
        t.COL_STATUS,
    ]
    code = model.column_index("code")
    assert model.index(0, code).data() == received.code
    assert model.index(1, code).data() == t.NO_CODE
    assert model.index(1, code).data(SortRole) == ""
    assert model.index(0, model.column_index("due")).data() == "13/02/2026 17:00"
    assert model.index(0, model.column_index("due")).data(SortRole) == received.due_at.isoformat()
    assert model.index(1, model.column_index("status")).data() == "Từ chối tiếp nhận"
    assert model.index(1, 0).data(RecordRole).status is Status.REFUSED
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) is None
