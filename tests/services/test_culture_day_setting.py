"""24/11 on a weekend (issue 13 item 5): an office setting, made up by default."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from counter_app.domain.models import VN_TZ
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.services.intake import due_for
from counter_app.services.settings import read_settings, update_settings
from counter_app.services.station import StationContext

FRIDAY = datetime(2029, 11, 23, 10, 0, tzinfo=VN_TZ)  # Sat 24/11/2029: Culture Day
ONE_DAY = ProcessingTime(TimeUnit.WORKING_DAYS, 1)


def test_the_setting_decides_whether_monday_26_11_2029_is_worked(
    station: StationContext,
) -> None:
    assert read_settings(station).culture_day_made_up
    made_up = due_for(station, received_at=FRIDAY, time=ONE_DAY)
    assert made_up.due == datetime(2029, 11, 27, 10, 0, tzinfo=VN_TZ)  # Mon 26/11 in lieu
    update_settings(
        station, replace(read_settings(station), culture_day_made_up=False), officer="quantri"
    )
    assert not read_settings(station).culture_day_made_up
    worked = due_for(station, received_at=FRIDAY, time=ONE_DAY)
    assert worked.due == datetime(2029, 11, 26, 10, 0, tzinfo=VN_TZ)
    assert [n.day.isoformat() for n in worked.estimated_days] == ["2029-11-24"]
