"""Issue 13 item 2 through the real province server (uvicorn on loopback, PostgreSQL): a
cross-boundary dossier received at 15:30 on a Friday is expected from Monday's transfer; the
competent authority's receipt, recorded at the office's other counter, reaches the receiving
counter through the server and fixes the due date there, on the server's projection and on
the citizen's lookup page."""

from __future__ import annotations

import html
from datetime import datetime

import httpx
import psycopg
import pytest

from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import project
from counter_app.domain.models import VN_TZ
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.printing.qr import lookup_url
from counter_app.services.actions import Action, record_action
from counter_app.storage.mapping import dossier_to_json
from counter_app.sync.engine import run_sync
from province_server.testing import ServerProcess
from tests.server.conftest import EnrolledStation, client_for
from tests.server.helpers import receive

pytestmark = pytest.mark.server


def vn(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 8, day, hour, minute, tzinfo=VN_TZ)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(vn(7, 15, 30))  # Friday 07/08/2026, after the 15:00 transfer cut-off


def _lookup(server: ServerProcess, code: str, key: str) -> str:
    return lookup_url(base=f"{server.url}/tra-cuu", code=code, key=key)


def test_the_authority_receipt_pulled_from_the_server_fixes_the_due_date(
    enrolled_station: EnrolledStation,
    clock: FixedClock,
    server: ServerProcess,
    pg: psycopg.Connection,
) -> None:
    a = enrolled_station("receiving")
    b = enrolled_station("other-counter")
    (dossier,) = receive(
        a,
        time=ProcessingTime(TimeUnit.WORKING_DAYS, 3),
        cross_boundary="other_agency",
        authority="Sở Tư pháp",
    )
    assert dossier.transfer_at == vn(10, 7)  # Monday's opening
    assert dossier.due_expected and dossier.due_at == vn(12, 17)  # 3 working days from it
    with httpx.Client() as http:
        assert run_sync(a, client_for(a, http)).pushed == 1
        page = httpx.get(_lookup(server, dossier.code or "", dossier.lookup_key))
        assert page.status_code == 200
        text = html.unescape(page.text)
        assert "dự kiến" in text and "Cơ quan có thẩm quyền tiếp nhận lúc" not in text
        assert run_sync(b, client_for(b, http)).pulled >= 1
        clock.at = vn(10, 10)
        seen = b.store.dossiers.by_uuid(dossier.uuid)
        assert seen is not None and seen.due_expected
        record_action(
            b,
            seen,
            Action.AUTHORITY_RECEIVED,
            officer="canbo",
            payload={"received_at": vn(10, 9, 30).isoformat(), "by": "Văn thư Sở Tư pháp"},
        )
        assert run_sync(b, client_for(b, http)).pushed == 1
        assert run_sync(a, client_for(a, http)).pulled == 1
        page = httpx.get(_lookup(server, dossier.code or "", dossier.lookup_key))
    on_a = a.store.dossiers.by_uuid(dossier.uuid)
    assert on_a is not None
    assert on_a.authority_received_at == vn(10, 9, 30)
    assert on_a.due_at == vn(13, 9, 30) and not on_a.due_expected  # counted from the receipt
    assert on_a.received_at == vn(7, 15, 30)  # the counter's reception is kept
    on_b = b.store.dossiers.by_uuid(dossier.uuid)
    assert on_b is not None and dossier_to_json(on_a) == dossier_to_json(on_b)
    assert project(a.store.dossiers.events_of(dossier.uuid)) == on_a
    row = pg.execute(
        "SELECT due_at FROM dossier_states WHERE dossier_uuid = %s", (dossier.uuid,)
    ).fetchone()
    assert row is not None and row[0] == vn(13, 9, 30)  # the server's projection too
    text = html.unescape(page.text)
    assert "Cơ quan có thẩm quyền tiếp nhận lúc" in text and "09 giờ 30" in text
    assert "13/08/2026" in text and "dự kiến" not in text
