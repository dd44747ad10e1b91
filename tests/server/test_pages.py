"""The citizen status page (the slip's QR) and the province dashboard, over real HTTP."""

from __future__ import annotations

import re
from datetime import datetime

import httpx
import pytest

from counter_app.domain.models import VN_TZ
from counter_app.printing.qr import lookup_url
from counter_app.services.station import StationContext
from counter_app.sync.engine import run_sync
from province_server.config import Settings, lookup_path
from province_server.main import create_app
from province_server.pages.lookup import mask_name
from province_server.testing import ServerProcess
from tests.server.conftest import ADMIN_TOKEN, EnrolledStation, client_for
from tests.server.helpers import receive, record_event

pytestmark = pytest.mark.server

NOT_FOUND = "Không tìm thấy hồ sơ hoặc mã tra cứu không đúng"


def _sync(ctx: StationContext) -> None:
    with httpx.Client() as http:
        assert run_sync(ctx, client_for(ctx, http)).ok


def _look(server: ServerProcess, code: str, key: str) -> httpx.Response:
    return httpx.get(lookup_url(base=f"{server.url}/tra-cuu", code=code, key=key))


def test_the_slip_qr_shows_the_status_only_with_the_right_key(
    enrolled_station: EnrolledStation, server: ServerProcess
) -> None:
    ctx = enrolled_station("lookup")
    (dossier,) = receive(ctx)
    assert dossier.code and dossier.lookup_key
    _sync(ctx)
    page = _look(server, dossier.code, dossier.lookup_key)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<script" not in html
    assert "Được tiếp nhận" in html and dossier.procedure_name in html
    assert dossier.code in html and "Nguyễn V. Đ." in html
    assert dossier.due_at is not None
    due = dossier.due_at.astimezone(VN_TZ)
    assert f"ngày {due:%d/%m/%Y}" in html
    for personal in ("001090123456", "Thôn Đông", "Nguyễn Văn Đức", "1990"):
        assert personal not in html  # no ID number, address, full name, birth date
    # Typed by a person: case and spaces around do not matter.
    assert _look(server, dossier.code.lower(), f" {dossier.lookup_key.lower()} ").status_code == 200
    unknown = "000.00.99.H56-260213-990001"
    refusals = [
        _look(server, dossier.code, "WRONG1"),
        _look(server, unknown, dossier.lookup_key),
    ]
    # never says whether it exists: the same page, apart from the code typed back in the form
    bodies = {r.text.replace(dossier.code, "X").replace(unknown, "X") for r in refusals}
    assert [r.status_code for r in refusals] == [404] * 2
    assert len(bodies) == 1 and NOT_FOUND in bodies.pop()
    # half a lookup asks for both; no lookup at all is the form (tests/server/test_lookup_form)
    assert _look(server, dossier.code, "").status_code == 400
    assert httpx.get(f"{server.url}/tra-cuu", params={"code": dossier.code}).status_code == 400
    assert httpx.get(f"{server.url}/tra-cuu").status_code == 200
    record_event(ctx, dossier.uuid, "handed_over", {"to": "phong tu phap"})
    record_event(ctx, dossier.uuid, "result_received", {})
    _sync(ctx)
    ready = _look(server, dossier.code, dossier.lookup_key).text
    assert "Đã xử lý xong" in ready and "mời ông/bà" in ready.lower()
    record_event(ctx, dossier.uuid, "returned", {"receiver": "Nguyễn Văn Đức"})
    _sync(ctx)
    returned = _look(server, dossier.code, dossier.lookup_key).text
    assert "Đã trả kết quả" in returned and "Nguyễn Văn Đức" not in returned


def test_a_dossier_without_a_code_cannot_be_looked_up(
    enrolled_station: EnrolledStation, server: ServerProcess
) -> None:
    ctx = enrolled_station("guided")
    from counter_app.services.intake import ReceptionRequest, guide_dossier
    from tests.conftest import make_applicant

    guided, _ = guide_dossier(
        ctx,
        ReceptionRequest(procedure_code="1.001193", applicant=make_applicant()),
        missing=("Tờ khai",),
        reason="Thiếu tờ khai",
        officer="canbo",
    )
    _sync(ctx)
    assert guided.code is None
    empty = httpx.get(f"{server.url}/tra-cuu", params={"code": "", "key": ""})
    assert empty.status_code == 200 and NOT_FOUND not in empty.text  # the empty form


def test_the_names_are_masked() -> None:
    assert mask_name("Nguyễn Văn Đức") == "Nguyễn V. Đ."
    assert mask_name("  Lê   Thị  Hồng Nhung ") == "Lê T. H. N."
    assert mask_name("Mai") == "M." and mask_name("") == ""


