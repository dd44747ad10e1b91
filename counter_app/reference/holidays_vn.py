"""Vietnam's working-day calendar data: announced schedules and estimates for other years.

- ``resources/calendar/official.json`` holds the schedules announced for civil servants
  (2024–2026, one-stop-rules §12): confirmed years.
- Any other year is estimated from the ``holidays`` package (lunar Tết, Hùng Kings day, observed
  days and the swaps it knows), unconfirmed until the province sends the year's announcement.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import holidays

from counter_app.domain.calendar import WorkCalendar, YearCalendar
from counter_app.domain.errors import DomainError, ErrorCode

OFFICIAL_SOURCE = "official"
ESTIMATE_SOURCE = "holidays-package"
_SATURDAY = 5


def _resources_dir() -> Path:
    """The repository's ``resources`` folder (``<root>/resources``)."""
    return Path(__file__).resolve().parents[2] / "resources"


def _official_path() -> Path:
    return _resources_dir() / "calendar" / "official.json"


def _dates(raw: Any, year: int, *, weekend: bool, path: Path) -> frozenset[date]:
    """Parse ISO dates of ``year``; weekend=True requires Sat/Sun, False requires Mon–Fri."""
    if not isinstance(raw, list):
        raise DomainError(ErrorCode.JSON_INVALID, path=str(path), year=year)
    try:
        days = frozenset(date.fromisoformat(str(item)) for item in raw)
    except ValueError as exc:
        raise DomainError(ErrorCode.JSON_INVALID, path=str(path), year=year) from exc
    for day in days:
        if day.year != year or (day.weekday() >= _SATURDAY) != weekend:
            raise DomainError(ErrorCode.JSON_INVALID, path=str(path), date=day.isoformat())
    return days


@lru_cache(maxsize=1)
def _load_official(path: Path) -> tuple[YearCalendar, ...]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DomainError(ErrorCode.FILE_UNREADABLE, path=str(path)) from exc
    except ValueError as exc:
        raise DomainError(ErrorCode.JSON_INVALID, path=str(path)) from exc
    years = data.get("years") if isinstance(data, dict) else None
    if not isinstance(years, dict):
        raise DomainError(ErrorCode.JSON_INVALID, path=str(path))
    calendars = []
    for key, entry in years.items():
        if not (isinstance(key, str) and key.isdigit() and isinstance(entry, dict)):
            raise DomainError(ErrorCode.JSON_INVALID, path=str(path), year=key)
        year = int(key)
        calendars.append(
            YearCalendar(
                year=year,
                days_off=_dates(entry.get("days_off"), year, weekend=False, path=path),
                extra_working_days=_dates(
                    entry.get("extra_working_days", []), year, weekend=True, path=path
                ),
                confirmed=True,
                source=OFFICIAL_SOURCE,
            )
        )
    return tuple(calendars)


def official_years() -> dict[int, YearCalendar]:
    """The announced years shipped with the application, confirmed, source "official".

    Raises ``FILE_UNREADABLE`` / ``JSON_INVALID`` if the shipped file is missing or damaged
    (every date is checked: in its year, days off on weekdays, make-up days on weekends).
    """
    return {calendar.year: calendar for calendar in _load_official(_official_path())}


def estimate_year(year: int) -> YearCalendar:
    """An unconfirmed estimate of ``year`` from the ``holidays`` package.

    Weekday holidays (observed and swapped days included) become days off; the package's
    ``weekend_workdays`` of that year, when it has them, become make-up working days.
    """
    known = holidays.country_holidays("VN", years=year)
    days_off = frozenset(day for day in known if day.year == year and day.weekday() < _SATURDAY)
    weekend_workdays = getattr(known, "weekend_workdays", None) or ()
    extra = frozenset(
        day for day in weekend_workdays if day.year == year and day.weekday() >= _SATURDAY
    )
    return YearCalendar(
        year=year,
        days_off=days_off,
        extra_working_days=extra,
        confirmed=False,
        source=ESTIMATE_SOURCE,
    )


def default_calendar(overrides: Mapping[int, YearCalendar] | None = None) -> WorkCalendar:
    """Official years, replaced year by year by ``overrides``, and estimates for the rest."""
    years = official_years()
    years.update(overrides or {})
    return WorkCalendar(years, estimate=estimate_year)
