"""Working-day calendar: official schedules, estimates, province overrides, office hours."""

from __future__ import annotations

import json
from datetime import date, time, timedelta

import pytest

from counter_app.domain.calendar import OfficeHours, WorkCalendar, YearCalendar
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.reference import holidays_vn
from counter_app.reference.holidays_vn import default_calendar, estimate_year, official_years


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    return default_calendar()


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- Official schedules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day", ["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20"]
)
def test_tet_2026_is_off(calendar: WorkCalendar, day: str) -> None:
    assert not calendar.is_working_day(d(day))


def test_days_around_tet_2026_are_worked(calendar: WorkCalendar) -> None:
    assert calendar.is_working_day(d("2026-02-13"))  # Friday before
    assert calendar.is_working_day(d("2026-02-23"))  # Monday after
    assert calendar.next_working_day(d("2026-02-13")) == d("2026-02-23")


@pytest.mark.parametrize("day", ["2025-04-26", "2026-01-10", "2026-08-22", "2024-05-04"])
def test_make_up_saturdays_are_working_days(calendar: WorkCalendar, day: str) -> None:
    assert d(day).weekday() == 5
    assert calendar.is_working_day(d(day))


@pytest.mark.parametrize(
    "day", ["2025-05-02", "2026-01-02", "2026-08-31", "2024-04-29", "2026-11-24", "2026-04-27"]
)
def test_swapped_and_compensatory_weekdays_are_off(calendar: WorkCalendar, day: str) -> None:
    assert d(day).weekday() < 5
    assert not calendar.is_working_day(d(day))


def test_ordinary_weekend_is_off_and_ordinary_weekday_worked(calendar: WorkCalendar) -> None:
    assert not calendar.is_working_day(d("2026-03-07"))  # Saturday
    assert not calendar.is_working_day(d("2026-03-08"))  # Sunday
    assert calendar.is_working_day(d("2026-03-09"))  # Monday


def test_official_years_are_confirmed_and_match_announcements() -> None:
    years = official_years()
    assert sorted(years) == [2024, 2025, 2026, 2027]
    assert not years.pop(2027).confirmed  # partly announced (tests/domain/test_calendar_2027)
    for year in years.values():
        assert year.confirmed
        assert year.source == "official"
        assert all(day.weekday() < 5 for day in year.days_off)
        assert all(day.weekday() >= 5 for day in year.extra_working_days)
    assert len(years[2024].days_off) == 12
    assert len(years[2025].days_off) == 12
    assert len(years[2026].days_off) == 14
    assert years[2026].extra_working_days == {d("2026-01-10"), d("2026-08-22")}


def test_official_file_lists_sources() -> None:
    path = holidays_vn._official_path()
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data["years"].values():
        assert entry["sources"]


def test_year_after_2027_is_estimated_from_holidays_package(calendar: WorkCalendar) -> None:
    year = calendar.year(2028)
    assert not year.confirmed
    assert year.source == "holidays-package"
    assert d("2028-01-26") in year.days_off  # Tết Mậu Thân (Wednesday)
    assert not calendar.is_working_day(d("2028-01-27"))
    assert calendar.is_working_day(d("2028-01-31"))
    assert all(not note.announced for note in year.notes())
    assert {n.day: n.name for n in year.notes()}[d("2028-01-01")] == "Tết Dương lịch"


def test_estimate_reads_weekend_workdays_of_that_year_only() -> None:
    estimate = estimate_year(2025)
    assert estimate.extra_working_days == {d("2025-04-26")}
    assert d("2025-05-02") in estimate.days_off
    assert not estimate.confirmed


def test_estimate_never_confirmed_even_if_the_estimator_says_so() -> None:
    def lying(year: int) -> YearCalendar:
        return YearCalendar(year, frozenset(), frozenset(), confirmed=True, source="x")

    calendar = WorkCalendar({}, estimate=lying)
    assert not calendar.year(2030).confirmed
    assert calendar.year(2030) is calendar.year(2030)  # cached


def test_missing_year_without_estimate_is_refused() -> None:
    calendar = WorkCalendar(official_years())
    assert calendar.is_working_day(d("2026-03-09"))
    with pytest.raises(DomainError) as caught:
        calendar.is_working_day(d("2028-03-01"))
    assert caught.value.code is ErrorCode.CALENDAR_YEAR_UNSUPPORTED
    assert caught.value.params["year"] == 2028


def test_year_key_must_match_its_calendar() -> None:
    with pytest.raises(DomainError) as caught:
        WorkCalendar({2025: YearCalendar(2026, frozenset(), frozenset(), True, "x")})
    assert caught.value.code is ErrorCode.CALENDAR_YEAR_UNSUPPORTED


def test_year_calendar_refuses_dates_of_another_year() -> None:
    with pytest.raises(DomainError) as caught:
        YearCalendar(2026, frozenset({d("2025-12-31")}), frozenset(), True, "x")
    assert caught.value.code is ErrorCode.CALENDAR_YEAR_UNSUPPORTED


# --- Province overrides -------------------------------------------------------------------------


def test_province_override_adds_and_removes_days_and_confirms() -> None:
    estimated = estimate_year(2027)
    assert not estimated.confirmed
    province = estimated.with_overrides(
        add_off=[d("2027-02-04")],  # extra Tết day before the eve
        remove_off=[d("2027-11-24")],
        add_working=[d("2027-02-20")],  # a make-up Saturday
        confirmed=True,
        source="province",
    )
    assert province.confirmed and province.source == "province"
    assert estimated.days_off != province.days_off  # original untouched
    calendar = default_calendar({2027: province})
    assert not calendar.is_working_day(d("2027-02-04"))
    assert calendar.is_working_day(d("2027-11-24"))
    assert calendar.is_working_day(d("2027-02-20"))
    assert calendar.year(2027).confirmed


