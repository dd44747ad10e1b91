"""The calendar per holiday (issue 13 item 5): 2027 partly announced, the warning names the
estimated holidays a period crosses, 24/11 on a weekend is a setting, the province overrides."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from counter_app.domain.calendar import CalendarDay, DayKind, OfficeHours, YearCalendar
from counter_app.domain.due import compute_due, due_after_supplement
from counter_app.domain.models import VN_TZ
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.reference.holidays_vn import default_calendar, official_years
from counter_app.texts import window as t
from sync_protocol import CalendarDayWire, CalendarYearWire

CALENDAR = default_calendar()
HOURS = OfficeHours()


def d(text: str) -> date:
    return date.fromisoformat(text)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


def wd(amount: float) -> ProcessingTime:
    return ProcessingTime(TimeUnit.WORKING_DAYS, amount)


def due(received: str, time: ProcessingTime, calendar=CALENDAR):  # type: ignore[no-untyped-def]
    return compute_due(received_at=at(received), time=time, calendar=calendar, hours=HOURS)


# --- The shipped 2027 -------------------------------------------------------------------------


def test_2027_ships_tet_and_national_day_announced_the_rest_estimated() -> None:
    year = official_years()[2027]
    assert not year.confirmed
    notes = {n.day: n for n in year.notes()}
    for day in ("2027-02-04", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10"):
        assert notes[d(day)].announced and notes[d(day)].kind is DayKind.OFF
        assert "10065/VPCP-KGVX" in notes[d(day)].source
    for day in ("2027-09-02", "2027-09-03"):
        assert notes[d(day)].announced and notes[d(day)].kind is DayKind.OFF
    assert notes[d("2027-09-04")].kind is DayKind.HOLIDAY  # Sat, part of the 4 days
    estimated = {n.day for n in year.notes() if not n.announced}
    assert estimated == {
        d("2027-01-01"),
        d("2027-04-16"),
        d("2027-04-30"),
        d("2027-05-01"),  # Saturday: its day in lieu is Mon 03/05
        d("2027-05-03"),
        d("2027-11-24"),
    }
    assert not year.extra_working_days  # no make-up Saturday for Tết or National Day
    assert all(n.source for n in year.notes())


def test_2026_as_announced_including_culture_day() -> None:
    year = official_years()[2026]
    assert year.confirmed
    notes = {n.day: n for n in year.notes()}
    assert notes[d("2026-11-24")].announced and notes[d("2026-11-24")].kind is DayKind.OFF
    assert "28/2026/QH16" in notes[d("2026-11-24")].source
    assert year.extra_working_days == {d("2026-01-10"), d("2026-08-22")}
    assert all(n.announced and n.source and n.name for n in year.notes())


# --- Due dates across the holidays ---------------------------------------------------------------


def test_across_tet_2027_announced_no_warning() -> None:
    # Wed 03/02/2027 10:00 + 3 working days: Tết 04-10/02 off -> Thu 11, Fri 12, Mon 15.
    result = due("2027-02-03T10:00", wd(3))
    assert result.due == at("2027-02-15T10:00")
    assert not result.estimated and result.estimated_days == ()


def test_across_national_day_2027_announced_no_warning() -> None:
    # Wed 01/09/2027 10:00 + 2 working days: 02-05/09 off -> Mon 06, Tue 07.
    result = due("2027-09-01T10:00", wd(2))
    assert result.due == at("2027-09-07T10:00")
    assert not result.estimated


def test_across_culture_day_2026_confirmed() -> None:
    # Mon 23/11/2026 10:00 + 1 working day: Tue 24/11 off -> Wed 25/11 10:00.
    result = due("2026-11-23T10:00", wd(1))
    assert result.due == at("2026-11-25T10:00")
    assert not result.estimated


def test_across_culture_day_2027_estimated_and_named() -> None:
    result = due("2027-11-23T10:00", wd(1))
    assert result.due == at("2027-11-25T10:00")
    assert result.estimated
    assert [(n.day, n.name) for n in result.estimated_days] == [
        (d("2027-11-24"), "Ngày Văn hóa Việt Nam")
    ]
    warning = t.estimated_warning(result.estimated_days)
    assert "Ngày Văn hóa Việt Nam 24/11/2027" in warning
    assert "Tết" not in warning and "Giỗ Tổ" not in warning  # not the whole year


def test_period_crossing_1_may_2027_is_flagged() -> None:
    # Thu 29/04/2027 10:00 + 1 working day: Fri 30/04 off, Sat 01/05, Sun, Mon 03/05 in lieu.
    result = due("2027-04-29T10:00", wd(1))
    assert result.due == at("2027-05-04T10:00")
    assert [n.day for n in result.estimated_days] == [
        d("2027-04-30"),
        d("2027-05-01"),
        d("2027-05-03"),
    ]
    warning = t.estimated_warning(result.estimated_days)
    assert "Ngày Quốc tế Lao động (thứ Bảy) 01/05/2027" in warning
    assert "Ngày Chiến thắng 30/04/2027" in warning


def test_calendar_days_ending_on_1_may_2027_flagged() -> None:
    # 3 calendar days from Wed 28/04 end Sat 01/05, moved past Mon 03/05 (in lieu) to Tue 04/05.
    result = due("2027-04-28T10:00", ProcessingTime(TimeUnit.CALENDAR_DAYS, 3))
    assert result.due == at("2027-05-04T17:00")
    assert result.estimated


@pytest.mark.parametrize(
    ("received", "amount", "estimated"),
    [
        ("2027-01-05T10:00", 5, False),  # after New Year, before Tết
        ("2026-12-31T10:00", 1, True),  # crosses Fri 01/01/2027 (estimated)
        ("2027-04-14T10:00", 1, False),  # Thu 15/04: due before Giỗ Tổ
        ("2027-04-14T10:00", 2, True),  # crosses Fri 16/04 (estimated)
        ("2027-06-01T10:00", 20, False),  # June: nothing noted
        ("2026-12-28T10:00", 10, True),  # into 2027, crossing 01/01
    ],
)
def test_warning_only_where_the_period_crosses_an_estimated_day(
    received: str, amount: int, estimated: bool
) -> None:
    assert due(received, wd(amount)).estimated is estimated


def test_supplement_resumed_period_warns_only_for_what_it_crosses() -> None:
    result = due_after_supplement(
        time=wd(1),
        paused_at=at("2027-04-14T10:00"),
        resumed_at=at("2027-04-22T10:00"),
        due_before_pause=at("2027-04-15T10:00"),
        mode="resume",
        calendar=CALENDAR,
        hours=HOURS,
    )
    assert result.due == at("2027-04-23T10:00")
    assert not result.estimated  # 16/04 is while the clock was stopped


def test_warning_groups_days_of_one_name() -> None:
    days = (
        CalendarDay(d("2028-09-01"), DayKind.OFF, name="Quốc khánh"),
        CalendarDay(d("2028-09-04"), DayKind.OFF, name="Quốc khánh"),
        CalendarDay(d("2028-09-09"), DayKind.WORKING),
    )
    text = t.estimated_warning(days)
    assert "Quốc khánh 01/09, 04/09/2028; ngày làm bù 09/09/2028" in text


# --- 24/11 on a weekend: a setting ----------------------------------------------------------------


def test_culture_day_on_saturday_2029_made_up_by_default() -> None:
    year = CALENDAR.year(2029)
    notes = {n.day: n for n in year.notes()}
    assert notes[d("2029-11-24")].kind is DayKind.HOLIDAY  # Saturday
    assert not CALENDAR.is_working_day(d("2029-11-26"))  # Monday in lieu
    result = due("2029-11-23T10:00", wd(1))  # Fri -> (Sat, Sun, Mon off) -> Tue 27/11
    assert result.due == at("2029-11-27T10:00")
    assert [n.day for n in result.estimated_days] == [d("2029-11-24"), d("2029-11-26")]


def test_culture_day_on_saturday_2029_not_made_up_when_set() -> None:
    calendar = default_calendar(culture_day_made_up=False)
    assert calendar.is_working_day(d("2029-11-26"))
    assert not calendar.is_working_day(d("2029-09-04"))  # other days in lieu stay
    result = due("2029-11-23T10:00", wd(1), calendar)
    assert result.due == at("2029-11-26T10:00")
    assert [n.day for n in result.estimated_days] == [d("2029-11-24")]


# --- The province overrides any day ---------------------------------------------------------------


def test_province_announces_one_day_and_moves_another() -> None:
    shipped = official_years()[2027]
    province = shipped.with_overrides(
        add_off=[d("2027-04-16")],  # Giỗ Tổ announced
        remove_off=[d("2027-05-03")],
        add_working=[d("2027-05-08")],
        source="province",
    )
    calendar = default_calendar({2027: province})
    assert not calendar.year(2027).confirmed
    hung = due("2027-04-14T10:00", wd(2), calendar)
    assert hung.due == at("2027-04-19T10:00") and not hung.estimated
    notes = {n.day: n for n in calendar.year(2027).notes()}
    assert notes[d("2027-04-16")].name == "Giỗ Tổ Hùng Vương"  # the shipped name is kept
    assert d("2027-05-03") not in notes
    assert notes[d("2027-05-08")].announced and notes[d("2027-05-08")].kind is DayKind.WORKING
    assert calendar.is_working_day(d("2027-05-03")) and calendar.is_working_day(d("2027-05-08"))


def test_province_year_with_dates_only_keeps_shipped_names_and_its_confirmation() -> None:
    dates_only = YearCalendar(
        2027, frozenset({d("2027-01-01"), d("2027-11-24")}), frozenset(), False, "province"
    )
    calendar = default_calendar({2027: dates_only})
    result = due("2027-11-23T10:00", wd(1), calendar)
    assert [(n.day, n.name, n.source) for n in result.estimated_days] == [
        (d("2027-11-24"), "Ngày Văn hóa Việt Nam", "province")
    ]
    confirmed = default_calendar({2027: YearCalendar(2027, dates_only.days_off, confirmed=True)})
    assert not due("2027-11-23T10:00", wd(1), confirmed).estimated
    assert calendar.is_working_day(d("2027-02-04"))  # the province's year replaced the shipped


def test_legacy_unconfirmed_year_without_notes_has_every_day_estimated() -> None:
    legacy = YearCalendar(2030, frozenset({d("2030-01-01")}), frozenset({d("2030-01-05")}))
    assert [(n.day, n.kind, n.announced) for n in legacy.notes()] == [
        (d("2030-01-01"), DayKind.OFF, False),
        (d("2030-01-05"), DayKind.WORKING, False),
    ]


# --- The wire format --------------------------------------------------------------------------


def test_wire_year_with_days_round_trips_and_without_days_stays_as_before() -> None:
    year = CalendarYearWire(
        2027,
        False,
        ("2027-02-04", "2027-11-24"),
        (),
        (
            CalendarDayWire("2027-02-04", "off", "Tết", "10065/VPCP-KGVX", True),
            CalendarDayWire("2027-11-24", "off", "", "", False),
        ),
    )
    assert CalendarYearWire.from_json(year.to_json()) == year
    old = CalendarYearWire(2026, True, ("2026-11-24",), ())
    assert "days" not in old.to_json()  # what a station of an earlier version reads
    assert CalendarYearWire.from_json(old.to_json()) == old
    # a day without "announced" (an older server never sends one) is announced
    raw = {**old.to_json(), "days": [{"date": "2026-11-24", "kind": "off"}]}
    assert CalendarYearWire.from_json(raw).days[0].announced
