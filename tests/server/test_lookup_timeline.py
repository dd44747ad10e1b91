"""The citizen lookup under Decree 224/2026 Art. 15: the receiving agency and officer, the
times of reception, processing and return, a timeline of steps; the same answer for a wrong
key and an unknown code; in a real headless Chromium, typed by hand, at a phone's width.

Real PostgreSQL, a real ``province-server serve`` child and a station that pushes through the
real sync path (tests/server/conftest.py); Chromium over its DevTools protocol
(tests/server/chromium.py).
"""

from __future__ import annotations

import re
import struct
from datetime import datetime
from pathlib import Path

import httpx
import psycopg
import pytest
from argon2 import PasswordHasher

from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import Dossier
from counter_app.domain.models import VN_TZ
from counter_app.printing.qr import lookup_url
from counter_app.services.station import StationContext
from counter_app.sync.engine import run_sync
from province_server.reference import service as reference
from province_server.testing import ServerProcess
from tests.server.chromium import CHROMIUM, Chromium
from tests.server.conftest import EnrolledStation, client_for, new_agency
from tests.server.helpers import receive, record_event
from tests.server.test_lookup_form import new_address

pytestmark = pytest.mark.server

OFFICER = "Trần Thị Bình"
BODY = "Công chức Tư pháp - Hộ tịch"
STEPS = [
    "Tiếp nhận hồ sơ",
    "Chuyển hồ sơ đến cơ quan giải quyết",
    "Yêu cầu bổ sung, hoàn thiện hồ sơ",
    "Nhận hồ sơ bổ sung",
    "Đã có kết quả giải quyết",
    "Đã trả kết quả",
]


def _sync(ctx: StationContext) -> None:
    with httpx.Client() as http:
        assert run_sync(ctx, client_for(ctx, http)).ok


def _officer_on_server(pg: psycopg.Connection, ctx: StationContext) -> None:
    """The province's account of the station's officer ``canbo`` (reference data)."""
    reference.add_officer(
        pg,
        agency_id=ctx.office().agency_id,
        username="canbo",
        full_name=OFFICER,
        role="officer",
        password_hash=PasswordHasher().hash("mat-khau-2026"),
    )


def _walk(ctx: StationContext, clock: FixedClock, dossier: Dossier) -> list[datetime]:
    """Hand over, ask for a supplement, receive it, get the result, return it: one step per
    hour, each pushed through the real sync path; the steps' times."""
    times = [dossier.received_at]
    steps: list[tuple[str, dict[str, object]]] = [
        ("handed_over", {"to": BODY}),
        ("supplement_requested", {"items": ["Bản sao giấy khai sinh"], "reason": "Thiếu"}),
        ("supplement_received", {"due_at": datetime(2026, 3, 2, 17, tzinfo=VN_TZ).isoformat()}),
        ("rating_recorded", {"rating": "satisfied"}),  # never shown: not a step
        ("result_received", {"outcome": "approved", "note": "ghi chú nội bộ"}),
        ("returned", {"receiver_name": "Nguyễn Văn Đức", "receiver_is_applicant": True}),
    ]
    for kind, payload in steps:
        clock.advance(hours=1)
        record_event(ctx, dossier.uuid, kind, payload)
        if kind != "rating_recorded":
            times.append(clock.now())
        _sync(ctx)
    return times


def _short(at: datetime) -> str:
    local = at.astimezone(VN_TZ)
    return f"{local:%H:%M}, {local:%d/%m/%Y}"


def _timeline(html: str) -> list[str]:
    (ol,) = re.findall(r'<ol class="timeline card">(.*?)</ol>', html)
    return re.findall(r"<li>(.*?)</li>", ol)


def test_the_timeline_shows_each_step_in_order_with_its_time(
    enrolled_station: EnrolledStation,
    server: ServerProcess,
    pg: psycopg.Connection,
    clock: FixedClock,
) -> None:
    ctx = enrolled_station("timeline")
    _officer_on_server(pg, ctx)
    (dossier,) = receive(ctx)
    assert dossier.code and dossier.lookup_key
    _sync(ctx)
    times = _walk(ctx, clock, dossier)
    page = httpx.get(
        lookup_url(base=f"{server.url}/tra-cuu", code=dossier.code, key=dossier.lookup_key),
        headers={"X-Forwarded-For": new_address()},
    )
    assert page.status_code == 200
    html = page.text
    assert "Đã trả kết quả" in html
    # Art. 15: agency, receiving officer (full name), reception, processing, return.
    assert "<dt>Cơ quan tiếp nhận</dt><dd>UBND xã Minh Hòa</dd>" in html
    assert f"<dt>Cán bộ tiếp nhận</dt><dd>{OFFICER}</dd>" in html
    assert f"<dt>Cơ quan giải quyết</dt><dd>{BODY}</dd>" in html
    for label, at in (
        ("Tiếp nhận lúc", times[0]),
        ("Có kết quả lúc", times[4]),
        ("Đã trả kết quả lúc", times[5]),
    ):
        local = at.astimezone(VN_TZ)
        assert f"<dt>{label}</dt><dd>{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}" in html
    # The new due date given when the supplement came in.
    assert "<dt>Hẹn trả kết quả</dt><dd>17 giờ 00 phút, ngày 02/03/2026</dd>" in html
    lines = _timeline(html)
    assert len(lines) == len(STEPS)
    for line, label, at in zip(lines, STEPS, times, strict=True):
        assert f"<strong>{label}</strong>" in line
        assert f">{_short(at)}</time>" in line
        assert f"Cán bộ thực hiện: {OFFICER}" in line
    assert f"Nơi nhận: {BODY}" in lines[1]
    assert "Hẹn trả kết quả: 17 giờ 00 phút, ngày 02/03/2026" in lines[3]
    # Nothing personal nor internal: no receiver's name, no notes, no supplement items.
    for hidden in ("Nguyễn Văn Đức", "ghi chú nội bộ", "Bản sao giấy khai sinh", "001090123456"):
        assert hidden not in html