def test_the_lookup_path_is_configurable() -> None:
    app = create_app(Settings(database_url="postgresql://x@127.0.0.1/none", lookup_path="/tc"))
    paths = set(app.openapi()["paths"])
    assert "/tc" in paths and "/tra-cuu" not in paths
    assert lookup_path("tra-cuu-ho-so/") == "/tra-cuu-ho-so"
    for bad in ("/", "/api/v1/x", "/a?b=1"):
        with pytest.raises(ValueError):
            lookup_path(bad)
    env = Settings.from_env({"PROVINCE_LOOKUP_PATH": "/hs", "PROVINCE_ADMIN_TOKEN": " s3cr3t "})
    assert env.lookup_path == "/hs" and env.admin_token == "s3cr3t"
    assert "s3cr3t" not in repr(env)


def _health(html: str) -> str:
    """The dashboard without its digitisation table (whose rows also name stations)."""
    return html.split("<h2>Số hóa hồ sơ giấy</h2>", 1)[0]


def _station_rows(html: str, prefix: str) -> list[str]:
    """The rows of the stations' table whose station cell (the 3rd) is ``prefix``."""
    return [
        row
        for row in re.findall(r"<tr>.*?</tr>", _health(html))
        if re.findall(r"<td[^>]*>(.*?)</td>", row)[2:3] == [prefix]
    ]


def _row(html: str, *cells: str) -> bool:
    """True when one table row holds every cell text, in order."""
    pattern = ".*?".join(f"<td[^>]*>{re.escape(c)}</td>" for c in cells)
    return any(re.search(pattern, row) for row in re.findall(r"<tr>.*?</tr>", html))


def test_the_dashboard_shows_stations_and_overdue_dossiers(
    enrolled_station: EnrolledStation, server: ServerProcess
) -> None:
    ctx = enrolled_station("dash")
    agency = ctx.office().agency_id
    # The clock of the tests is 13/02/2026: computed due dates are in the past.
    late, paused, finished = receive(ctx, 3)
    (on_time,) = receive(
        ctx, due_override=datetime(2099, 1, 5, 17, 0, tzinfo=VN_TZ), due_override_reason="thử"
    )
    record_event(ctx, paused.uuid, "supplement_requested", {"missing": ["Tờ khai"]})
    record_event(ctx, finished.uuid, "result_received", {})
    _sync(ctx)
    url = f"{server.url}/dashboard"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, params={"token": "wrong"}).status_code == 401
    page = httpx.get(url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert page.status_code == 200 and "charset=utf-8" in page.headers["content-type"]
    html = page.text
    assert "Bảng điều hành" in html and "<script" not in html
    # Office, open dossiers (4 received, 1 finished), overdue (only the late one).
    assert _row(_health(html), agency, "UBND xã Minh Hòa", "3", "1"), html
    # The station: its number, a last sync time today, 6 events stored today.
    prefix = ctx.office().station_prefix
    today = datetime.now(VN_TZ).strftime("%d/%m/%Y")
    station_rows = _station_rows(html, prefix)
    assert len(station_rows) == 1 and agency in station_rows[0]
    assert f"ngày {today}" in station_rows[0] and ">6<" in station_rows[0]
    # Never from the address (issue 17): the sign-in form instead.
    assert httpx.get(url, params={"token": ADMIN_TOKEN}).status_code == 401
    assert late.uuid != on_time.uuid


def test_the_dashboard_is_off_without_an_admin_token(province_db: str) -> None:
    own = ServerProcess(province_db, env={"PROVINCE_ADMIN_TOKEN": ""})
    own.start()
    try:
        refused = httpx.get(f"{own.url}/dashboard")
        assert refused.status_code == 403 and "PROVINCE_ADMIN_TOKEN" in refused.text
    finally:
        own.stop()


def test_the_dashboard_shows_what_each_station_still_has_to_send(
    enrolled_station: EnrolledStation, server: ServerProcess
) -> None:
    from counter_app.sync.engine import push_outbox

    ctx = enrolled_station("waiting")
    receive(ctx, 6)
    url = f"{server.url}/dashboard"
    prefix = ctx.office().station_prefix

    def waiting_shown() -> str:
        page = httpx.get(url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        (row,) = _station_rows(page.text, prefix)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        return cells[5]  # agency, unit, station, last sync, events today, waiting, state

    # a push cut short after its first small batch: the server knows how many are left
    with httpx.Client() as http:
        transport = client_for(ctx, http)
        original = transport.push
        calls = []

        def push_once(request):  # type: ignore[no-untyped-def]
            if calls:
                raise RuntimeError("link lost")
            calls.append(request)
            return original(request)

        transport.push = push_once  # type: ignore[method-assign]
        with pytest.raises(RuntimeError):
            push_outbox(ctx, transport, batch_bytes=3_000)
    sent = len(calls[0].events)
    assert 0 < sent < 6 and waiting_shown() == str(6 - sent)
    _sync(ctx)
    assert waiting_shown() == "0"
