"""The period report counted in SQL equals the domain's rules (the reference) on random data.

Random dossiers (seeded) are made from a real received event and taken through the real
projection (``apply_event``): hand-overs, supplement requests and resubmissions (the due date
restarts), apologies (statistics judge against the first due date), results, returns,
withdrawals, stops, never-received guided and refused ones; instants in Vietnam time, in UTC
and at +09:00, many of them close to midnight, so the Vietnam calendar date matters. Rows are
written by the real ``DossierRepository.insert_row``. For periods of a day, a month, a quarter,
across the new year and over everything, the SQL report (``services.reports.report``, by
field and by procedure) equals both the old path (``reference_report``) and
``period_statistics`` over the dossiers themselves.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from counter_app.domain.clock import FixedClock
from counter_app.domain.dossier import (
    Dossier,
    EventKind,
    Status,
    apply_event,
    dossier_from_snapshot,
)
from counter_app.domain.errors import DomainError
from counter_app.domain.models import VN_TZ, Channel, Event
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.domain.statistics import DossierFacts, ReportCancelled, period_statistics
from counter_app.services.reports import GroupBy, reference_report, report
from counter_app.services.station import StationContext
from counter_app.storage import projection, report_sql
from counter_app.storage.migrations import (
    m0021_report_days,
    m0035_report_keys,
    m0037_one_report_index,
)
from counter_app.storage.store import Store
from tests.conftest import make_applicant

ZONES = (VN_TZ, VN_TZ, UTC, timezone(timedelta(hours=9)))
FIELDS = ("Hộ tịch", "Chứng thực", "Đất đai", "", "Ấp Bắc")
PROCEDURES = tuple((f"9.{i:06d}", f"Thủ tục số {i}", FIELDS[i % len(FIELDS)]) for i in range(1, 12))
NEVER_RECEIVED = (Status.GUIDED, Status.REFUSED, Status.ONLINE_SUBMITTED)  # never counted
FIRST = datetime(2025, 10, 1, tzinfo=VN_TZ)
SPAN_DAYS = 190  # October 2025 .. early April 2026: crosses the new year


def _instant(rng: random.Random, base: datetime) -> datetime:
    """An instant after ``base``, often near a Vietnam midnight, in one of ZONES."""
    at = base + timedelta(days=rng.randrange(0, 20), minutes=rng.randrange(24 * 60))
    if rng.random() < 0.4:  # 23:xx or 00:xx in Vietnam
        at = at.replace(hour=rng.choice((23, 0)), minute=rng.randrange(60))
    return at.astimezone(rng.choice(ZONES))


def _event(template: Event, rng: random.Random, kind: EventKind, at: datetime, **p: Any) -> Event:
    return replace(template, uuid=f"e{rng.getrandbits(64):x}", kind=kind.value, at=at, payload=p)


def _dossier(template: Event, rng: random.Random, n: int) -> Dossier:
    code, name, field = rng.choice(PROCEDURES)
    received = (
        FIRST + timedelta(days=rng.randrange(SPAN_DAYS), hours=rng.randrange(24))
    ).astimezone(rng.choice(ZONES))
    due = None if rng.random() < 0.1 else _instant(rng, received)
    kind = rng.choices(
        (EventKind.RECEIVED, EventKind.GUIDED, EventKind.REFUSED), (0.9, 0.05, 0.05)
    )[0]
    payload = {
        **template.payload,
        "code": f"X-{n}",
        "procedure_code": code,
        "procedure_name": name,
        "procedure_field": field,
        "channel": int(rng.choice(list(Channel))),
        "due_at": due.isoformat() if due else None,
    }
    first = replace(
        template, uuid=f"r{n}", dossier_uuid=f"d{n}", kind=kind.value, at=received, payload=payload
    )
    dossier = _with_fees(dossier_from_snapshot(first), rng)
    if kind is not EventKind.RECEIVED:
        return dossier
    at = received
    for _ in range(rng.randrange(6)):
        at = _instant(rng, at)
        step = rng.choice(
            (
                (EventKind.HANDED_OVER, {"to": "x"}),
                (EventKind.SUPPLEMENT_REQUESTED, {"missing": ["a"]}),
                (EventKind.SUPPLEMENT_RECEIVED, {"due_at": _instant(rng, at).isoformat()}),
                (EventKind.APOLOGY_ISSUED, {"new_due_at": _instant(rng, at).isoformat()}),
                (EventKind.RESULT_RECEIVED, {"outcome": rng.choice(("approved", "refused"))}),
                (EventKind.RETURNED, {}),
                (EventKind.WITHDRAWN, {"reason": "x"}),
                (EventKind.STOPPED, {"reason": "x"}),
                (EventKind.SUPPLEMENT_EXPIRED, {}),
            )
        )
        try:
            dossier = apply_event(dossier, _event(template, rng, step[0], at, **step[1]))
        except DomainError:
            continue  # not allowed from this status: the history goes on without it
    if dossier.finished_at is not None and rng.random() < 0.03:  # another counter's clock behind
        dossier = replace(
            dossier, finished_at=dossier.received_at - timedelta(days=rng.randrange(1, 40))
        )
    return dossier


def _with_fees(dossier: Dossier, rng: random.Random) -> Dossier:
    """A fee state of every kind domain.fees tells apart: unknown, due and unpaid, part or
    fully paid, overpaid, exempted."""
    due = rng.choice((None, 0, 20_000, 50_000, 1_000_000))
    collected = rng.choice((0, 0, 10_000, 20_000, 50_000)) if rng.random() < 0.6 else 0
    exemption = "Người có công" if rng.random() < 0.1 else ""
    return replace(dossier, fee_due=due, fee_collected=collected, fee_exemption=exemption)


def _facts(dossier: Dossier) -> DossierFacts:
    return DossierFacts(
        uuid=dossier.uuid,
        field=dossier.procedure_field,
        channel=dossier.channel,
        received_at=dossier.received_at,
        due_at=dossier.stats_due_at,
        finished_at=dossier.finished_at,
        withdrawn=dossier.status in (Status.WITHDRAWN, Status.STOPPED),
        digitised=dossier.digitised,
        closed_as=_closed_as(dossier),
    )


def _closed_as(dossier: Dossier) -> str:
    if dossier.status is Status.WITHDRAWN:
        return "withdrawn"
    if dossier.status is Status.STOPPED:
        expired = dossier.outcome == EventKind.SUPPLEMENT_EXPIRED.value
        return "supplement_expired" if expired else "stopped"
    return ""


@pytest.fixture(scope="module")
def filled(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[StationContext, list[Dossier]]]:
    """A station database (migrated, not seeded: the report needs no catalogue) with the
    random dossiers, shared by the tests of this module (they only read it, except the
    migration test, which rebuilds the columns as they were)."""
    folder = tmp_path_factory.mktemp("report-sql")
    store = Store(folder / "station", mirror_dir=folder / "mirror")
    station = StationContext(store=store, clock=FixedClock(datetime(2026, 4, 30, tzinfo=VN_TZ)))
    template = Event(
        uuid="template",
        dossier_uuid="template",
        kind=EventKind.RECEIVED.value,
        station_id="station-1",
        seq=1,
        officer="canbo",
        at=FIRST,
        payload={
            "agency_id": "000.00.19.H56",
            "applicant": make_applicant().to_json(),
            "processing_time": ProcessingTime(TimeUnit.WORKING_DAYS, 5).to_json(),
            "documents": [],
        },
    )
    rng = random.Random(20261202)
    dossiers: list[Dossier] = []
    with station.store.db.atomic():
        for n in range(1500):
            dossier = _dossier(template, rng, n)
            station.store.dossiers.insert_row(dossier)
            dossiers.append(dossier)
    yield station, dossiers
    store.close()


PERIODS = (
    (date(2025, 12, 31), date(2025, 12, 31)),  # one day, the year's last
    (date(2026, 1, 1), date(2026, 1, 1)),
    (date(2025, 11, 1), date(2025, 11, 30)),
    (date(2025, 12, 15), date(2026, 1, 15)),  # across the new year
    (date(2026, 1, 1), date(2026, 3, 31)),
    (date(2025, 1, 1), date(2027, 12, 31)),  # everything
    (date(2027, 1, 1), date(2027, 1, 31)),  # after every reception
    (date(2024, 1, 1), date(2024, 1, 31)),  # before every reception
)


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_sql_report_equals_the_domain_rules(
    filled: tuple[StationContext, list[Dossier]], start: date, end: date
) -> None:
    ctx, dossiers = filled
    received = (d for d in dossiers if d.status not in NEVER_RECEIVED)
    expected = period_statistics((_facts(d) for d in received), start=start, end=end)
    for by in GroupBy:
        sql = report(ctx, start=start, end=end, by=by)
        old = reference_report(ctx, start=start, end=end, by=by)
        assert sql.statistics == expected
        assert sql.statistics == old.statistics
        assert sql.rows == old.rows
        assert sql.to_dict() == old.to_dict()
    assert expected.totals.received_total > 0 or start.year in (2024, 2027)
    totals = expected.totals
    closed = totals.withdrawn + totals.stopped + totals.supplement_expired
    assert closed <= totals.on_time


def test_the_random_histories_cover_every_case(
    filled: tuple[StationContext, list[Dossier]],
) -> None:
    _, dossiers = filled
    statuses = {d.status for d in dossiers}
    assert {Status.WITHDRAWN, Status.STOPPED, Status.RETURNED, Status.RESOLVED} <= statuses
    assert {Status.GUIDED, Status.REFUSED, Status.SUPPLEMENT_REQUESTED} <= statuses
    assert any(d.apology_issued and d.finished_at for d in dossiers)
    closed = {_closed_as(d) for d in dossiers}
    assert {"withdrawn", "stopped", "supplement_expired"} <= closed
    assert any(d.supplement_count and d.finished_at for d in dossiers)
    near_midnight = [d for d in dossiers if d.received_at.astimezone(VN_TZ).hour in (23, 0)]
    assert any(d.received_at.utcoffset() != timedelta(hours=7) for d in near_midnight)


def test_the_migration_backfills_the_days_as_the_save_path_writes_them(
    filled: tuple[StationContext, list[Dossier]],
) -> None:
    ctx, _ = filled
    conn = ctx.store.db.conn
    columns = "received_day, finished_day, stats_due_day"
    written = conn.execute(f"SELECT uuid, {columns} FROM dossiers ORDER BY uuid").fetchall()
    backfilled = []

    class UndoError(Exception):
        pass

    # The migrations ran on the durable file's table before m0038 moved the rows to the
    # projection file: a copy without the days goes back there, and everything is undone.
    with pytest.raises(UndoError), ctx.store.db.atomic():
        conn.execute("CREATE TABLE main.dossiers AS SELECT * FROM proj.dossiers")
        for column in columns.split(", "):
            conn.execute(f"ALTER TABLE main.dossiers DROP COLUMN {column}")
        m0021_report_days(ctx.store.db.utils)
        m0035_report_keys(ctx.store.db.utils)
        m0037_one_report_index(ctx.store.db.utils)
        backfilled = conn.execute(
            f"SELECT uuid, {columns} FROM main.dossiers ORDER BY uuid"
        ).fetchall()
        raise UndoError
    assert backfilled == written
    assert conn.execute(f"SELECT uuid, {columns} FROM dossiers ORDER BY uuid").fetchall() == written


def test_the_report_reads_only_its_index_in_its_grouping_order(
    filled: tuple[StationContext, list[Dossier]],
) -> None:
    ctx, _ = filled
    conn = ctx.store.db.conn
    conn.execute("CREATE TEMP TABLE report_keys (n INTEGER PRIMARY KEY, field TEXT, code TEXT)")
    try:
        for where, groups, _ in report_sql._KINDS:
            for packed in (True, False):
                sql = report_sql._visit_sql(where, groups, packed=packed)
                plan = conn.execute(
                    "EXPLAIN QUERY PLAN " + sql,
                    {"s": "2026-01-01", "e": "2026-01-31", "lo": 0, "hi": 9},
                ).fetchall()
                details = " ".join(row[-1] for row in plan)
                assert f"COVERING INDEX {report_sql.INDEX} (procedure_field=?" in details, details
                assert "TEMP B-TREE" not in details, details  # the rows are never sorted
    finally:
        conn.execute("DROP TABLE temp.report_keys")
    plan = conn.execute(  # the rows finished "before" their reception: a partial index
        "EXPLAIN QUERY PLAN " + report_sql._EARLY_FEES, {"s": "2026-01-01", "e": "2026-01-31"}
    ).fetchall()
    details = " ".join(row[-1] for row in plan)
    assert f"INDEX {report_sql.EARLY_INDEX} (received_day>? AND received_day<?)" in details, details


def test_an_ordinary_save_never_writes_the_partial_index(
    filled: tuple[StationContext, list[Dossier]],
) -> None:
    ctx, dossiers = filled
    conn = ctx.store.db.conn
    early = [d for d in dossiers if d.finished_at and d.finished_at < d.received_at]
    assert early  # the random histories hold some
    (held,) = conn.execute(
        f"SELECT count(*) FROM dossiers INDEXED BY {report_sql.EARLY_INDEX}"
        f" WHERE {report_sql.EARLY_WHERE} AND received_day > ''"
    ).fetchone()
    assert 0 < held < len(dossiers) // 10


def test_the_keys_are_listed_by_their_index_with_null_fields_and_codes(
    filled: tuple[StationContext, list[Dossier]],
) -> None:
    ctx, _ = filled
    conn = ctx.store.db.conn
    expected = conn.execute(
        "SELECT DISTINCT procedure_field, procedure_code FROM dossiers ORDER BY 1, 2"
    ).fetchall()
    assert report_sql.procedure_keys(conn) == expected
    with ctx.store.db.atomic():  # older rows may lack the field, a broken one the code
        conn.execute("CREATE TEMP TABLE saved AS SELECT uuid, procedure_field, procedure_code"
                     " FROM dossiers")  # fmt: skip
        conn.execute("UPDATE dossiers SET procedure_field = NULL WHERE rowid % 3 = 0")
        conn.execute("UPDATE dossiers SET procedure_code = NULL WHERE rowid % 7 = 0")
    try:
        expected = conn.execute(
            "SELECT DISTINCT procedure_field, procedure_code FROM dossiers ORDER BY 1, 2"
        ).fetchall()
        assert any(f is None for f, _ in expected) and any(c is None for _, c in expected)
        assert report_sql.procedure_keys(conn) == expected
    finally:
        with ctx.store.db.atomic():
            conn.execute(
                "UPDATE dossiers SET (procedure_field, procedure_code) = (SELECT"
                " s.procedure_field, s.procedure_code FROM temp.saved s"
                " WHERE s.uuid = dossiers.uuid)"
            )
            conn.execute("DROP TABLE temp.saved")


def test_a_group_too_big_to_pack_is_counted_with_plain_sums(
    filled: tuple[StationContext, list[Dossier]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx, _ = filled
    packed = report(ctx, start=date(2025, 10, 1), end=date(2026, 3, 31))
    monkeypatch.setattr(report_sql, "_PACK_LIMIT", 1)  # every group "too big"
    assert report(ctx, start=date(2025, 10, 1), end=date(2026, 3, 31)) == packed


@pytest.fixture
def two_connections(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Count on two connections whatever the station's size; records whether each report
    got its helper connection."""
    monkeypatch.setattr(report_sql, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(report_sql.os, "cpu_count", lambda: 2)
    got: list[bool] = []
    real = report_sql._helper

    def spy(db: Any, conn: Any) -> Any:
        helper = real(db, conn)
        got.append(helper is not None)
        return helper

    monkeypatch.setattr(report_sql, "_helper", spy)
    return got


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_two_connections_count_what_one_counts(
    filled: tuple[StationContext, list[Dossier]],
    two_connections: list[bool],
    start: date,
    end: date,
) -> None:
    ctx, _ = filled
    with pytest.MonkeyPatch.context() as one:
        one.setattr(report_sql, "PARALLEL_MIN_ROWS", 10**9)
        alone = {by: report(ctx, start=start, end=end, by=by) for by in GroupBy}
    for by in GroupBy:
        assert report(ctx, start=start, end=end, by=by) == alone[by]
    assert two_connections == [False, False, True, True]


def test_a_writer_holding_the_lock_leaves_the_count_to_one_connection(
    filled: tuple[StationContext, list[Dossier]], two_connections: list[bool]
) -> None:
    ctx, _ = filled
    expected = report(ctx, start=date(2025, 10, 1), end=date(2026, 3, 31))
    assert ctx.store.db.path is not None
    writer = sqlite3.connect(str(ctx.store.db.path), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a long import under way
        assert report(ctx, start=date(2025, 10, 1), end=date(2026, 3, 31)) == expected
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert two_connections == [True, False]


def test_the_helper_reads_the_snapshot_of_the_connection(
    filled: tuple[StationContext, list[Dossier]], two_connections: list[bool]
) -> None:
    ctx, _ = filled
    conn = ctx.store.db.conn
    assert ctx.store.db.path is not None
    writer = sqlite3.connect(str(ctx.store.db.path), isolation_level=None)
    projection.attach(writer, ctx.store.db.path)  # the rows counted are in the projection file
    conn.execute("BEGIN")
    helper = report_sql._helper(ctx.store.db, conn)
    try:
        assert helper is not None
        writer.execute("INSERT INTO projection_meta (key, value) VALUES ('report-test', 'later')")
        seen = "SELECT count(*) FROM projection_meta WHERE key = 'report-test'"
        assert conn.execute(seen).fetchone() == helper.execute(seen).fetchone() == (0,)
    finally:
        conn.execute("COMMIT")
        if helper is not None:
            helper.close()
        writer.execute("DELETE FROM projection_meta WHERE key = 'report-test'")
        writer.close()


@pytest.mark.parametrize("connections", [1, 2])
def test_progress_is_reported_and_a_cancel_stops_the_count(
    filled: tuple[StationContext, list[Dossier]],
    request: pytest.FixtureRequest,
    connections: int,
) -> None:
    ctx, _ = filled
    helpers = request.getfixturevalue("two_connections") if connections == 2 else None
    seen: list[tuple[int, int]] = []
    report(ctx, start=date(2025, 10, 1), end=date(2026, 3, 31), progress=lambda *p: seen.append(p))
    assert seen[-1][0] == seen[-1][1] >= 2
    done = [d for d, _ in seen]
    if helpers is None:
        assert done == list(range(1, seen[-1][1] + 1))
    else:  # the helper's chunks are counted in the next progress of the calling thread
        assert helpers == [True] and done == sorted(done)
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(ReportCancelled):
        report(ctx, start=date(2025, 10, 1), end=date(2026, 3, 31), cancelled=cancelled)
    # the connection is usable afterwards, without the handler
    assert report(ctx, start=date(2026, 1, 1), end=date(2026, 1, 31)).totals.received_total > 0