def test_an_officer_the_province_does_not_know_is_named_by_username(
    enrolled_station: EnrolledStation, server: ServerProcess
) -> None:
    ctx = enrolled_station("local-officer", agency=new_agency())
    (dossier,) = receive(ctx)
    assert dossier.code and dossier.lookup_key
    _sync(ctx)
    html = httpx.get(
        lookup_url(base=f"{server.url}/tra-cuu", code=dossier.code, key=dossier.lookup_key),
        headers={"X-Forwarded-For": new_address()},
    ).text
    assert "<dt>Cán bộ tiếp nhận</dt><dd>canbo</dd>" in html
    (line,) = _timeline(html)
    assert "<strong>Tiếp nhận hồ sơ</strong>" in line and "Cán bộ thực hiện: canbo" in line


def test_a_wrong_key_and_an_unknown_code_get_the_same_bytes(
    enrolled_station: EnrolledStation, server: ServerProcess, pg: psycopg.Connection
) -> None:
    ctx = enrolled_station("same-bytes")
    (dossier,) = receive(ctx)
    assert dossier.code and dossier.lookup_key
    _sync(ctx)
    page = f"{server.url}/tra-cuu"
    headers = {"X-Forwarded-For": new_address()}
    wrong_get = httpx.get(lookup_url(base=page, code=dossier.code, key="SAIMA1"), headers=headers)
    wrong_post = httpx.post(page, data={"code": dossier.code, "key": "SAIMA1"}, headers=headers)
    # The same code, now unknown to the server (the dossier's code row moved away).
    pg.execute("UPDATE dossiers SET code = code || '-X' WHERE code = %s", (dossier.code,))
    try:
        unknown_get = httpx.get(
            lookup_url(base=page, code=dossier.code, key="SAIMA1"), headers=headers
        )
        unknown_post = httpx.post(
            page, data={"code": dossier.code, "key": "SAIMA1"}, headers=headers
        )
        right_key = httpx.post(
            page, data={"code": dossier.code, "key": dossier.lookup_key}, headers=headers
        )
    finally:
        moved = dossier.code + "-X"
        pg.execute("UPDATE dossiers SET code = %s WHERE code = %s", (dossier.code, moved))
    assert {r.status_code for r in (wrong_get, wrong_post, unknown_get, unknown_post)} == {404}
    assert wrong_get.content == unknown_get.content == wrong_post.content == unknown_post.content
    assert right_key.status_code == 404 and right_key.content == wrong_get.content
    same = ("content-type", "content-length", "cache-control", "content-security-policy")
    for name in same:
        assert wrong_get.headers[name] == unknown_get.headers[name]
    # Five wrong tries from one client in 15 minutes: the sixth is refused, whatever the code.
    other = "000.00.99.H56-260213-990001"
    sixth = httpx.post(page, data={"code": other, "key": "SAIMA1"}, headers=headers)
    assert sixth.status_code == 429 and "Retry-After" in sixth.headers
    # Two different codes: the same page apart from the code typed back into the form.
    fresh = {"X-Forwarded-For": new_address()}
    unknown_other = httpx.post(page, data={"code": other, "key": "SAIMA1"}, headers=fresh)
    assert unknown_other.status_code == 404
    assert unknown_other.text.replace(other, "X") == wrong_post.text.replace(dossier.code, "X")


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
def test_a_citizen_types_code_and_key_in_chromium_on_a_phone(
    enrolled_station: EnrolledStation,
    server: ServerProcess,
    pg: psycopg.Connection,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    ctx = enrolled_station("chromium")
    _officer_on_server(pg, ctx)
    (dossier,) = receive(ctx)
    assert dossier.code and dossier.lookup_key
    _sync(ctx)
    clock.advance(hours=1)
    record_event(ctx, dossier.uuid, "handed_over", {"to": BODY})
    _sync(ctx)
    with Chromium(360, 780) as browser:
        browser.open(f"{server.url}/tra-cuu")
        form = browser.text()
        assert "Tra cứu tình trạng hồ sơ" in form and "Mã hồ sơ" in form and "Mã tra cứu" in form
        assert browser.page_width() <= 360  # nothing wider than the phone
        browser.screenshot(tmp_path / "form.png")
        # Typed key by key as a citizen would: lower case, the form sends it by POST.
        browser.type_into("#code", dossier.code.lower())
        browser.type_into("#key", dossier.lookup_key.lower())
        assert browser.value("#code") == dossier.code.lower()
        browser.press_enter()
        assert browser.evaluate("location.search") == ""  # the key is in no address
        shown = browser.text()
        assert "Đang xử lý" in shown and dossier.code in shown
        assert f"Cán bộ tiếp nhận\n{OFFICER}" in shown
        assert "Cơ quan tiếp nhận\nUBND xã Minh Hòa" in shown
        assert "Quá trình xử lý hồ sơ" in shown
        received, handed = _short(dossier.received_at), _short(clock.now())
        assert shown.index(received) < shown.index("Tiếp nhận hồ sơ")
        assert shown.index("Tiếp nhận hồ sơ") < shown.index(handed)
        assert shown.index(handed) < shown.index("Chuyển hồ sơ đến cơ quan giải quyết")
        assert "Nguyễn Văn Đức" not in shown and "001090123456" not in shown
        assert browser.page_width() <= 360
        phone = browser.screenshot(tmp_path / "status-phone.png")
        browser.resize(1280, 800)
        desktop = browser.screenshot(tmp_path / "status-desktop.png")
        # A wrong key typed the same way: the neutral page.
        browser.open(f"{server.url}/tra-cuu")
        browser.type_into("#code", dossier.code)
        browser.type_into("#key", "SAIMA1")
        browser.press_enter()
        assert "Không tìm thấy hồ sơ hoặc mã tra cứu không đúng" in browser.text()
    assert _png_size(phone)[0] == 360 and _png_size(phone)[1] >= 780
    assert _png_size(desktop)[0] == 1280


def test_a_withdrawn_dossier_shows_when_it_ended_and_not_why(
    enrolled_station: EnrolledStation,
    server: ServerProcess,
    pg: psycopg.Connection,
    clock: FixedClock,
) -> None:
    ctx = enrolled_station("withdrawn")
    _officer_on_server(pg, ctx)
    (dossier,) = receive(ctx)
    assert dossier.code and dossier.lookup_key
    clock.advance(hours=3)
    record_event(ctx, dossier.uuid, "withdrawn", {"reason": "Ông Đức đi công tác xa"})
    _sync(ctx)
    html = httpx.get(
        lookup_url(base=f"{server.url}/tra-cuu", code=dossier.code, key=dossier.lookup_key),
        headers={"X-Forwarded-For": new_address()},
    ).text
    assert "Công dân yêu cầu rút hồ sơ" in html
    local = clock.now().astimezone(VN_TZ)
    assert f"<dt>Kết thúc lúc</dt><dd>{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}" in html
    assert "Có kết quả lúc" not in html and "Đã trả kết quả lúc" not in html
    lines = _timeline(html)
    assert [re.findall(r"<strong>(.*?)</strong>", line)[0] for line in lines] == [
        "Tiếp nhận hồ sơ",
        "Rút hồ sơ theo yêu cầu của người nộp",
    ]
    assert f">{_short(clock.now())}</time>" in lines[1]
    assert "đi công tác" not in html


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
def test_the_dashboard_signs_in_by_typing_a_password_in_chromium(
    enrolled_station: EnrolledStation, server: ServerProcess, pg: psycopg.Connection
) -> None:
    from province_server.pages import accounts

    ctx = enrolled_station("dash-chromium")
    receive(ctx)
    _sync(ctx)
    name = f"tl-{ctx.office().station_prefix}"
    accounts.add_account(
        pg, username=name, role="viewer", password_hash=accounts.hash_password("mat-khau-dai-1")
    )
    try:
        with Chromium(1280, 800) as browser:
            browser.open(f"{server.url}/dashboard")
            assert "Đăng nhập bằng tài khoản" in browser.text()
            browser.type_into("#username", name)
            browser.type_into("#password", "mat-khau-dai-1")
            browser.press_enter()
            shown = browser.text()
            assert "Bảng điều hành" in shown
            assert ctx.office().agency_id in shown and "UBND xã Minh Hòa" in shown
            assert "mat-khau" not in str(browser.evaluate("location.href"))
    finally:
        pg.execute("DELETE FROM leader_accounts WHERE username = %s", (name,))