def test_override_remove_working_and_conflicts() -> None:
    base = official_years()[2026]
    changed = base.with_overrides(remove_working=[d("2026-08-22")], remove_off=[d("2026-08-31")])
    calendar = default_calendar({2026: changed})
    assert not calendar.is_working_day(d("2026-08-22"))
    assert calendar.is_working_day(d("2026-08-31"))
    assert changed.confirmed  # kept when not given
    # Adding a date as working removes it from the days off, and the other way round.
    flipped = base.with_overrides(add_working=[d("2026-11-24")], add_off=[d("2026-01-10")])
    assert d("2026-11-24") not in flipped.days_off
    assert d("2026-01-10") not in flipped.extra_working_days
    assert flipped.is_working_day(d("2026-11-24"))
    assert not flipped.is_working_day(d("2026-01-10"))


def test_override_replaces_official_year_in_default_calendar() -> None:
    override = YearCalendar(2025, frozenset(), frozenset(), confirmed=True, source="province")
    calendar = default_calendar({2025: override})
    assert calendar.is_working_day(d("2025-05-02"))
    assert not calendar.is_working_day(d("2025-04-26"))
    assert not calendar.is_working_day(d("2026-01-02"))  # other years untouched


# --- Counting working days ----------------------------------------------------------------------


def test_add_working_days_across_tet_2026(calendar: WorkCalendar) -> None:
    assert calendar.add_working_days(d("2026-02-13"), 1) == d("2026-02-23")
    assert calendar.add_working_days(d("2026-02-13"), 3) == d("2026-02-25")
    assert calendar.add_working_days(d("2026-02-14"), 0) == d("2026-02-23")
    assert calendar.add_working_days(d("2026-02-12"), 0) == d("2026-02-12")


def test_add_working_days_uses_make_up_saturday(calendar: WorkCalendar) -> None:
    # Fri 09/01/2026 -> Sat 10/01/2026 is worked.
    assert calendar.next_working_day(d("2026-01-09")) == d("2026-01-10")
    assert calendar.next_working_day(d("2026-01-10")) == d("2026-01-12")
    # New Year 2026: Thu 01/01 and Fri 02/01 are off, the weekend too, so Wed 31/12 -> Mon 05/01.
    assert calendar.next_working_day(d("2025-12-31")) == d("2026-01-05")


def test_add_working_days_across_years(calendar: WorkCalendar) -> None:
    # 15/12/2025 + 300 working days (into 2027), checked against a plain day-by-day walk.
    start = d("2025-12-15")
    expected, left = start, 300
    while left:
        expected += timedelta(days=1)
        left -= calendar.is_working_day(expected)
    assert calendar.add_working_days(start, 300) == expected
    assert calendar.working_days_between(start, expected) == 300
    assert calendar.working_days_between(expected, start) == -300


def test_working_days_between_counts_end_not_start(calendar: WorkCalendar) -> None:
    assert calendar.working_days_between(d("2026-03-09"), d("2026-03-09")) == 0
    assert calendar.working_days_between(d("2026-03-06"), d("2026-03-09")) == 1  # Fri -> Mon
    assert calendar.working_days_between(d("2026-02-13"), d("2026-02-22")) == 0  # Tết week


def test_working_day_on_or_after(calendar: WorkCalendar) -> None:
    assert calendar.working_day_on_or_after(d("2026-02-16")) == d("2026-02-23")
    assert calendar.working_day_on_or_after(d("2026-02-23")) == d("2026-02-23")


def test_negative_count_is_a_programming_error(calendar: WorkCalendar) -> None:
    with pytest.raises(ValueError):
        calendar.add_working_days(d("2026-03-09"), -1)


# --- Office hours -------------------------------------------------------------------------------


def test_default_office_hours() -> None:
    hours = OfficeHours()
    assert hours.hours_per_day == 8.0
    assert hours.opening == time(7, 0)
    assert hours.closing == time(17, 0)
    assert hours.cutoff == time(15, 0)


def test_custom_office_hours() -> None:
    hours = OfficeHours(sessions=((time(7, 30), time(11, 30)), (time(13, 0), time(16, 30))))
    assert hours.hours_per_day == 7.5
    assert hours.closing == time(16, 30)


@pytest.mark.parametrize(
    ("sessions", "cutoff"),
    [
        ((), time(15)),
        (((time(11), time(7)),), time(9)),
        (((time(7), time(7)),), time(7)),
        (((time(7), time(12)), (time(11), time(17))), time(15)),  # overlap
        (((time(13), time(17)), (time(7), time(11))), time(15)),  # out of order
        (((time(7), time(11, 30)), (time(13, 30), time(17))), time(18)),  # cutoff after closing
        (((time(7), time(11, 30)), (time(13, 30), time(17))), time(6)),  # cutoff before opening
    ],
)
def test_invalid_office_hours_are_refused(
    sessions: tuple[tuple[time, time], ...], cutoff: time
) -> None:
    with pytest.raises(DomainError) as caught:
        OfficeHours(sessions=sessions, cutoff=cutoff)
    assert caught.value.code is ErrorCode.OFFICE_HOURS_INVALID
