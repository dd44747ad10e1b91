"""The dashboard's digitisation rate of paper dossiers, from events pushed over real HTTP."""

from __future__ import annotations

import re
from datetime import datetime

import httpx
import psycopg
import pytest

from counter_app.domain.models import Channel, DocumentItem
from counter_app.services.station import StationContext
from counter_app.sync.engine import run_sync
from province_server import texts
from province_server.pages.dashboard import Period, rate_text
from province_server.testing import ServerProcess
from tests.server.conftest import ADMIN_TOKEN, EnrolledStation, client_for
from tests.server.helpers import receive, record_event

pytestmark = pytest.mark.server

# Two components handed over, one not (it is not required to be digitised).
DOCUMENTS = (
    DocumentItem("Tờ khai", received=True),
    DocumentItem("Giấy tờ tùy thân", received=True),
    DocumentItem("Giấy ủy quyền", received=False),
)


def _sync(ctx: StationContext) -> None:
    with httpx.Client() as http:
        assert run_sync(ctx, client_for(ctx, http)).ok


def _scan(ctx: StationContext, dossier_uuid: str, component: int, sha: str) -> None:
    record_event(
        ctx,
        dossier_uuid,
        "component_digitised",
        {
            "component": component,
            "name": DOCUMENTS[component].name,
            "sha256": sha * 64,
            "pages": 2,
            "size": 1234,
            "filename": f"tp{component}.pdf",
        },
    )


def _office_rows(server: ServerProcess, month: str, agency: str) -> dict[str, list[str]]:
    """The office's rows of the digitisation table, by their station cell (``Cả đơn vị``
    for the office's total): month paper, digitised, rate, then the same for the year."""
    page = httpx.get(
        f"{server.url}/dashboard",
        params={"month": month},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert page.status_code == 200, page.text
    assert "Số hóa hồ sơ giấy" in page.text
    section = page.text.split("Số hóa hồ sơ giấy", 1)[1]
    found = {}
    for row in re.findall(r"<tr>.*?</tr>", section):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        if cells and cells[0] == agency:
            found[cells[2]] = cells[3:]
    if found:
        assert "Tỷ lệ số hóa" in section
    return found


def test_the_dashboard_shows_the_share_of_digitised_paper_dossiers(
    enrolled_station: EnrolledStation, server: ServerProcess, pg: psycopg.Connection
) -> None:
    ctx = enrolled_station("digitisation")
    agency = ctx.office().agency_id
    prefix = ctx.office().station_prefix
    # The clock of the tests is 13/02/2026.
    full, half = receive(ctx, 2, documents=DOCUMENTS)
    (online,) = receive(ctx, channel=Channel.ONLINE, documents=DOCUMENTS)
    _scan(ctx, full.uuid, 0, "a")
    _scan(ctx, full.uuid, 1, "b")
    _scan(ctx, half.uuid, 0, "c")
    _scan(ctx, online.uuid, 0, "d")
    _scan(ctx, online.uuid, 1, "e")
    _sync(ctx)

    shown = _office_rows(server, "2026-02", agency)
    expected = ["2", "1", "50 %", "2", "1", "50 %"]
    assert shown == {"Cả đơn vị": expected, prefix: expected}, shown

    # A re-scan of a component of each dossier, and a scan of a component not required:
    # nothing counts twice, the half-digitised one stays half.
    _scan(ctx, full.uuid, 0, "f")
    _scan(ctx, half.uuid, 0, "0")
    _scan(ctx, half.uuid, 2, "1")
    _sync(ctx)
    assert _office_rows(server, "2026-02", agency)["Cả đơn vị"] == expected
    (count,) = pg.execute(
        "SELECT count(*) FROM dossier_digitisation WHERE owner_agency = %s", (agency,)
    ).fetchone() or (0,)
    assert count == 3  # one row per received dossier (the online one is not paper)

    # The next month: none received in it, the year so far still counts February.
    assert _office_rows(server, "2026-03", agency)["Cả đơn vị"] == [
        *["0", "0", "–"],
        *["2", "1", "50 %"],
    ]
    # January: nothing yet that year for this office.
    assert _office_rows(server, "2026-01", agency) == {}

    # The missing component scanned: 2 of 2.
    _scan(ctx, half.uuid, 1, "2")
    _sync(ctx)
    assert _office_rows(server, "2026-02", agency)["Cả đơn vị"] == [
        *["2", "2", "100 %"],
        *["2", "2", "100 %"],
    ]


def test_a_correction_of_the_checklist_changes_what_is_required(
    enrolled_station: EnrolledStation, server: ServerProcess
) -> None:
    ctx = enrolled_station("correction")
    agency = ctx.office().agency_id
    (dossier,) = receive(ctx, documents=DOCUMENTS)
    _scan(ctx, dossier.uuid, 0, "a")
    _sync(ctx)
    assert _office_rows(server, "2026-02", agency)["Cả đơn vị"][:3] == ["1", "0", "0 %"]
    # The second component was not handed over after all: the dossier is digitised now.
    changed = [DOCUMENTS[0].to_json(), {**DOCUMENTS[1].to_json(), "received": False}]
    record_event(ctx, dossier.uuid, "corrected", {"changes": {"documents": changed}})
    _sync(ctx)
    assert _office_rows(server, "2026-02", agency)["Cả đơn vị"][:3] == ["1", "1", "100 %"]


def test_a_bad_month_is_refused(server: ServerProcess) -> None:
    for bad in ("2026-13", "02/2026", "x"):
        answer = httpx.get(
            f"{server.url}/dashboard",
            params={"month": bad},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        )
        assert answer.status_code == 422 and "YYYY-MM" in answer.text
    assert httpx.get(f"{server.url}/dashboard", params={"month": "2026-02"}).status_code == 401


def test_periods_and_rates() -> None:
    period = Period.parse("2026-12")
    assert period is not None
    bounds = period.bounds()
    assert [b.isoformat() for b in (bounds["year"], bounds["month"], bounds["end"])] == [
        "2026-01-01T00:00:00+07:00",
        "2026-12-01T00:00:00+07:00",
        "2027-01-01T00:00:00+07:00",
    ]
    # 31/01 18:00 UTC is already 1 February in Vietnam.
    assert Period.current(datetime.fromisoformat("2026-01-31T18:00:00+00:00")).month.month == 2
    assert Period.parse("1999-01") is None and Period.parse("2026-1") is None
    assert texts.dashboard_no_paper(1, 2026).endswith("từ đầu năm 2026 đến hết tháng 01/2026.")
    assert rate_text(1, 2) == "50 %" and rate_text(1, 3) == "33,3 %" and rate_text(0, 0) == "–"
