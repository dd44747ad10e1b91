"""Working-day calendar and office hours (DESIGN §5, one-stop-rules §6 and §12).

A working day is Monday to Friday, minus the year's days off (public holidays, observed and
compensatory days, swapped bridge days), plus the year's make-up working days (the Saturdays
worked in exchange). Each year comes from one :class:`YearCalendar`: the announced schedule
("official"), a province override, or an estimate computed for a year nobody confirmed yet;
due dates computed with an estimated year must say so.

:class:`WorkCalendar` answers day questions in constant time per year: each year is indexed
once (a flag and a running count of working days per day of the year), so adding 60 or 600
working days touches one or two years, never a day-by-day loop.

Pure standard library: nothing here knows where the years come from
(see ``counter_app.reference.holidays_vn``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from enum import StrEnum

from counter_app.domain.errors import DomainError, ErrorCode

_SATURDAY = 5
MIN_YEAR = 1900
MAX_YEAR = 9998  # one year of margin below date.max for "next working day" look-ups


class DayKind(StrEnum):
    """What a noted day of the calendar is."""

    OFF = "off"  # a weekday not worked (holiday, day in lieu, swapped bridge day)
    WORKING = "working"  # a weekend day worked (make-up day)
    HOLIDAY = "holiday"  # a holiday on a weekend: no effect itself (its day in lieu is OFF)


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One day off or make-up day of a year, with its name, its source and whether it is
    announced (an official or province text) or only estimated (law-2026.md §4)."""

    day: date
    kind: DayKind
    name: str = ""
    source: str = ""
    announced: bool = False


@dataclass(frozen=True, slots=True)
class YearCalendar:
    """One calendar year's exceptions to the Monday–Friday week.

    ``days_off``: weekday dates not worked; ``extra_working_days``: weekend dates worked.
    Every date must belong to ``year`` (else ``CALENDAR_YEAR_UNSUPPORTED``). If a date is in
    both sets, it is worked (make-up days win; :meth:`with_overrides` never leaves both).
    ``confirmed`` is False for an estimate; ``source`` says where the year came from
    ("official", "holidays-package", "province", ...).

    ``days`` notes the days one by one (name, source, announced or estimated; issue 13 item 5),
    so a year can be partly announced (2027: Tết and National Day announced, the rest
    estimated). A day off or make-up day without a note is announced when the year is
    ``confirmed`` (years stored or published before notes existed); a note of a weekend holiday
    (``DayKind.HOLIDAY``) changes no working day but is named when a period crosses it. The
    notes never decide what is worked: ``days_off`` and ``extra_working_days`` do.
    """

    year: int
    days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    confirmed: bool = False
    source: str = ""
    days: tuple[CalendarDay, ...] = ()

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise DomainError(ErrorCode.CALENDAR_YEAR_UNSUPPORTED, year=self.year)
        for day in (*self.days_off, *self.extra_working_days, *(n.day for n in self.days)):
            if day.year != self.year:
                raise DomainError(
                    ErrorCode.CALENDAR_YEAR_UNSUPPORTED, year=self.year, date=day.isoformat()
                )

    @classmethod
    def from_days(cls, year: int, days: Iterable[CalendarDay], *, source: str) -> YearCalendar:
        """A year made of its noted days: OFF days are the days off, WORKING days the make-up
        days; confirmed when every note is announced. A later note of the same date wins."""
        by_day = {note.day: note for note in days}
        notes = tuple(sorted(by_day.values(), key=lambda n: n.day))
        return cls(
            year=year,
            days_off=frozenset(n.day for n in notes if n.kind is DayKind.OFF),
            extra_working_days=frozenset(n.day for n in notes if n.kind is DayKind.WORKING),
            confirmed=all(n.announced for n in notes),
            source=source,
            days=notes,
        )

    def notes(self) -> tuple[CalendarDay, ...]:
        """Every day off, make-up day and noted weekend holiday, by date; days without a note
        of their own get one (no name, the year's source, announced when ``confirmed``)."""
        by_day = {n.day: n for n in self.days}
        for day in self.days_off:
            if day not in by_day or by_day[day].kind is not DayKind.OFF:
                by_day[day] = self._default_note(day, DayKind.OFF, by_day.get(day))
        for day in self.extra_working_days:
            if day not in by_day or by_day[day].kind is not DayKind.WORKING:
                by_day[day] = self._default_note(day, DayKind.WORKING, by_day.get(day))
        for day, note in list(by_day.items()):
            if note.kind is not DayKind.HOLIDAY and not (
                day in self.days_off or day in self.extra_working_days
            ):
                del by_day[day]  # a note the year's sets no longer hold (an override removed it)
            elif note.kind is DayKind.HOLIDAY and day in self.extra_working_days:
                del by_day[day]
        return tuple(sorted(by_day.values(), key=lambda n: n.day))

    def _default_note(self, day: date, kind: DayKind, old: CalendarDay | None) -> CalendarDay:
        return CalendarDay(
            day, kind, name=old.name if old else "", source=self.source, announced=self.confirmed
        )

    def estimated_days(self, first: date, last: date) -> tuple[CalendarDay, ...]:
        """The notes not announced, dated ``first`` to ``last`` (both included)."""
        return tuple(n for n in self.notes() if not n.announced and first <= n.day <= last)

    def named_from(self, other: YearCalendar) -> YearCalendar:
        """This year with the names of ``other``'s notes for days it notes without a name (a
        province year published with dates only keeps the shipped names)."""
        names = {n.day: n.name for n in other.notes() if n.name}
        notes = tuple(
            replace(n, name=names.get(n.day, "")) if not n.name else n for n in self.notes()
        )
        return replace(self, days=notes)

    def with_overrides(
        self,
        *,
        add_off: Iterable[date] = (),
        add_working: Iterable[date] = (),
        remove_off: Iterable[date] = (),
        remove_working: Iterable[date] = (),
        confirmed: bool | None = None,
        source: str | None = None,
    ) -> YearCalendar:
        """Return a copy with a province's changes applied (this object is unchanged).

        Removals apply first, then additions. A date added as off stops being a make-up
        working day, and a date added as working stops being a day off, so the result always
        says what the province said last. ``confirmed``/``source`` are kept unless given.
        Every day added is announced (noted with ``source``); ``confirmed=True`` announces all.
        """
        off_added = frozenset(add_off)
        working_added = frozenset(add_working)
        days_off = (self.days_off - frozenset(remove_off) - working_added) | off_added
        extra = (self.extra_working_days - frozenset(remove_working) - off_added) | working_added
        changed = off_added | working_added
        by_source = self.source if source is None else source
        notes = tuple(
            replace(
                n,
                kind=DayKind.OFF if n.day in off_added else DayKind.WORKING,
                source=by_source,
                announced=True,
            )
            if n.day in changed
            else n
            for n in self.notes()
        )
        known = {n.day for n in notes}
        notes += tuple(
            CalendarDay(
                day,
                DayKind.OFF if day in off_added else DayKind.WORKING,
                source=by_source,
                announced=True,
            )
            for day in sorted(changed - known)
        )
        kept = replace(
            self,
            days_off=days_off,
            extra_working_days=extra,
            confirmed=self.confirmed if confirmed is None else confirmed,
            source=by_source,
            days=tuple(sorted(notes, key=lambda n: n.day)),
        )
        if confirmed:  # the province confirms the whole year: every day is announced
            kept = replace(kept, days=tuple(replace(n, announced=True) for n in kept.notes()))
        return replace(kept, days=kept.notes())

    def is_working_day(self, day: date) -> bool:
        """Mon–Fri not in ``days_off``, or any day in ``extra_working_days``."""
        if day in self.extra_working_days:
            return True
        return day.weekday() < _SATURDAY and day not in self.days_off


