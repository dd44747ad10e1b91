"""Vietnam's working-day calendar data: announced schedules and estimates for other years.

- ``resources/calendar/official.json`` holds the schedules announced for civil servants
  (2024–2026, one-stop-rules §12): confirmed years. A year may instead list its ``days`` one
  by one, each with its kind, name, source and whether it is announced (2027: Tết and National
  Day announced by letter 10065/VPCP-KGVX, the rest estimated; law-2026.md §4).
- Any other year is estimated from the ``holidays`` package (lunar Tết, Hùng Kings day, observed
  days and the swaps it knows, named in Vietnamese), unconfirmed until the province sends the
  year's announcement. Vietnamese Culture Day (24/11, from 2026) on a weekend is made up on the
  next Monday unless the station's setting says it is not (law-2026.md §4 leaves it open; the
  first case is Sat 24/11/2029).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from counter_app.domain.calendar import CalendarDay, DayKind, WorkCalendar, YearCalendar
from counter_app.domain.errors import DomainError, ErrorCode

OFFICIAL_SOURCE = "official"
ESTIMATE_SOURCE = "holidays-package"
_SATURDAY = 5
CULTURE_DAY = (11, 24)
CULTURE_DAY_FIRST_YEAR = 2026
# Station setting: is 24/11 on a weekend made up on the next working day (default: yes, as the
# Labour Code's Art. 111.3 does for the other holidays and as the ``holidays`` package assumes).
CULTURE_DAY_SETTING = "culture_day_weekend_made_up"
_KINDS = {kind.value: kind for kind in DayKind}


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
        if "days" in entry:
            calendars.append(
                YearCalendar.from_days(
                    year, _noted_days(entry["days"], year, path), source=OFFICIAL_SOURCE
                )
            )
            continue
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


def _noted_days(raw: Any, year: int, path: Path) -> list[CalendarDay]:
    """The ``days`` of a year: ``{"date", "kind", "name", "source", "announced"}`` each.

    "off" must be a weekday, "working" and "holiday" (a holiday on a weekend) a weekend day;
    every day of ``year``, none twice, a source for each.
    """
    if not isinstance(raw, list):
        raise DomainError(ErrorCode.JSON_INVALID, path=str(path), year=year)
    out: list[CalendarDay] = []
    for item in raw:
        try:
            day = date.fromisoformat(str(item["date"]))
            kind = _KINDS[str(item["kind"])]
            note = CalendarDay(
                day,
                kind,
                name=str(item.get("name", "")),
                source=str(item["source"]),
                announced=item["announced"] is True,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DomainError(ErrorCode.JSON_INVALID, path=str(path), year=year) from exc
        weekend = day.weekday() >= _SATURDAY
        if (
            day.year != year
            or weekend != (kind is not DayKind.OFF)
            or not note.source
            or any(o.day == day for o in out)
        ):
            raise DomainError(ErrorCode.JSON_INVALID, path=str(path), date=day.isoformat())
        out.append(note)
    return out


def official_years() -> dict[int, YearCalendar]:
    """The announced years shipped with the application, confirmed, source "official".

    Raises ``FILE_UNREADABLE`` / ``JSON_INVALID`` if the shipped file is missing or damaged
    (every date is checked: in its year, days off on weekdays, make-up days on weekends).
    """
    return {calendar.year: calendar for calendar in _load_official(_official_path())}


def estimate_year(year: int, *, culture_day_made_up: bool = True) -> YearCalendar:
    """An unconfirmed estimate of ``year`` from the ``holidays`` package.

    Weekday holidays (observed and swapped days included) become days off; holidays on a
    weekend are noted (``DayKind.HOLIDAY``); the package's ``weekend_workdays`` of that year,
    when it has them, become make-up working days. Every day is named in Vietnamese and
    estimated. ``culture_day_made_up=False`` drops the day in lieu of a 24/11 on a weekend.
    """
    import holidays  # here, not at the top: 0.4 s of lunar calendars, for unconfirmed years only

    known = holidays.country_holidays("VN", years=year, language="vi")
    culture = date(year, *CULTURE_DAY)
    notes: list[CalendarDay] = []
    for day, name in sorted(known.items()):
        if day.year != year:
            continue
        in_lieu_of_culture = (
            day != culture
            and year >= CULTURE_DAY_FIRST_YEAR
            and culture.weekday() >= _SATURDAY
            and 0 < (day - culture).days <= 3
            and name.startswith(known.get(culture, "\0"))
        )
        if in_lieu_of_culture and not culture_day_made_up:
            continue
        kind = DayKind.OFF if day.weekday() < _SATURDAY else DayKind.HOLIDAY
        notes.append(CalendarDay(day, kind, name=str(name), source=ESTIMATE_SOURCE))
    weekend_workdays = getattr(known, "weekend_workdays", None) or ()
    notes.extend(
        CalendarDay(day, DayKind.WORKING, source=ESTIMATE_SOURCE)
        for day in sorted(weekend_workdays)
        if day.year == year and day.weekday() >= _SATURDAY
    )
    calendar = YearCalendar.from_days(year, notes, source=ESTIMATE_SOURCE)
    return calendar if not calendar.confirmed else replace(calendar, confirmed=False)


def default_calendar(
    overrides: Mapping[int, YearCalendar] | None = None, *, culture_day_made_up: bool = True
) -> WorkCalendar:
    """Official years, replaced year by year by ``overrides``, and estimates for the rest.

    An override that names no day keeps the names of the year it replaces (shipped or
    estimated), so the officer's warning still says "Tết Dương lịch", not only a date.
    """
    estimate = partial(estimate_year, culture_day_made_up=culture_day_made_up)
    years = official_years()
    for number, override in (overrides or {}).items():
        base = years.get(number) or estimate(number)
        years[number] = override.named_from(base)
    return WorkCalendar(years, estimate=estimate)
