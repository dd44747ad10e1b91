"""Cost of one due-date computation (DESIGN §5: computed live while the officer types).

Run: ``python bench/bench_due.py``. Prints one JSON object: the median cost per call in
microseconds over REPEATS runs of CALLS calls each, for working days (60 and 3), same day and
calendar days, a baseline measured in the same run (``datetime.now(VN_TZ) + timedelta(days=3)``
per call) and each case's ratio to that baseline. Takes a few seconds.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from counter_app.domain.calendar import OfficeHours
from counter_app.domain.due import compute_due
from counter_app.domain.models import VN_TZ
from counter_app.domain.processing_time import SAME_DAY, ProcessingTime, TimeUnit
from counter_app.reference.holidays_vn import default_calendar

REPEATS = 20
CALLS = 2_000


def _median_us(call: Callable[[int], object]) -> float:
    """Median over REPEATS of the mean cost of one call, in microseconds."""
    runs = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        for index in range(CALLS):
            call(index)
        runs.append((time.perf_counter() - started) / CALLS * 1e6)
    return statistics.median(runs)


def main() -> None:
    global REPEATS, CALLS
    if "--smoke" in sys.argv[1:]:  # tiny sizes, run by tests/bench/test_bench_smoke.py
        REPEATS, CALLS = 2, 50
    calendar = default_calendar()
    hours = OfficeHours()
    # Reception instants spread over two years (both confirmed and estimated years), so the
    # cost includes crossing year boundaries and the years' index building is warmed up once.
    start = datetime(2025, 1, 2, 9, 17, tzinfo=VN_TZ)
    received = [start + timedelta(minutes=397 * i) for i in range(CALLS)]
    cases = {
        "working_days_60": ProcessingTime(TimeUnit.WORKING_DAYS, 60),
        "working_days_3": ProcessingTime(TimeUnit.WORKING_DAYS, 3),
        "same_day": SAME_DAY,
        "calendar_days_15": ProcessingTime(TimeUnit.CALENDAR_DAYS, 15),
    }

    def baseline(index: int) -> object:
        return datetime.now(VN_TZ) + timedelta(days=3)

    def case(processing: ProcessingTime) -> Callable[[int], object]:
        def call(index: int) -> object:
            return compute_due(
                received_at=received[index], time=processing, calendar=calendar, hours=hours
            )

        return call

    for processing in cases.values():  # warm-up: build every year's index once
        case(processing)(0)
        for index in range(CALLS):
            case(processing)(index)
    baseline_us = _median_us(baseline)
    medians = {name: _median_us(case(processing)) for name, processing in cases.items()}
    report = {
        "python": platform.python_version(),
        "repeats": REPEATS,
        "calls_per_repeat": CALLS,
        "baseline_now_plus_timedelta_us": round(baseline_us, 3),
        "median_us": {name: round(value, 3) for name, value in medians.items()},
        "ratio_to_baseline": {
            name: round(value / baseline_us, 1) for name, value in medians.items()
        },
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
