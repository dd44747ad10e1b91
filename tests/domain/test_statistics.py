"""Tests for period statistics (counter_app.domain.statistics, Biểu 06/VPCP/KSTT)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ, Channel
from counter_app.domain.statistics import (
    Counts,
    DossierFacts,
    PeriodStatistics,
    period_statistics,
)

START = date(2025, 3, 1)
END = date(2025, 3, 31)
CIVIL = "Hộ tịch"
CERT = "Chứng thực"


def vn(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=VN_TZ)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=UTC)


def facts(
    uuid: str,
    field: str,
    channel: Channel,
    received_at: datetime,
    due_at: datetime | None,
    finished_at: datetime | None,
) -> DossierFacts:
    return DossierFacts(
        uuid=uuid,
        field=field,
        channel=channel,
        received_at=received_at,
        due_at=due_at,
        finished_at=finished_at,
    )


DIR, ONL, POST = Channel.DIRECT, Channel.ONLINE, Channel.POSTAL

# Period 01/03/2025 – 31/03/2025. The expected bucket of every dossier is in the comment.
FIXTURE = [
    # Hộ tịch
    facts("h1", CIVIL, ONL, vn(3, 3), vn(3, 10), vn(3, 7)),  # online, early
    # finished later in the day than the due time, but on the due date: on time (by date)
    facts("h2", CIVIL, DIR, vn(3, 4), vn(3, 6, 17), vn(3, 6, 19, 30)),  # direct, on time
    facts("h3", CIVIL, POST, vn(3, 5), vn(3, 12), vn(3, 14)),  # postal, late
    facts("h4", CIVIL, DIR, vn(2, 20), vn(3, 20), None),  # carried over, in progress overdue
    facts("h5", CIVIL, DIR, vn(2, 1), vn(2, 10), vn(2, 27)),  # finished before: excluded
    facts("h6", CIVIL, ONL, vn(4, 1), vn(4, 5), None),  # received after: excluded
    facts("h7", CIVIL, DIR, vn(2, 26), vn(3, 2), vn(3, 1, 8)),  # carried over, early (on start)
    facts("h8", CIVIL, DIR, vn(2, 20), vn(3, 2), vn(2, 28, 23, 59)),  # finished before: excluded
    # Chứng thực
    facts("c1", CERT, ONL, vn(3, 10), None, vn(3, 10, 15)),  # online, no due date: on time
    facts("c2", CERT, DIR, vn(3, 25), vn(4, 2), None),  # direct, in progress in time
    facts("c3", CERT, ONL, vn(2, 25), vn(3, 5), vn(3, 3)),  # carried over, early
    facts("c4", CERT, DIR, vn(3, 28), vn(3, 31, 17), None),  # direct, due on end: in time
    facts("c5", CERT, DIR, vn(3, 20), vn(3, 27), vn(4, 3)),  # direct, finished after: overdue
    facts("c6", CERT, POST, vn(3, 15), None, None),  # postal, no due date: in time
    # 28/02 18:30 UTC is 01/03 01:30 in Vietnam: received in the period, not carried over;
    # finished 03/03 17:30 UTC = 04/03 00:30 VN, after the due date 03/03: late.
    facts("c7", CERT, DIR, utc(2, 28, 18, 30), vn(3, 3, 10), utc(3, 3, 17, 30)),  # direct, late
]

EXPECTED_CIVIL = Counts(
    received_total=5,
    received_online=1,
    received_direct_postal=2,
    carried_over=2,
    resolved_total=4,
    early=2,
    on_time=1,
    late=1,
    in_progress_total=1,
    in_time=0,
    overdue=1,
)
EXPECTED_CERT = Counts(
    received_total=7,
    received_online=1,
    received_direct_postal=5,
    carried_over=1,
    resolved_total=3,
    early=1,
    on_time=1,
    late=1,
    in_progress_total=4,
    in_time=3,
    overdue=1,
)
EXPECTED_TOTALS = Counts(
    received_total=12,
    received_online=2,
    received_direct_postal=7,
    carried_over=3,
    resolved_total=7,
    early=3,
    on_time=2,
    late=2,
    in_progress_total=5,
    in_time=3,
    overdue=2,
)


def test_fixture_totals() -> None:
    stats = period_statistics(FIXTURE, start=START, end=END)
    assert stats.start == START
    assert stats.end == END
    assert stats.totals == EXPECTED_TOTALS


def test_fixture_by_field_sorted_without_accents() -> None:
    stats = period_statistics(FIXTURE, start=START, end=END)
    assert list(stats.by_field) == [CERT, CIVIL]
    assert stats.by_field[CIVIL] == EXPECTED_CIVIL
    assert stats.by_field[CERT] == EXPECTED_CERT


def test_fixture_to_dict() -> None:
    stats = period_statistics(FIXTURE, start=START, end=END)
    assert stats.to_dict() == {
        "period": {"from": "2025-03-01", "to": "2025-03-31"},
        "received": {"total": 12, "online": 2, "direct_postal": 7, "carried_over": 3},
        "resolved": {"total": 7, "early": 3, "on_time": 2, "late": 2},
        "in_progress": {"total": 5, "in_time": 3, "overdue": 2},
        "closed": {"withdrawn": 0, "stopped": 0, "supplement_expired": 0},
        "by_field": {
            CERT: {
                "received": {"total": 7, "online": 1, "direct_postal": 5, "carried_over": 1},
                "resolved": {"total": 3, "early": 1, "on_time": 1, "late": 1},
                "in_progress": {"total": 4, "in_time": 3, "overdue": 1},
                "closed": {"withdrawn": 0, "stopped": 0, "supplement_expired": 0},
            },
            CIVIL: {
                "received": {"total": 5, "online": 1, "direct_postal": 2, "carried_over": 2},
                "resolved": {"total": 4, "early": 2, "on_time": 1, "late": 1},
                "in_progress": {"total": 1, "in_time": 0, "overdue": 1},
                "closed": {"withdrawn": 0, "stopped": 0, "supplement_expired": 0},
            },
        },
    }


def test_fields_sort_by_name_without_accents() -> None:
    names = ["Xây dựng", "Đất đai", "Hộ tịch", "Chứng thực"]
    items = [facts(str(i), name, DIR, vn(3, 2), None, None) for i, name in enumerate(names)]
    stats = period_statistics(items, start=START, end=END)
    # Code-point order would put "Đất đai" (U+0110) after "Xây dựng".
    assert list(stats.by_field) == ["Chứng thực", "Đất đai", "Hộ tịch", "Xây dựng"]


def _single(item: DossierFacts, start: date = START, end: date = END) -> Counts:
    return period_statistics([item], start=start, end=end).totals


@pytest.mark.parametrize("uuid", ["h5", "h6", "h8"])
def test_excluded_dossiers_count_nowhere(uuid: str) -> None:
    (item,) = [f for f in FIXTURE if f.uuid == uuid]
    stats = period_statistics([item], start=START, end=END)
    assert stats.totals == Counts()
    assert stats.by_field == {}


def test_finished_on_due_date_is_on_time() -> None:
    counts = _single(facts("x", CIVIL, DIR, vn(3, 2), vn(3, 9, 8), vn(3, 9, 16)))
    assert (counts.early, counts.on_time, counts.late) == (0, 1, 0)


def test_time_zone_decides_the_date() -> None:
    (c7,) = [f for f in FIXTURE if f.uuid == "c7"]
    counts = _single(c7)
    assert counts.received_direct_postal == 1
    assert counts.carried_over == 0
    assert counts.late == 1


def test_naive_datetimes_are_taken_as_vietnam_time() -> None:
    # 28/02 20:00 read as Vietnam time is before the period (it would be 01/03 in Vietnam if
    # it were read as UTC or as the computer's own time zone).
    item = facts("n", CIVIL, DIR, datetime(2025, 2, 28, 20, 0), None, None)
    counts = _single(item)
    assert (counts.carried_over, counts.received_direct_postal) == (1, 0)


def test_in_progress_due_after_end_is_in_time_and_before_end_overdue() -> None:
    in_time = _single(facts("a", CIVIL, DIR, vn(3, 10), vn(4, 1), None))
    overdue = _single(facts("b", CIVIL, DIR, vn(3, 10), vn(3, 30), None))
    assert (in_time.in_time, in_time.overdue) == (1, 0)
    assert (overdue.in_time, overdue.overdue) == (0, 1)


def test_single_day_period() -> None:
    day = date(2025, 3, 10)
    stats = period_statistics(FIXTURE, start=day, end=day)
    # Open on 10/03: h3 and h4 (carried over, due 12/03 and 20/03: in time), c1 (received
    # online and finished that day, no due date: on time). Everything else is finished
    # before 10/03 or received after it.
    assert stats.totals == Counts(
        received_total=3,
        received_online=1,
        carried_over=2,
        resolved_total=1,
        on_time=1,
        in_progress_total=2,
        in_time=2,
    )


def test_start_after_end_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        period_statistics(FIXTURE, start=END, end=START)
    assert caught.value.code is ErrorCode.DATE_INVALID


def test_no_facts_gives_zero_counts() -> None:
    stats = period_statistics([], start=START, end=END)
    assert stats == PeriodStatistics(start=START, end=END, totals=Counts(), by_field={})


def test_facts_may_be_any_iterable() -> None:
    stats = period_statistics(iter(FIXTURE), start=START, end=END)
    assert stats.totals == EXPECTED_TOTALS


# --- properties -----------------------------------------------------------------------------

_ZONES = st.sampled_from([VN_TZ, UTC, None])
_BASE = datetime(2025, 1, 1)


@st.composite
def moments(draw: st.DrawFn) -> datetime:
    minutes = draw(st.integers(min_value=0, max_value=200 * 24 * 60))
    moment = _BASE + timedelta(minutes=minutes)
    zone = draw(_ZONES)
    return moment if zone is None else moment.replace(tzinfo=zone)


@st.composite
def dossier_facts(draw: st.DrawFn) -> DossierFacts:
    return DossierFacts(
        uuid=draw(st.uuids()).hex,
        field=draw(st.sampled_from([CIVIL, CERT, "Đất đai", "Xây dựng"])),
        channel=draw(st.sampled_from(list(Channel))),
        received_at=draw(moments()),
        due_at=draw(st.one_of(st.none(), moments())),
        finished_at=draw(st.one_of(st.none(), moments())),
    )


@st.composite
def periods(draw: st.DrawFn) -> tuple[date, date]:
    first = draw(st.dates(min_value=date(2024, 12, 1), max_value=date(2025, 8, 1)))
    length = draw(st.integers(min_value=0, max_value=120))
    return first, first + timedelta(days=length)


def _local_date(moment: datetime) -> date:
    return moment.date() if moment.tzinfo is None else moment.astimezone(VN_TZ).date()


def _assert_partition(counts: Counts) -> None:
    received = counts.received_online + counts.received_direct_postal + counts.carried_over
    assert counts.received_total == received
    assert counts.resolved_total == counts.early + counts.on_time + counts.late
    assert counts.in_progress_total == counts.in_time + counts.overdue
    assert counts.received_total == counts.resolved_total + counts.in_progress_total


@given(st.lists(dossier_facts(), max_size=40), periods())
def test_buckets_partition_the_counted_dossiers(
    items: list[DossierFacts], period: tuple[date, date]
) -> None:
    start, end = period
    stats = period_statistics(items, start=start, end=end)

    _assert_partition(stats.totals)
    for counts in stats.by_field.values():
        _assert_partition(counts)
        assert counts.received_total > 0

    summed = sum(stats.by_field.values(), Counts())
    assert summed == stats.totals

    counted = [
        f
        for f in items
        if _local_date(f.received_at) <= end
        and (f.finished_at is None or _local_date(f.finished_at) >= start)
    ]
    received_in_period = [f for f in counted if _local_date(f.received_at) >= start]
    resolved = [
        f for f in counted if f.finished_at is not None and _local_date(f.finished_at) <= end
    ]
    assert stats.totals.received_total == len(counted)
    assert stats.totals.received_online + stats.totals.received_direct_postal == len(
        received_in_period
    )
    assert stats.totals.received_online == sum(f.channel is Channel.ONLINE for f in counted) - sum(
        f.channel is Channel.ONLINE and _local_date(f.received_at) < start for f in counted
    )
    assert stats.totals.resolved_total == len(resolved)
    assert set(stats.by_field) == {f.field for f in counted}


@given(st.lists(dossier_facts(), max_size=30), periods(), st.randoms(use_true_random=False))
def test_order_does_not_matter(
    items: list[DossierFacts], period: tuple[date, date], rnd: random.Random
) -> None:
    start, end = period
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert period_statistics(items, start=start, end=end) == period_statistics(
        shuffled, start=start, end=end
    )


@given(st.lists(dossier_facts(), max_size=20), st.lists(dossier_facts(), max_size=20), periods())
def test_counts_add_up_over_disjoint_sets(
    first: list[DossierFacts], second: list[DossierFacts], period: tuple[date, date]
) -> None:
    start, end = period
    both = period_statistics(first + second, start=start, end=end).totals
    apart = (
        period_statistics(first, start=start, end=end).totals
        + period_statistics(second, start=start, end=end).totals
    )
    assert both == apart


@given(dossier_facts(), periods())
def test_each_dossier_lands_in_at_most_one_bucket_per_group(
    item: DossierFacts, period: tuple[date, date]
) -> None:
    start, end = period
    counts = period_statistics([item], start=start, end=end).totals
    received = (counts.received_online, counts.received_direct_postal, counts.carried_over)
    outcome = (counts.early, counts.on_time, counts.late, counts.in_time, counts.overdue)
    assert sum(received) == counts.received_total <= 1
    assert sum(outcome) == counts.received_total
    assert all(value in (0, 1) for value in received + outcome)


def test_closed_without_result_counted_separately_among_the_resolved() -> None:
    """one-stop-rules §5.2: withdrawn, stopped (Mau 05) and closed-after-supplement dossiers
    are resolved on time and counted separately; one still open is not counted there."""
    kinds = ("withdrawn", "stopped", "stopped", "supplement_expired")
    items = [
        replace(
            facts(f"c{i}", CIVIL, DIR, vn(3, 2), vn(3, 5), vn(3, 20)),
            withdrawn=True,
            closed_as=kind,
        )
        for i, kind in enumerate(kinds)
    ]
    items.append(
        replace(facts("later", CERT, DIR, vn(3, 2), vn(3, 5), vn(4, 2)), closed_as="stopped")
    )
    stats = period_statistics(items, start=START, end=END)
    civil = stats.by_field[CIVIL]
    assert (civil.resolved_total, civil.on_time, civil.late) == (4, 4, 0)
    assert (civil.withdrawn, civil.stopped, civil.supplement_expired) == (1, 2, 1)
    assert stats.by_field[CERT].stopped == 0
    assert (stats.totals.withdrawn, stats.totals.stopped, stats.totals.supplement_expired) == (
        1,
        2,
        1,
    )
    assert stats.to_dict()["closed"] == {"withdrawn": 1, "stopped": 2, "supplement_expired": 1}
