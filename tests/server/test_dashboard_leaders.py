"""The leaders' dashboard (issue 14 item 2): accounts and roles, the period, Biểu 06 per office
equal to the counter's own report over the same events, the workbook, the drill-down."""

from __future__ import annotations

import io
import os
import random
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import psycopg
import pytest
from openpyxl import load_workbook

from counter_app.domain.clock import FixedClock
from counter_app.domain.models import VN_TZ, Channel
from counter_app.services.exports import report_xlsx
from counter_app.services.reports import report
from counter_app.services.station import StationContext
from counter_app.sync.engine import run_sync
from counter_app.texts import reports as counter_texts
from province_server import texts
from province_server.pages import accounts
from province_server.pages.export import FIRST_DATA_ROW
from province_server.pages.leaders import (
    PeriodError,
    Span,
    mask_person,
    province_figures,
    silence,
)
from province_server.testing import ServerProcess
from sync_protocol.statistics import CLOSED_KINDS, COLUMNS, ReportDays, tally
from tests.server.chromium import CHROMIUM, Chromium
from tests.server.conftest import EnrolledStation, client_for, new_agency, new_station_number
from tests.server.helpers import receive, record_event

pytestmark = pytest.mark.server

PASSWORD = "mat-khau-lanh-dao-2026"


def _sync(ctx: StationContext) -> None:
    with httpx.Client() as http:
        assert run_sync(ctx, client_for(ctx, http)).ok


Account = Callable[[str], str]


@pytest.fixture
def account(province_db: str) -> Iterator[Account]:
    """Make an account of a role (unique name); all removed afterwards, so the server's
    "no account, no token" state stays testable by others."""
    made: list[str] = []

    def make(role: str) -> str:
        name = f"ld-{role}-{uuid.uuid4().hex[:8]}"
        with psycopg.connect(province_db, autocommit=True) as conn:
            accounts.add_account(
                conn,
                username=name,
                role=role,
                password_hash=accounts.hash_password(PASSWORD),
                full_name=f"Nguyễn Văn {role.title()}",
            )
        made.append(name)
        return name

    yield make
    with psycopg.connect(province_db, autocommit=True) as conn:
        conn.execute("DELETE FROM leader_accounts WHERE username = ANY(%s)", (made,))