@dataclass(frozen=True, slots=True)
class _YearIndex:
    """Per-year lookup tables: ``counts[i]`` = working days among days 1..i of the year."""

    first_ordinal: int
    counts: tuple[int, ...]
    working: tuple[date, ...] = field(repr=False)

    @property
    def total(self) -> int:
        return self.counts[-1]

    @classmethod
    def build(cls, calendar: YearCalendar) -> _YearIndex:
        start = date(calendar.year, 1, 1)
        days = (date(calendar.year + 1, 1, 1) - start).days
        counts = [0]
        working: list[date] = []
        for offset in range(days):
            day = start + timedelta(days=offset)
            if calendar.is_working_day(day):
                working.append(day)
            counts.append(len(working))
        return cls(start.toordinal(), tuple(counts), tuple(working))

    def rank(self, day: date) -> int:
        """Working days of this year on or before ``day``."""
        return self.counts[day.toordinal() - self.first_ordinal + 1]

    def is_working(self, day: date) -> bool:
        position = day.toordinal() - self.first_ordinal + 1
        return self.counts[position] != self.counts[position - 1]


class WorkCalendar:
    """Working days over many years; unknown years come from ``estimate`` (cached).

    Guarantees: an estimated year is never ``confirmed`` and none of its days is announced;
    without ``estimate`` a year that
    was not given raises ``CALENDAR_YEAR_UNSUPPORTED``. All methods are pure functions of
    the years given (the calendar never looks at today's date).
    """

    def __init__(
        self,
        years: Mapping[int, YearCalendar],
        *,
        estimate: Callable[[int], YearCalendar] | None = None,
    ) -> None:
        for key, calendar in years.items():
            if key != calendar.year:
                raise DomainError(ErrorCode.CALENDAR_YEAR_UNSUPPORTED, year=key)
        self._years: dict[int, YearCalendar] = dict(years)
        self._estimate = estimate
        self._index: dict[int, _YearIndex] = {}
        self._estimated: dict[int, tuple[CalendarDay, ...]] = {}

    def year(self, year: int) -> YearCalendar:
        """The calendar of ``year``: given, or estimated (unconfirmed) and cached."""
        calendar = self._years.get(year)
        if calendar is not None:
            return calendar
        if self._estimate is None or not MIN_YEAR <= year <= MAX_YEAR:
            raise DomainError(ErrorCode.CALENDAR_YEAR_UNSUPPORTED, year=year)
        calendar = self._estimate(year)
        if calendar.year != year:
            raise DomainError(ErrorCode.CALENDAR_YEAR_UNSUPPORTED, year=year)
        if calendar.confirmed or any(n.announced for n in calendar.days):
            notes = tuple(replace(n, announced=False) for n in calendar.notes())
            calendar = replace(calendar, confirmed=False, days=notes)
        self._years[year] = calendar
        return calendar

    def estimated_days(self, first: date, last: date) -> tuple[CalendarDay, ...]:
        """The days off, make-up days and holidays not announced from ``first`` to ``last``
        (both included, in date order): what a period crossing them must warn about."""
        if last < first:
            first, last = last, first
        out: list[CalendarDay] = []
        for year in range(first.year, last.year + 1):
            notes = self._estimated.get(year)
            if notes is None:
                notes = self.year(year).estimated_days(date.min, date.max)
                self._estimated[year] = notes
            out.extend(n for n in notes if first <= n.day <= last)
        return tuple(out)

    def is_confirmed(self, year: int) -> bool:
        return self.year(year).confirmed

    def _year_index(self, year: int) -> _YearIndex:
        index = self._index.get(year)
        if index is None:
            index = _YearIndex.build(self.year(year))
            self._index[year] = index
        return index

    def is_working_day(self, day: date) -> bool:
        """Mon–Fri not in the year's days off, or one of its make-up working days."""
        return self._year_index(day.year).is_working(day)

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day strictly after ``day``.

        ``count == 0`` gives :meth:`working_day_on_or_after`. Negative counts raise
        ``ValueError``. Cost: one table look-up per calendar year crossed.
        """
        if count < 0:
            raise ValueError("count must be >= 0")
        if count == 0:
            return self.working_day_on_or_after(day)
        year = day.year
        index = self._year_index(year)
        already = index.rank(day)
        while already + count > index.total:
            count -= index.total - already
            already = 0
            year += 1
            index = self._year_index(year)
        return index.working[already + count - 1]

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def working_day_on_or_after(self, day: date) -> date:
        """``day`` itself if it is a working day, else the next one."""
        return day if self.is_working_day(day) else self.add_working_days(day, 1)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days ``d`` with ``start < d <= end``; negative (swapped) when end < start.

        So ``working_days_between(d, add_working_days(d, n)) == n`` for every n >= 1.
        """
        if end < start:
            return -self.working_days_between(end, start)
        total = self._year_index(end.year).rank(end) - self._year_index(start.year).rank(start)
        for year in range(start.year, end.year):
            total += self._year_index(year).total
        return total


