"""Due dates ("ngày hẹn trả kết quả"): computation, supplement pauses, apology extensions.

Rules (DESIGN §5, one-stop-rules §1.9, law-2025 §1.8 and §1.19):

- Working days and working hours are counted in working time (``hours.hours_per_day`` hours
  per working day, only inside the office sessions of working days). The due instant keeps
  the time of day of reception (Mon 10:00 + 2 working days = Wed 10:00). Reception outside
  office hours (before opening, at lunch, after closing, on a day off) starts the count at the
  next opening. A count that ends exactly at the end of a session is due at that session's end.
- Calendar days: the reception day is not counted (Civil Code Art. 147); the period ends on
  reception date + n days, moved to the next working day if that one is not worked, at closing.
- Months: the same date n months later (clamped to the month's end), moved the same way.
- Same day: closing time of the reception day; received after the cut-off (strictly after:
  15:00:00 exactly is still the same day), after closing or on a day off: closing time of the
  next working day.
- Amounts of 0 working days / calendar days / months mean "same day" (catalogue convention);
  fractional calendar days or months are rounded up.

All instants are timezone-aware; inputs are converted to Vietnam time (UTC+7) and results are in
Vietnam time. Naive datetimes are refused with ``DATETIME_INVALID``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Literal

from counter_app.domain.calendar import CalendarDay, OfficeHours, WorkCalendar
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.domain.processing_time import ProcessingTime, TimeUnit

_US_PER_HOUR = 3_600_000_000
_WORKING_UNITS = (TimeUnit.WORKING_DAYS, TimeUnit.WORKING_HOURS)
_DAY_UNITS = (TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS, TimeUnit.MONTHS)


@dataclass(frozen=True, slots=True)
class DueDate:
    """A computed due instant (None: the procedure has no fixed date).

    ``years_used``: every calendar year whose days were consulted, in order (at least the
    reception year and the due year). ``estimated_days``: the days off, make-up days and
    holidays not yet announced that the period crosses (reception day to due day, both
    included); ``estimated``: there is at least one, so the officer must be told which and that
    the date may move (issue 13 item 5: only where the period crosses an estimated day).
    """

    due: datetime | None
    years_used: tuple[int, ...]
    estimated: bool
    estimated_days: tuple[CalendarDay, ...] = ()

    @property
    def confirmed(self) -> bool:
        return not self.estimated


# --- Office-hours layout in microseconds of the day -------------------------------------------


def _micro(value: dt.time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond


@dataclass(frozen=True, slots=True)
class _Layout:
    """Office sessions as microseconds since midnight; ``length`` = working time of a day."""

    sessions: tuple[tuple[int, int], ...]
    length: int
    opening: int
    closing: int

    def worked_until(self, instant: int) -> int:
        """Working microseconds of a working day between midnight and ``instant``."""
        return sum(min(max(instant - start, 0), end - start) for start, end in self.sessions)

    def position_after(self, instant: int, amount: int) -> int:
        """The instant ``amount`` (> 0, at most what is left today) working µs after ``instant``.

        A count ending exactly at a session's end stays at that end (never the next start).
        """
        for start, end in self.sessions:
            if instant >= end:
                continue
            current = max(start, instant)
            if amount <= end - current:
                return current + amount
            amount -= end - current
        raise AssertionError("amount exceeds the working time left in the day")


@lru_cache(maxsize=64)
def _layout(hours: OfficeHours) -> _Layout:
    sessions = tuple((_micro(start), _micro(end)) for start, end in hours.sessions)
    length = sum(end - start for start, end in sessions)
    return _Layout(sessions, length, sessions[0][0], sessions[-1][1])


# --- Instants ---------------------------------------------------------------------------------


def _local(value: datetime) -> datetime:
    """``value`` in Vietnam time; naive datetimes raise ``DATETIME_INVALID``."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise DomainError(ErrorCode.DATETIME_INVALID, value=value.isoformat())
    return value.astimezone(VN_TZ)


def _at(day: date, micro: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=VN_TZ) + timedelta(microseconds=micro)


def _start_position(local: datetime, calendar: WorkCalendar, layout: _Layout) -> tuple[date, int]:
    """The first working instant at or after ``local`` (same instant if inside a session)."""
    day = local.date()
    instant = _micro(local.time())
    if calendar.is_working_day(day):
        for start, end in layout.sessions:
            if instant < end:
                return day, max(start, instant)
    return calendar.next_working_day(day), layout.opening