def _signed_in(server: ServerProcess, username: str) -> httpx.Client:
    browser = httpx.Client(base_url=server.url)
    answer = browser.post("/dashboard/login", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 303, answer.text
    return browser


def _form_token(html: str) -> str:
    found = re.search(r'name="form" value="([^"]+)"', html)
    assert found is not None
    return found[1]


# --- pure parts -----------------------------------------------------------------------------


def test_the_period_is_a_month_or_two_days_and_bad_input_names_its_field() -> None:
    now = datetime(2026, 2, 28, 20, 0, tzinfo=UTC)  # already 1 March in Vietnam
    assert Span.parse(None, None, None, now) == Span(
        date(2026, 3, 1), date(2026, 3, 31), date(2026, 3, 1)
    )
    assert Span.parse("2024-02", None, None).end == date(2024, 2, 29)
    assert Span.parse("2026-12", "", "").end == date(2026, 12, 31)
    span = Span.parse("2026-01", "2026-02-03", "15/02/2026")  # the days win over the month
    assert (span.start, span.end, span.month) == (date(2026, 2, 3), date(2026, 2, 15), None)
    assert span.query() == "from=2026-02-03&to=2026-02-15"
    for month, start, end, field in (
        ("2026-13", None, None, "Tháng"),
        ("02/2026", None, None, "Tháng"),
        (None, "2026-02-30", "2026-03-01", "Từ ngày"),
        (None, "2026-02-01", "hôm nay", "Đến ngày"),
        (None, "2026-02-01", None, "Đến ngày"),
        (None, None, "2026-02-01", "Từ ngày"),
        (None, "2026-03-01", "2026-02-01", "Đến ngày"),
        (None, "2025-01-01", "2026-12-31", "Đến ngày"),
    ):
        with pytest.raises(PeriodError) as error:
            Span.parse(month, start, end)
        assert str(error.value).startswith(field) or field in str(error.value), error.value


def test_names_are_masked_letter_by_letter_and_silent_stations_are_flagged() -> None:
    assert mask_person("Nguyễn Văn An") == "Nguyễn V** A*"
    assert mask_person("  Lê   Thị  Hồng ") == "Lê T** H***"
    assert mask_person("Mai") == "M**" and mask_person("") == ""
    now = datetime(2026, 2, 13, 12, 0, tzinfo=UTC)
    assert silence(now - timedelta(hours=23), True, False, now) == ""
    assert silence(now - timedelta(hours=25), True, False, now) == "amber"
    assert silence(now - timedelta(days=3, minutes=1), True, False, now) == "red"
    assert silence(None, True, False, now) == "red"
    assert silence(None, False, False, now) == "" and silence(None, True, True, now) == ""


# --- the SQL against the shared rules ---------------------------------------------------------


def test_the_sql_counts_what_the_shared_rules_count(pg: psycopg.Connection) -> None:
    """Random projected dossiers of a fresh office: the dashboard's SQL equals
    ``sync_protocol.statistics.tally`` (the counters' classification) for several periods."""
    rng = random.Random(14)
    agency = new_agency()
    pg.execute("INSERT INTO agencies (id, unit_name) VALUES (%s, 'UBND xã Thử')", (agency,))
    station = str(uuid.uuid4())
    items: list[ReportDays] = []
    rows = []
    base = date(2026, 1, 1)
    for _ in range(600):
        received = base + timedelta(days=rng.randrange(0, 120))
        status = rng.choice(
            ["received", "resolved", "returned", "withdrawn", "stopped"] * 3 + ["guided"]
        )
        finished = None if status == "received" else received + timedelta(days=rng.randrange(0, 25))
        if status == "guided":
            finished = received
        due = rng.choice([None, received + timedelta(days=rng.randrange(0, 20))])
        closed = {
            "withdrawn": "withdrawn",
            "stopped": rng.choice(["stopped", "supplement_expired"]),
        }
        item = ReportDays(
            received=None if status == "guided" else received,
            finished=finished,
            stats_due=due,
            online=rng.random() < 0.3,
            withdrawn=status in ("withdrawn", "stopped"),
            closed_as=closed.get(status, ""),
        )
        items.append(item)
        rows.append((str(uuid.uuid4()), status, item))
    with pg.transaction():
        for dossier, status, item in rows:
            pg.execute(
                "INSERT INTO dossiers (uuid, agency_id, owner_agency, station_id) "
                "VALUES (%s, %s, %s, %s)",
                (dossier, agency, agency, station),
            )
            pg.execute(
                "INSERT INTO dossier_states (dossier_uuid, owner_agency, status, received_day, "
                "finished_day, stats_due_day, channel, closed_as) VALUES (%s,%s,%s,%s,%s,%s,%s,%s)",
                (
                    dossier,
                    agency,
                    status,
                    item.received,
                    item.finished,
                    item.stats_due,
                    2 if item.online else 1,
                    item.closed_as,
                ),
            )
    for start, end in (
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 1, 1), date(2026, 12, 31)),
        (date(2026, 3, 15), date(2026, 3, 15)),
        (date(2026, 4, 20), date(2026, 5, 31)),
    ):
        [office] = [
            o for o in province_figures(pg, Span(start, end)).offices if o.agency_id == agency
        ]
        expected = tally(items, start=start, end=end)
        shown = dict(zip(COLUMNS, office.counts.columns(), strict=True))
        shown.update({k: getattr(office.counts, k) for k in CLOSED_KINDS})
        assert shown == expected, (start, end)
        assert expected["received_total"] > 0


# --- over the real push path, against the counter's own report -------------------------------


def _at(day: int, month: int = 2, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=VN_TZ)


def _office_row(sheet: object, agency: str) -> list[int]:
    for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True):  # type: ignore[attr-defined]
        if row[1] and f"({agency})" in str(row[1]):
            return list(row[2:13])
    raise AssertionError(f"no row of {agency}")


