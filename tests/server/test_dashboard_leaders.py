"""The leaders' dashboard (issue 14 item 2): accounts and roles, the period, Biểu 06 per office
equal to the counter's own report over the same events, the workbook, the drill-down."""

from __future__ import annotations

import io
import random
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

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