def _add_micro(
    local: datetime, amount: int, calendar: WorkCalendar, layout: _Layout
) -> tuple[date, int]:
    """Position ``amount`` working µs after ``local``; whole days are skipped in one step."""
    day, instant = _start_position(local, calendar, layout)
    if amount <= 0:
        return day, instant
    left_today = layout.length - layout.worked_until(instant)
    if amount > left_today:
        rest = amount - left_today
        skip = -(-rest // layout.length)  # ceil: the working day on which the count ends
        day = calendar.add_working_days(day, skip)
        amount = rest - (skip - 1) * layout.length
        instant = layout.opening
    return day, layout.position_after(instant, amount)


def _worked_micro(
    first: datetime, second: datetime, calendar: WorkCalendar, layout: _Layout
) -> int:
    """Working µs in [first, second] (both local, first <= second), without walking days."""
    day_a, day_b = first.date(), second.date()
    working_a = calendar.is_working_day(day_a)
    working_b = calendar.is_working_day(day_b)
    done_a = layout.worked_until(_micro(first.time())) if working_a else 0
    done_b = layout.worked_until(_micro(second.time())) if working_b else 0
    whole = calendar.working_days_between(day_a, day_b) + working_a - working_b
    return whole * layout.length + done_b - done_a


def add_working_hours(
    start: datetime, hours_amount: float, *, calendar: WorkCalendar, hours: OfficeHours
) -> datetime:
    """The instant ``hours_amount`` working hours after ``start`` (Vietnam time).

    Guarantees: the result is >= ``start``, is monotone in both arguments, and lies inside a
    session (a session's end included) of a working day. Zero gives the first working instant
    at or after ``start``. Precision: one microsecond. Negative amounts raise ``ValueError``.
    """
    if hours_amount < 0:
        raise ValueError("hours_amount must be >= 0")
    amount = round(hours_amount * _US_PER_HOUR)
    day, instant = _add_micro(_local(start), amount, calendar, _layout(hours))
    return _at(day, instant)


def working_hours_between(
    start: datetime, end: datetime, *, calendar: WorkCalendar, hours: OfficeHours
) -> float:
    """Working hours between two instants (negative when ``end`` is before ``start``).

    ``working_hours_between(s, add_working_hours(s, h)) == h`` up to one microsecond.
    """
    first, second = _local(start), _local(end)
    if second < first:
        return -working_hours_between(end, start, calendar=calendar, hours=hours)
    return _worked_micro(first, second, calendar, _layout(hours)) / _US_PER_HOUR


# --- Due dates --------------------------------------------------------------------------------


def _effective_unit(time: ProcessingTime) -> TimeUnit:
    """The rule to apply: 0 working days / calendar days / months mean "same day"."""
    if time.unit in _DAY_UNITS and time.amount == 0:
        return TimeUnit.SAME_DAY
    return time.unit


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last = (next_month - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def _same_day_due(
    local: datetime, calendar: WorkCalendar, hours: OfficeHours, cutoff: dt.time | None
) -> datetime:
    limit = hours.cutoff if cutoff is None else cutoff
    if limit.tzinfo is not None:
        raise DomainError(ErrorCode.OFFICE_HOURS_INVALID, cutoff=str(limit))
    day, moment = local.date(), local.time()
    if not (calendar.is_working_day(day) and moment <= limit and moment <= hours.closing):
        day = calendar.next_working_day(day)
    return datetime.combine(day, hours.closing, tzinfo=VN_TZ)


def _closing_on_or_after(day: date, calendar: WorkCalendar, hours: OfficeHours) -> datetime:
    return datetime.combine(calendar.working_day_on_or_after(day), hours.closing, tzinfo=VN_TZ)


def _due_instant(
    local: datetime,
    time: ProcessingTime,
    calendar: WorkCalendar,
    hours: OfficeHours,
    cutoff: dt.time | None,
) -> datetime:
    """The due instant for a procedure that has one (UNKNOWN / NO_DUE_DATE handled before)."""
    unit = _effective_unit(time)
    if unit in _WORKING_UNITS:
        per_unit = hours.hours_per_day if unit is TimeUnit.WORKING_DAYS else 1.0
        amount = round(time.amount * per_unit * _US_PER_HOUR)
        day, instant = _add_micro(local, amount, calendar, _layout(hours))
        return _at(day, instant)
    if unit is TimeUnit.CALENDAR_DAYS:
        end = local.date() + timedelta(days=math.ceil(time.amount))
        return _closing_on_or_after(end, calendar, hours)
    if unit is TimeUnit.MONTHS:
        end = _add_months(local.date(), math.ceil(time.amount))
        return _closing_on_or_after(end, calendar, hours)
    return _same_day_due(local, calendar, hours, cutoff)


def _result(
    due: datetime | None,
    years: set[int],
    calendar: WorkCalendar,
    spans: tuple[tuple[datetime, datetime], ...] = (),
) -> DueDate:
    used = tuple(sorted(years))
    days: dict[date, CalendarDay] = {}
    for first, last in spans:
        days.update((n.day, n) for n in calendar.estimated_days(first.date(), last.date()))
    crossed = tuple(days[day] for day in sorted(days))
    return DueDate(due=due, years_used=used, estimated=bool(crossed), estimated_days=crossed)


def _years(first: datetime, last: datetime) -> set[int]:
    return set(range(first.year, last.year + 1))


def compute_due(
    *,
    received_at: datetime,
    time: ProcessingTime,
    calendar: WorkCalendar,
    hours: OfficeHours,
    cutoff: dt.time | None = None,
) -> DueDate:
    """The due date of a dossier received at ``received_at`` (see the module rules).

    Guarantees: ``due >= received_at``; ``due`` is on a working day, inside office hours or
    exactly at a session's end; ``estimated`` is True when the period crosses a day not
    announced yet (``estimated_days``).
    ``cutoff`` overrides ``hours.cutoff`` for same-day procedures. UNKNOWN raises
    ``TIME_UNKNOWN_FOR_PROCEDURE``; NO_DUE_DATE gives ``due=None``.
    """
    local = _local(received_at)
    if time.unit is TimeUnit.UNKNOWN:
        raise DomainError(ErrorCode.TIME_UNKNOWN_FOR_PROCEDURE)
    if time.unit is TimeUnit.NO_DUE_DATE:
        return _result(None, {local.year}, calendar)
    due = _due_instant(local, time, calendar, hours, cutoff)
    return _result(due, _years(local, due), calendar, ((local, due),))


def _resumed_due(
    time: ProcessingTime,
    paused: datetime,
    resumed: datetime,
    before: datetime,
    calendar: WorkCalendar,
    hours: OfficeHours,
) -> datetime:
    """Resume mode: what was left at the pause, counted again from ``resumed``."""
    if _effective_unit(time) in _WORKING_UNITS:
        layout = _layout(hours)
        left = _worked_micro(paused, before, calendar, layout) if before > paused else 0
        return _at(*_add_micro(resumed, left, calendar, layout))
    left_days = max(0, (before.date() - paused.date()).days)
    due = _closing_on_or_after(resumed.date() + timedelta(days=left_days), calendar, hours)
    if due < resumed:
        due = datetime.combine(calendar.next_working_day(due.date()), hours.closing, tzinfo=VN_TZ)
    return due


def due_after_supplement(
    *,
    time: ProcessingTime,
    paused_at: datetime,
    resumed_at: datetime,
    due_before_pause: datetime | None,
    mode: Literal["restart", "resume"],
    calendar: WorkCalendar,
    hours: OfficeHours,
) -> DueDate:
    """The due date once a supplemented dossier is complete again.

    ``restart`` (Decree 118/2025 Art. 19.5, the default): the full time counted from
    ``resumed_at`` as if received then. ``resume``: the time left at the pause (working hours
    for working kinds, calendar days for calendar kinds) is counted from ``resumed_at``
    (outside office hours: from the next opening); a same-day procedure is due as if received at
    ``resumed_at``. ``resumed_at`` before ``paused_at`` raises ``DATETIME_INVALID``; resume
    without ``due_before_pause`` raises ``NO_DUE_DATE``.
    """
    paused, resumed = _local(paused_at), _local(resumed_at)
    if resumed < paused:
        raise DomainError(ErrorCode.DATETIME_INVALID, value=resumed_at.isoformat())
    if mode not in ("restart", "resume"):
        raise ValueError(f"unknown supplement mode: {mode!r}")
    unit = _effective_unit(time)
    if mode == "restart" or not time.has_due_date or unit is TimeUnit.SAME_DAY:
        return compute_due(received_at=resumed_at, time=time, calendar=calendar, hours=hours)
    if due_before_pause is None:
        raise DomainError(ErrorCode.NO_DUE_DATE)
    before = _local(due_before_pause)
    due = _resumed_due(time, paused, resumed, before, calendar, hours)
    years = _years(paused, before) | _years(resumed, due)
    return _result(due, years, calendar, ((resumed, due),))


def check_apology(
    *, issued_at: datetime, current_due: datetime | None, new_due: datetime, already_issued: bool
) -> None:
    """Refuse an apology-and-new-date letter that the rules do not allow (Decree 118 Art. 19.6).

    Checked in this order: the dossier has a due date (``NO_DUE_DATE``); no letter was issued
    before (``APOLOGY_ALREADY_ISSUED``: once only); issued at the latest the day before the due
    date, by Vietnam calendar date (``APOLOGY_TOO_LATE``); the new date is later than the
    current one (``APOLOGY_DATE_NOT_LATER``). Returns None when the letter may be issued.
    """
    if current_due is None:
        raise DomainError(ErrorCode.NO_DUE_DATE)
    if already_issued:
        raise DomainError(ErrorCode.APOLOGY_ALREADY_ISSUED)
    issued, due, new = _local(issued_at), _local(current_due), _local(new_due)
    if issued.date() > due.date() - timedelta(days=1):
        raise DomainError(
            ErrorCode.APOLOGY_TOO_LATE, due=due.date().isoformat(), issued=issued.isoformat()
        )
    if new <= due:
        raise DomainError(ErrorCode.APOLOGY_DATE_NOT_LATER, due=due.isoformat())
