"""Stored calendars (issue 13 item 5, m0030): the days' notes round-trip; a year stored by an
older version (no notes) is still read, its days announced as its year was confirmed."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path

from counter_app.app import open_station
from counter_app.domain.calendar import CalendarDay, DayKind, YearCalendar
from counter_app.domain.clock import FixedClock
from counter_app.domain.models import VN_TZ
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.services.intake import due_for
from counter_app.services.station import StationContext

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "counter-schema-m0005.db"
NOW = datetime(2027, 11, 1, 9, 0, tzinfo=VN_TZ)


def test_notes_round_trip(station: StationContext) -> None:
    year = YearCalendar.from_days(
        2027,
        [
            CalendarDay(date(2027, 2, 4), DayKind.OFF, "Tết", "10065/VPCP-KGVX", True),
            CalendarDay(date(2027, 5, 1), DayKind.HOLIDAY, "Lao động", "estimate", False),
            CalendarDay(date(2027, 5, 8), DayKind.WORKING, "", "province", True),
        ],
        source="province",
    )
    with station.store.db.atomic():
        station.store.reference.save_calendar_year(year, at=NOW)
    assert station.store.reference.calendar_overrides()[2027] == year


def test_a_year_stored_before_notes_is_read_after_the_upgrade(
    tmp_path: Path, clock: FixedClock
) -> None:
    folder = tmp_path / "st"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / "counter.db")
    conn = sqlite3.connect(folder / "counter.db")
    with conn:  # as the older version stored a province year
        conn.execute(
            "INSERT INTO calendar_years (year, confirmed, source, days_off, extra_working_days,"
            " updated_at) VALUES (2027, 1, 'province', '[\"2027-11-24\"]', '[]', ?)",
            (NOW.isoformat(),),
        )
        conn.execute(
            "INSERT INTO calendar_years (year, confirmed, source, days_off, extra_working_days,"
            " updated_at) VALUES (2028, 0, 'province', '[\"2028-01-03\"]', '[]', ?)",
            (NOW.isoformat(),),
        )
    conn.close()
    ctx = open_station(folder, clock=clock)
    try:
        stored = ctx.store.reference.calendar_overrides()
        assert stored[2027].days == () and stored[2027].confirmed
        one_day = ProcessingTime(TimeUnit.WORKING_DAYS, 1)
        culture = due_for(ctx, received_at=datetime(2027, 11, 23, 10, tzinfo=VN_TZ), time=one_day)
        assert culture.due == datetime(2027, 11, 25, 10, tzinfo=VN_TZ) and not culture.estimated
        # An unconfirmed old year: its day is estimated, named from the estimate it replaces.
        new_year = due_for(ctx, received_at=datetime(2027, 12, 31, 10, tzinfo=VN_TZ), time=one_day)
        assert [(n.day, n.name) for n in new_year.estimated_days] == [
            (date(2028, 1, 3), "Tết Dương lịch (nghỉ bù)")
        ]
    finally:
        ctx.store.close()