def _seconds(value: time) -> float:
    return value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """An office's working sessions in a day and its same-day cut-off.

    Guarantees (else ``OFFICE_HOURS_INVALID``): at least one session, each starting before
    it ends, sessions in order and not overlapping (touching is allowed), naive times, and
    ``opening <= cutoff <= closing``.
    """

    sessions: tuple[tuple[time, time], ...] = (
        (time(7, 0), time(11, 30)),
        (time(13, 30), time(17, 0)),
    )
    cutoff: time = time(15, 0)

    def __post_init__(self) -> None:
        if not self.sessions:
            raise DomainError(ErrorCode.OFFICE_HOURS_INVALID)
        previous_end: time | None = None
        for session in self.sessions:
            if len(session) != 2:
                raise DomainError(ErrorCode.OFFICE_HOURS_INVALID)
            start, end = session
            if start.tzinfo is not None or end.tzinfo is not None or not start < end:
                raise DomainError(ErrorCode.OFFICE_HOURS_INVALID, start=str(start), end=str(end))
            if previous_end is not None and start < previous_end:
                raise DomainError(ErrorCode.OFFICE_HOURS_INVALID, start=str(start))
            previous_end = end
        if self.cutoff.tzinfo is not None or not self.opening <= self.cutoff <= self.closing:
            raise DomainError(ErrorCode.OFFICE_HOURS_INVALID, cutoff=str(self.cutoff))

    @property
    def opening(self) -> time:
        return self.sessions[0][0]

    @property
    def closing(self) -> time:
        return self.sessions[-1][1]

    @property
    def hours_per_day(self) -> float:
        """Working hours in one day (8.0 for the default 07:00–11:30, 13:30–17:00)."""
        return sum(_seconds(end) - _seconds(start) for start, end in self.sessions) / 3600