def test_the_workbook_equals_the_counters_report_over_the_same_events(
    enrolled_station: EnrolledStation,
    server: ServerProcess,
    clock: FixedClock,
    account: Account,
) -> None:
    ctx = enrolled_station("leaders-report")
    agency = ctx.office().agency_id

    def at(moment: datetime) -> None:
        clock.at = moment

    def due(moment: datetime) -> dict[str, object]:
        return {"due_override": moment, "due_override_reason": "hẹn theo thử nghiệm"}

    at(_at(20, 1))
    (carried,) = receive(ctx, **due(_at(3)))
    at(_at(25, 1))
    (gone,) = receive(ctx, **due(_at(28, 1)))
    at(_at(27, 1))
    record_event(ctx, gone.uuid, "result_received", {})  # finished before February
    at(_at(10))
    early, on_time, late, withdrawn, apologised = receive(ctx, 5, **due(_at(12)))
    (online,) = receive(ctx, channel=Channel.ONLINE, **due(_at(20)))
    receive(ctx, **due(_at(10, 3)))  # in progress, in time
    at(_at(11))
    record_event(ctx, early.uuid, "result_received", {})
    record_event(ctx, apologised.uuid, "apology_issued", {"new_due_at": _at(20).isoformat()})
    at(_at(12, hour=16))
    record_event(ctx, on_time.uuid, "result_received", {})
    at(_at(13))
    record_event(ctx, withdrawn.uuid, "withdrawn", {"reason": "người nộp xin rút"})
    at(_at(16))
    record_event(ctx, late.uuid, "result_received", {})
    record_event(ctx, early.uuid, "rating_recorded", {"rating": "hai_long"})
    record_event(ctx, late.uuid, "rating_recorded", {"rating": "khong_hai_long"})
    at(_at(18))
    record_event(ctx, apologised.uuid, "result_received", {})  # late: judged on the 12th
    at(_at(5, 3))
    record_event(ctx, carried.uuid, "result_received", {})  # after the period: in progress
    _sync(ctx)

    start, end = date(2026, 2, 1), date(2026, 2, 28)
    counter = report(ctx, start=start, end=end)
    counter_book = load_workbook(io.BytesIO(report_xlsx(ctx, counter)))
    [counter_total] = [
        list(r[2:13])
        for r in counter_book.active.iter_rows(values_only=True)
        if r[0] == counter_texts.ROW_TOTAL
    ]
    assert counter_total == list(counter.totals.__getattribute__(c) for c in COLUMNS)
    # The expected figures, by hand: 7 received in February + 1 carried over; resolved early
    # 1, on time 2 (one withdrawn), late 2 (one after an apology); in progress: the carried
    # one (due 3/2) and the online one (due 20/2) overdue, one in time.
    assert counter_total == [8, 1, 6, 1, 5, 1, 2, 2, 3, 1, 2]

    admin = _signed_in(server, account("admin"))
    book = admin.get("/dashboard/export.xlsx", params={"from": "2026-02-01", "to": "2026-02-28"})
    assert book.status_code == 200, book.text
    assert book.headers["content-type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(book.content))
    assert workbook.sheetnames == [texts.LEADERS_SHEET_06, texts.LEADERS_SHEET_19]
    biểu = workbook[texts.LEADERS_SHEET_06]
    assert biểu["A5"].value == "Từ ngày 01/02/2026 đến ngày 28/02/2026"
    assert _office_row(biểu, agency) == counter_total
    # The Art. 19 sheet: online share 1/7, on-time rate 3/5, satisfaction 1/2.
    [indicators] = [
        row
        for row in workbook[texts.LEADERS_SHEET_19].iter_rows(min_row=5, values_only=True)
        if row[1] and f"({agency})" in str(row[1])
    ]
    assert indicators[2:5] == (7, 1, 14.3)
    assert indicators[5] == 5 and indicators[7] == 60.0
    assert indicators[12:15] == (2, 1, 50.0)
    # The month chosen on the page gives the same figures, and the page shows them.
    page = admin.get("/dashboard", params={"month": "2026-02"})
    assert page.status_code == 200
    [row] = [r for r in re.findall(r"<tr>.*?</tr>", page.text) if f"<small>{agency}</small>" in r]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[:6] == ["8", "1", "2", "2", "1", "2"]
    assert cells[6] == "60 %" and cells[8] == "50 %"
    assert "<svg" in page.text and "<script" not in page.text

    # The drill-down: the late ones of February, masked; the overdue open ones now.
    drill = admin.get("/dashboard/office", params={"agency": agency, "month": "2026-02"})
    assert drill.status_code == 200
    late_part = drill.text.split('id="late"', 1)[1]
    assert late.code in late_part and apologised.code in late_part
    assert early.code not in late_part
    overdue_part = drill.text.split('id="overdue"', 1)[1].split('id="soon"')[0]
    assert online.code in overdue_part and late.code not in overdue_part
    name = late.applicant.name
    assert name not in drill.text and mask_person(name) in drill.text
    assert late.applicant.id_number not in drill.text
    assert admin.get("/dashboard/office", params={"agency": "000.00.99.X99"}).status_code == 404


def test_roles_form_tokens_and_signing_out(
    enrolled_station: EnrolledStation, server: ServerProcess, account: Account
) -> None:
    ctx = enrolled_station("leaders-roles")
    receive(ctx)
    _sync(ctx)
    agency = ctx.office().agency_id
    wrong = httpx.post(
        f"{server.url}/dashboard/login", data={"username": account("viewer"), "password": "sai"}
    )
    assert wrong.status_code == 401 and texts.LEADERS_LOGIN_WRONG in wrong.text

    viewer = _signed_in(server, account("viewer"))
    cookie = viewer.cookies.get(accounts.SESSION_COOKIE)
    assert cookie and len(cookie) >= 40
    page = viewer.get("/dashboard")
    assert page.status_code == 200 and texts.LEADERS_ROLE["viewer"] in page.text
    assert 'action="/dashboard/revoke"' not in page.text
    assert 'action="/dashboard/issue-code"' not in page.text
    form = _form_token(page.text)  # the sign-out form's
    refused = viewer.post(
        "/dashboard/issue-code", data={"agency": agency, "station": "901", "form": form}
    )
    assert refused.status_code == 403 and texts.LEADERS_ADMIN_ONLY in refused.text
    bad = viewer.get("/dashboard", params={"from": "2026-02-30", "to": "2026-03-01"})
    assert bad.status_code == 422 and "Từ ngày không hợp lệ" in bad.text

    admin = _signed_in(server, account("admin"))
    page = admin.get("/dashboard")
    assert 'action="/dashboard/issue-code"' in page.text
    form = _form_token(page.text)
    assert form != _form_token(viewer.get("/dashboard").text)  # one per session
    assert admin.post("/dashboard/issue-code", data={"agency": agency, "station": "901",
                                                     "form": "x"}).status_code == 400  # fmt: skip
    missing = admin.post(
        "/dashboard/issue-code", data={"agency": agency, "station": "0", "form": form}
    )
    assert missing.status_code == 422 and missing.text.count("Số quầy") >= 1
    number = new_station_number()
    issued = admin.post(
        "/dashboard/issue-code",
        data={"agency": agency, "station": str(number), "unit_name": "", "form": form},
    )
    assert issued.status_code == 200, issued.text
    code = re.search(r'<strong id="code">([A-Z0-9-]+)</strong>', issued.text)
    assert code is not None and len(code[1]) >= 14
    after = admin.get("/dashboard").text
    assert f'<td class="n">{number:03d}</td>' in after  # the new station, not enrolled yet

    # Signing out ends the session on the server: the same cookie no longer opens the page.
    kept = admin.cookies.get(accounts.SESSION_COOKIE)
    assert kept and admin.post("/dashboard/logout", data={"form": form}).status_code == 303
    stale = httpx.get(f"{server.url}/dashboard", cookies={accounts.SESSION_COOKIE: kept})
    assert stale.status_code == 401
    viewer.close()
    admin.close()


# --- in headless Chromium ---------------------------------------------------------------------

OTHER_OFFICES = (
    ("UBND phường Ba Đình", 0.97),
    ("UBND xã Tân Lập", 0.88),
    ("UBND phường Hồng Hà", 0.74),
    ("Trung tâm Phục vụ hành chính công tỉnh", 0.93),
)


def _seed_offices(pg: psycopg.Connection) -> list[str]:
    """A few more offices of the province with February 2026 figures written straight into
    the projection (the browser test's screenshots look like a province), one silent station
    each (2 and 5 days)."""
    rng = random.Random(2026)
    made = []
    for index, (unit, rate) in enumerate(OTHER_OFFICES):
        agency = new_agency()
        made.append(agency)
        pg.execute("INSERT INTO agencies (id, unit_name) VALUES (%s, %s)", (agency, unit))
        silent = datetime.now(UTC) - timedelta(days=2 if index % 2 else 5)
        station = str(uuid.uuid4())
        pg.execute(
            "INSERT INTO stations (id, agency_id, prefix, enrolled_at, last_sync_at) "
            "VALUES (%s, %s, %s, now() - interval '30 days', %s)",
            (station, agency, f"{new_station_number():03d}", silent),
        )
        with pg.transaction():
            for _ in range(rng.randrange(40, 90)):
                dossier = str(uuid.uuid4())
                received = date(2026, 2, 1) + timedelta(days=rng.randrange(0, 24))
                due = received + timedelta(days=rng.randrange(1, 8))
                done = rng.random() < 0.8
                finished = due - timedelta(days=rng.randrange(0, 3)) if done else None
                if done and rng.random() > rate:
                    finished = due + timedelta(days=rng.randrange(1, 4))
                pg.execute(
                    "INSERT INTO dossiers (uuid, agency_id, owner_agency, station_id) "
                    "VALUES (%s, %s, %s, %s)",
                    (dossier, agency, agency, station),
                )
                pg.execute(
                    "INSERT INTO dossier_states (dossier_uuid, owner_agency, status, "
                    "received_day, finished_day, stats_due_day, channel, rating) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    (
                        dossier,
                        agency,
                        "resolved" if done else "received",
                        received,
                        finished,
                        due,
                        2 if rng.random() < 0.25 else 1,
                        rng.choice([None, None, "hai_long", "rat_hai_long", "khong_hai_long"]),
                    ),
                )
    return made


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
def test_a_leader_signs_in_chooses_a_month_opens_the_late_list_and_downloads_the_workbook(
    enrolled_station: EnrolledStation,
    server: ServerProcess,
    clock: FixedClock,
    account: Account,
    pg: psycopg.Connection,
    tmp_path: Path,
) -> None:
    """Screenshots go to $DASHBOARD_SCREENSHOTS (scripts/dashboard-screenshots: docs/)."""
    shots = Path(os.environ.get("DASHBOARD_SCREENSHOTS") or tmp_path)
    ctx = enrolled_station("leaders-chromium")
    agency = ctx.office().agency_id
    clock.at = _at(9)
    early, late, waiting = receive(ctx, 3, due_override=_at(12), due_override_reason="thử")
    clock.at = _at(11)
    record_event(ctx, early.uuid, "result_received", {})
    clock.at = _at(17)
    record_event(ctx, late.uuid, "result_received", {})
    _sync(ctx)
    others = _seed_offices(pg)
    name = account("admin")

    with Chromium(1280, 900) as browser:
        browser.open(f"{server.url}/dashboard")
        assert texts.LEADERS_LOGIN_INTRO in browser.text()
        browser.screenshot(shots / "dashboard-login.png")
        browser.type_into("#username", name)
        browser.type_into("#password", PASSWORD)
        browser.press_enter()
        assert texts.LEADERS_TITLE in browser.text()
        assert PASSWORD not in str(browser.evaluate("location.href"))
        # The month picker: February 2026.
        browser.evaluate("document.querySelector('#month').value = '2026-02'")
        browser.click("#month ~ *, form.row:first-of-type button")
        shown = browser.text()
        assert "Từ ngày 01/02/2026 đến ngày 28/02/2026" in shown
        assert "month=2026-02" in str(browser.evaluate("location.href"))
        row = browser.evaluate(
            "[...document.querySelectorAll('table.figures tbody tr')]"
            f".find(r => r.innerText.includes('{agency}')).innerText"
        )
        # received 3, early 1, on time 0, late 1, in time 0, overdue 1 (due 12/2 < 28/2).
        assert str(row).split("\t")[1:7] == ["3", "1", "0", "1", "0", "1"], row
        assert "Quá 3 ngày chưa đồng bộ" in shown and "Quá 1 ngày chưa đồng bộ" in shown
        assert browser.evaluate("document.querySelectorAll('svg.chart').length") == 2
        browser.screenshot(shots / "dashboard-desktop.png")

        # The office's late list: the late dossier, its applicant masked.
        browser.click(f"a[href*='agency={agency}']")
        shown = browser.text()
        assert texts.LEADERS_DRILL_TITLE in shown and late.code in shown
        assert mask_person(late.applicant.name) in shown
        assert late.applicant.name not in shown and late.applicant.id_number not in shown
        assert waiting.code in shown  # open and overdue now
        browser.screenshot(shots / "dashboard-office.png")
        browser.click("a[href^='/dashboard?']")

        # The workbook, downloaded by the browser, against the counter's own report.
        saved = browser.download("a.button", tmp_path / "downloads")
        assert saved.name == "bieu06-2026-02-01-2026-02-28.xlsx"
        sheet = load_workbook(saved)[texts.LEADERS_SHEET_06]
        counter = report(ctx, start=date(2026, 2, 1), end=date(2026, 2, 28))
        assert _office_row(sheet, agency) == [getattr(counter.totals, c) for c in COLUMNS]
        for other in others:
            _office_row(sheet, other)  # every office has its row

        # On a phone: nothing wider than the screen (the tables scroll in their box).
        browser.resize(390, 844)
        browser.open(f"{server.url}/dashboard?month=2026-02")
        assert browser.page_width() <= 390
        browser.screenshot(shots / "dashboard-mobile.png")
        browser.screenshot(shots / "dashboard-mobile-top.png", full_page=False)
