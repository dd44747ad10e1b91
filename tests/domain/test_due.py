"""Due dates: working days and hours, calendar days, months, same day, pauses, apologies."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counter_app.domain.calendar import OfficeHours
from counter_app.domain.due import (
    DueDate,
    add_working_hours,
    check_apology,
    compute_due,
    due_after_supplement,
    working_hours_between,
)
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.domain.processing_time import (
    NO_DUE_DATE,
    SAME_DAY,
    UNKNOWN,
    ProcessingTime,
    TimeUnit,
    parse_processing_time,
)
from counter_app.reference.holidays_vn import default_calendar

CALENDAR = default_calendar()
HOURS = OfficeHours()


def at(text: str) -> datetime:
    """A Vietnam-time instant from ``YYYY-MM-DDTHH:MM[:SS]``."""
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def due(received: str, time_: ProcessingTime | str, **kwargs: object) -> DueDate:
    processing = parse_processing_time(time_) if isinstance(time_, str) else time_
    return compute_due(
        received_at=at(received),
        time=processing,
        calendar=CALENDAR,
        hours=HOURS,
        **kwargs,  # type: ignore[arg-type]
    )


def wd(amount: float) -> ProcessingTime:
    return ProcessingTime(TimeUnit.WORKING_DAYS, amount)


# --- Working days -------------------------------------------------------------------------------


def test_three_working_days_across_tet_2026() -> None:
    result = due("2026-02-13T10:00", "3 ngày làm việc")
    assert result.due == at("2026-02-25T10:00")
    assert result.confirmed and not result.estimated
    assert result.years_used == (2026,)


def test_monday_ten_plus_two_working_days_is_wednesday_ten() -> None:
    assert due("2026-03-09T10:00", wd(2)).due == at("2026-03-11T10:00")


def test_count_ending_at_session_end_is_due_at_that_end() -> None:
    assert due("2026-03-09T07:00", wd(1)).due == at("2026-03-09T17:00")
    # 13:30 + 0.5 day (4 h): 3.5 h Monday afternoon, then 0.5 h Tuesday morning.
    assert due("2026-03-09T13:30", wd(0.5)).due == at("2026-03-10T07:30")
    # 07:00 + 4.5 h ends exactly at the end of the morning session, not at 13:30.
    assert due("2026-03-09T07:00", "4,5 giờ").due == at("2026-03-09T11:30")


def test_reception_before_opening_starts_at_opening() -> None:
    assert due("2026-03-09T06:30", wd(2)).due == at("2026-03-10T17:00")


def test_reception_at_lunch_starts_at_afternoon_opening() -> None:
    assert due("2026-03-09T12:00", wd(1)).due == at("2026-03-10T11:30")


def test_reception_after_closing_starts_next_working_morning() -> None:
    assert due("2026-03-09T17:30", wd(1)).due == at("2026-03-10T17:00")
    assert due("2026-03-13T17:30", wd(1)).due == at("2026-03-16T17:00")  # Friday -> Monday


def test_reception_on_saturday_starts_monday() -> None:
    assert due("2026-03-07T09:00", wd(2)).due == at("2026-03-10T17:00")


def test_make_up_saturday_counts_as_working_day() -> None:
    # Fri 09/01/2026 10:00 + 1 working day: Saturday 10/01 is a make-up working day.
    assert due("2026-01-09T10:00", wd(1)).due == at("2026-01-10T10:00")


def test_input_in_another_timezone_is_converted() -> None:
    received = datetime(2026, 3, 9, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
    result = compute_due(received_at=received, time=wd(2), calendar=CALENDAR, hours=HOURS)
    assert result.due == at("2026-03-11T10:00")
    assert result.due is not None and result.due.utcoffset() == timedelta(hours=7)


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        compute_due(
            received_at=datetime(2026, 3, 9, 10), time=wd(1), calendar=CALENDAR, hours=HOURS
        )
    assert caught.value.code is ErrorCode.DATETIME_INVALID


def test_due_in_estimated_year_says_estimated() -> None:
    result = due("2026-12-28T10:00", wd(10))
    assert result.due is not None and result.due.year == 2027
    assert result.years_used == (2026, 2027)
    assert result.estimated and not result.confirmed


def test_due_in_2027_crossing_no_estimated_day_is_not_estimated() -> None:
    # 2027 is partly announced (issue 13 item 5): a period crossing none of its estimated
    # holidays is not flagged.
    result = due("2027-03-01T10:00", wd(1))
    assert result.due == at("2027-03-02T10:00")
    assert not result.estimated and result.estimated_days == ()


def test_custom_office_hours_change_day_length() -> None:
    hours = OfficeHours(sessions=((time(8, 0), time(12, 0)), (time(13, 0), time(17, 0))))
    result = compute_due(
        received_at=at("2026-03-09T10:00"), time=wd(1), calendar=CALENDAR, hours=hours
    )
    assert result.due == at("2026-03-10T10:00")


# --- Working hours ------------------------------------------------------------------------------


def test_eight_hours() -> None:
    assert due("2026-03-09T10:00", "8 giờ").due == at("2026-03-10T10:00")
    assert due("2026-03-09T10:00", "4 giờ làm việc").due == at("2026-03-09T16:00")
    assert due("2026-03-13T16:00", "8 giờ").due == at("2026-03-16T16:00")  # over a weekend


def test_working_hours_between_and_add() -> None:
    assert working_hours_between(
        at("2026-03-09T10:00"), at("2026-03-11T10:00"), calendar=CALENDAR, hours=HOURS
    ) == pytest.approx(16.0)
    assert working_hours_between(
        at("2026-02-13T10:00"), at("2026-02-25T10:00"), calendar=CALENDAR, hours=HOURS
    ) == pytest.approx(24.0)
    assert working_hours_between(
        at("2026-03-11T10:00"), at("2026-03-09T10:00"), calendar=CALENDAR, hours=HOURS
    ) == pytest.approx(-16.0)
    assert working_hours_between(
        at("2026-03-07T08:00"), at("2026-03-08T20:00"), calendar=CALENDAR, hours=HOURS
    ) == pytest.approx(0.0)
    assert add_working_hours(at("2026-03-09T11:00"), 1, calendar=CALENDAR, hours=HOURS) == at(
        "2026-03-09T14:00"
    )


# --- Calendar days and months -------------------------------------------------------------------


def test_calendar_days_do_not_count_reception_day() -> None:
    assert due("2026-03-02T10:00", "3 ngày").due == at("2026-03-05T17:00")


def test_calendar_days_ending_on_sunday_move_to_monday() -> None:
    assert due("2026-03-02T10:00", "6 ngày").due == at("2026-03-09T17:00")


def test_calendar_days_ending_on_holiday_move_to_next_working_day() -> None:
    assert due("2026-02-10T10:00", "6 ngày").due == at("2026-02-23T17:00")
    assert due("2025-04-25T10:00", "1 ngày").due == at("2025-04-26T17:00")  # make-up Saturday


def test_months_same_date_clamped_and_moved() -> None:
    assert due("2026-03-10T09:00", "1 tháng").due == at("2026-04-10T17:00")
    assert due("2026-01-31T09:00", "1 tháng").due == at("2026-03-02T17:00")  # 28/02 is Saturday
    result = due("2025-12-15T09:00", "2 tháng")  # 15/02/2026 Sunday, then Tết
    assert result.due == at("2026-02-23T17:00")
    assert result.years_used == (2025, 2026)


# --- Same day -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ("2026-03-09T06:30", "2026-03-09T17:00"),
        ("2026-03-09T14:59", "2026-03-09T17:00"),
        ("2026-03-09T15:00", "2026-03-09T17:00"),  # exactly the cut-off: still same day
        ("2026-03-09T15:00:01", "2026-03-10T17:00"),
        ("2026-03-09T15:01", "2026-03-10T17:00"),
        ("2026-03-09T17:30", "2026-03-10T17:00"),
        ("2026-03-13T15:01", "2026-03-16T17:00"),  # Friday -> Monday
        ("2026-02-13T15:30", "2026-02-23T17:00"),  # before Tết
        ("2026-03-07T09:00", "2026-03-09T17:00"),  # Saturday -> Monday
        ("2026-01-10T09:00", "2026-01-10T17:00"),  # make-up Saturday
    ],
)
def test_same_day_cutoff(received: str, expected: str) -> None:
    assert due(received, SAME_DAY).due == at(expected)


def test_same_day_cutoff_can_be_overridden_per_procedure() -> None:
    assert due("2026-03-09T15:30", SAME_DAY, cutoff=time(16, 0)).due == at("2026-03-09T17:00")
    assert due("2026-03-09T11:00", SAME_DAY, cutoff=time(10, 0)).due == at("2026-03-10T17:00")


def test_zero_working_days_means_same_day() -> None:
    assert due("2026-03-09T15:30", wd(0)).due == at("2026-03-10T17:00")
    assert due("2026-03-09T10:00", "trong ngày").due == at("2026-03-09T17:00")


# --- No date, unknown ---------------------------------------------------------------------------


def test_no_due_date() -> None:
    assert due("2026-03-09T10:00", NO_DUE_DATE) == DueDate(None, (2026,), False)
    assert due("2027-03-09T10:00", NO_DUE_DATE) == DueDate(None, (2027,), False)


def test_unknown_time_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        due("2026-03-09T10:00", UNKNOWN)
    assert caught.value.code is ErrorCode.TIME_UNKNOWN_FOR_PROCEDURE


# --- Supplement pause ---------------------------------------------------------------------------


def supplement(time_: ProcessingTime, mode: str, resumed: str, before: str | None) -> DueDate:
    return due_after_supplement(
        time=time_,
        paused_at=at("2026-03-04T10:00"),
        resumed_at=at(resumed),
        due_before_pause=None if before is None else at(before),
        mode=mode,  # type: ignore[arg-type]
        calendar=CALENDAR,
        hours=HOURS,
    )


def test_supplement_restart_counts_full_time_again() -> None:
    # Received Mon 02/03 10:00, 5 working days -> Mon 09/03 10:00; paused Wed 04/03 10:00.
    assert due("2026-03-02T10:00", wd(5)).due == at("2026-03-09T10:00")
    result = supplement(wd(5), "restart", "2026-03-10T14:00", "2026-03-09T10:00")
    assert result.due == at("2026-03-17T14:00")


def test_supplement_resume_counts_what_was_left() -> None:
    # 24 working hours were left at the pause (Wed 10:00 -> Mon 10:00).
    result = supplement(wd(5), "resume", "2026-03-10T14:00", "2026-03-09T10:00")
    assert result.due == at("2026-03-13T14:00")
    assert result.years_used == (2026,)


def test_supplement_resume_outside_hours_starts_at_next_opening() -> None:
    result = supplement(wd(5), "resume", "2026-03-14T10:00", "2026-03-09T10:00")  # Saturday
    assert result.due == at("2026-03-18T17:00")  # 24 h from Mon 07:00


def test_supplement_resume_calendar_days() -> None:
    assert due("2026-03-02T10:00", "15 ngày").due == at("2026-03-17T17:00")
    result = supplement(
        ProcessingTime(TimeUnit.CALENDAR_DAYS, 15), "resume", "2026-03-20T09:00", "2026-03-17T17:00"
    )
    assert result.due == at("2026-04-02T17:00")  # 13 days were left (04/03 -> 17/03)


def test_supplement_restart_is_the_default_rule_for_same_day() -> None:
    result = supplement(SAME_DAY, "resume", "2026-03-10T16:00", "2026-03-04T17:00")
    assert result.due == at("2026-03-11T17:00")


def test_supplement_resume_needs_the_old_due_date() -> None:
    with pytest.raises(DomainError) as caught:
        supplement(wd(5), "resume", "2026-03-10T14:00", None)
    assert caught.value.code is ErrorCode.NO_DUE_DATE


def test_supplement_resumed_before_paused_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        supplement(wd(5), "restart", "2026-03-03T14:00", "2026-03-09T10:00")
    assert caught.value.code is ErrorCode.DATETIME_INVALID


# --- Apology and extension ----------------------------------------------------------------------


def apology(issued: datetime, current: str | None, new: str, already: bool = False) -> None:
    check_apology(
        issued_at=issued,
        current_due=None if current is None else at(current),
        new_due=at(new),
        already_issued=already,
    )


def test_apology_allowed_the_day_before() -> None:
    apology(at("2026-03-08T23:59"), "2026-03-09T10:00", "2026-03-12T10:00")
    apology(at("2026-03-02T08:00"), "2026-03-09T10:00", "2026-03-09T10:01")


def test_apology_only_once() -> None:
    with pytest.raises(DomainError) as caught:
        apology(at("2026-03-02T08:00"), "2026-03-09T10:00", "2026-03-12T10:00", already=True)
    assert caught.value.code is ErrorCode.APOLOGY_ALREADY_ISSUED


@pytest.mark.parametrize(
    "issued",
    [
        at("2026-03-09T08:00"),  # on the due day, before the due hour
        at("2026-03-10T08:00"),  # after the due date
        datetime(2026, 3, 8, 17, 30, tzinfo=UTC),  # 00:30 on 09/03 in Vietnam
    ],
)
def test_apology_too_late(issued: datetime) -> None:
    with pytest.raises(DomainError) as caught:
        apology(issued, "2026-03-09T10:00", "2026-03-12T10:00")
    assert caught.value.code is ErrorCode.APOLOGY_TOO_LATE


@pytest.mark.parametrize("new", ["2026-03-09T10:00", "2026-03-06T10:00"])
def test_apology_new_date_must_be_later(new: str) -> None:
    with pytest.raises(DomainError) as caught:
        apology(at("2026-03-02T08:00"), "2026-03-09T10:00", new)
    assert caught.value.code is ErrorCode.APOLOGY_DATE_NOT_LATER


def test_apology_without_due_date() -> None:
    with pytest.raises(DomainError) as caught:
        apology(at("2026-03-02T08:00"), None, "2026-03-12T10:00")
    assert caught.value.code is ErrorCode.NO_DUE_DATE


# --- Properties ---------------------------------------------------------------------------------

received_instants = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2027, 12, 31, 23, 59),
    timezones=st.just(VN_TZ),
)
processing_times = st.one_of(
    st.integers(1, 60).map(lambda n: ProcessingTime(TimeUnit.WORKING_DAYS, n)),
    st.integers(1, 100).map(lambda n: ProcessingTime(TimeUnit.WORKING_HOURS, n)),
    st.integers(1, 90).map(lambda n: ProcessingTime(TimeUnit.CALENDAR_DAYS, n)),
    st.just(SAME_DAY),
)
hour_amounts = st.floats(min_value=0, max_value=500, allow_nan=False).map(lambda h: round(h, 4))
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def in_office_hours(instant: datetime, hours: OfficeHours = HOURS) -> bool:
    moment = instant.time()
    return any(start <= moment <= end for start, end in hours.sessions)


def slow_add_working_hours(start: datetime, amount: float) -> datetime:
    """Oracle: walk the calendar day by day and session by session, in microseconds."""
    left = timedelta(hours=amount)
    day, moment = start.date(), start.time()
    while True:
        if CALENDAR.is_working_day(day):
            for session_start, session_end in HOURS.sessions:
                begin = datetime.combine(day, max(moment, session_start), tzinfo=VN_TZ)
                end = datetime.combine(day, session_end, tzinfo=VN_TZ)
                if begin >= end:
                    continue
                if left <= end - begin:
                    return begin + left if left else begin
                left -= end - begin
        day, moment = day + timedelta(days=1), time(0)


@PROPERTY
@given(received=received_instants, processing=processing_times)
def test_due_is_on_a_working_day_within_office_hours(
    received: datetime, processing: ProcessingTime
) -> None:
    result = compute_due(received_at=received, time=processing, calendar=CALENDAR, hours=HOURS)
    assert result.due is not None
    assert result.due >= received
    assert CALENDAR.is_working_day(result.due.date())
    assert in_office_hours(result.due)
    assert result.due.utcoffset() == timedelta(hours=7)
    assert received.year in result.years_used and result.due.year in result.years_used
    crossed = [
        note
        for year in result.years_used
        for note in CALENDAR.year(year).notes()
        if not note.announced and received.date() <= note.day <= result.due.date()
    ]
    assert result.estimated == bool(crossed)
    assert [n.day for n in result.estimated_days] == [n.day for n in crossed]


@PROPERTY
@given(received=received_instants, days=st.integers(1, 60))
def test_working_days_match_day_by_day_oracle(received: datetime, days: int) -> None:
    result = compute_due(received_at=received, time=wd(days), calendar=CALENDAR, hours=HOURS)
    assert result.due == slow_add_working_hours(received, days * 8)


@PROPERTY
@given(start=received_instants, amount=hour_amounts)
def test_add_working_hours_matches_oracle_and_round_trips(start: datetime, amount: float) -> None:
    end = add_working_hours(start, amount, calendar=CALENDAR, hours=HOURS)
    assert end == slow_add_working_hours(start, amount)
    back = working_hours_between(start, end, calendar=CALENDAR, hours=HOURS)
    assert abs(back - amount) < 1e-6


@PROPERTY
@given(
    day=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
    minute=st.integers(0, 8 * 60 - 1),
    amount=hour_amounts,
)
def test_round_trip_from_inside_office_hours(day: date, minute: int, amount: float) -> None:
    work_day = CALENDAR.working_day_on_or_after(day)
    morning = 4 * 60 + 30
    clock = 7 * 60 + minute if minute < morning else 13 * 60 + 30 + minute - morning
    start = datetime.combine(work_day, time(clock // 60, clock % 60), tzinfo=VN_TZ)
    end = add_working_hours(start, amount, calendar=CALENDAR, hours=HOURS)
    back = working_hours_between(start, end, calendar=CALENDAR, hours=HOURS)
    assert abs(back - amount) < 1e-6


def add(start: datetime, amount: float) -> datetime:
    return add_working_hours(start, amount, calendar=CALENDAR, hours=HOURS)


@PROPERTY
@given(first=received_instants, second=received_instants, h1=hour_amounts, h2=hour_amounts)
def test_add_working_hours_is_monotone(
    first: datetime, second: datetime, h1: float, h2: float
) -> None:
    first, second = sorted((first, second))
    h1, h2 = sorted((h1, h2))
    assert add(first, h1) <= add(first, h2)
    assert add(first, h1) <= add(second, h1)
    assert add(first, h1) >= first
