"""Cross-boundary dossiers (issue 13 item 2): received here, decided by a competent authority
elsewhere (Decree 118/2025 Art. 20, as amended by Decree 309/2026).

A cross-boundary dossier ("hồ sơ tiếp nhận không phụ thuộc địa giới hành chính") has two
instants: the counter's reception (the dossier's ``received_at``) and the competent
authority's receipt (``authority_received_at``, recorded later by an ``authority_received``
event: the hand-over acknowledged, or an event another station made, pulled from the server).

Where its processing time starts is a rule of the dossier's rule set
(``RuleSet.cross_boundary_clock``):

- ``counter`` (Decree 118/2025 as first issued): at the counter's reception, as for any dossier;
  the authority's receipt is recorded but changes no date;
- ``authority`` (Decree 309/2026, from 05/08/2026): at the authority's receipt. Until it is
  recorded the slip gives an *expected* date, counted from the transfer (Art. 18.2, the 15:00
  rule: a dossier received after the cut-off, or on a day off, is transferred at the start of
  the next working day); recording the receipt fixes the due date, counted from it.

Scopes (:data:`SCOPES`): ``other_agency`` (the deciding agency is another body of the
province, e.g. a provincial department, Art. 20.1) and ``other_province`` (the deciding agency
is in another province: only for the procedures on the nationwide list, Art. 14.4 new).
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime

from counter_app.domain.calendar import OfficeHours, WorkCalendar
from counter_app.domain.due import DueDate, compute_due
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.domain.processing_time import ProcessingTime
from counter_app.domain.rules import RuleSet

OTHER_AGENCY = "other_agency"
OTHER_PROVINCE = "other_province"
SCOPES = (OTHER_AGENCY, OTHER_PROVINCE)


def check_scope(scope: str) -> str:
    """``scope`` when it is "" (not cross-boundary) or one of :data:`SCOPES`, else refused."""
    if scope and scope not in SCOPES:
        raise DomainError(ErrorCode.APPLICANT_FIELD_INVALID, field="cross_boundary")
    return scope


def cutoff_time(rules: RuleSet) -> dt.time:
    """The rule set's transfer cut-off ("15:00") as a time of day."""
    hour, _, minute = rules.transfer_cutoff.partition(":")
    return dt.time(int(hour), int(minute or 0))


def transfer_instant(
    received_at: datetime, *, calendar: WorkCalendar, hours: OfficeHours, cutoff: dt.time
) -> datetime:
    """When a dossier received at ``received_at`` is transferred to the competent authority
    (Decree 118/2025 Art. 18.2): the same instant when received on a working day at or before
    the cut-off (15:00:00 exactly is still the same day, as for same-day procedures), else the
    opening of the next working day."""
    if received_at.tzinfo is None:
        raise DomainError(ErrorCode.DATETIME_INVALID, value=received_at.isoformat())
    local = received_at.astimezone(VN_TZ)
    day = local.date()
    if calendar.is_working_day(day) and local.time() <= min(cutoff, hours.closing):
        return local
    return datetime.combine(calendar.next_working_day(day), hours.opening, tzinfo=VN_TZ)


def clock_starts_at_authority(rules: RuleSet, scope: str) -> bool:
    """True when this dossier's time runs from the authority's receipt (module docstring)."""
    return bool(scope) and rules.cross_boundary_clock == "authority"


def expected_due(
    *,
    received_at: datetime,
    time: ProcessingTime,
    rules: RuleSet,
    calendar: WorkCalendar,
    hours: OfficeHours,
) -> tuple[datetime, DueDate]:
    """The transfer instant and the expected due date counted from it (``authority`` rule)."""
    transfer = transfer_instant(
        received_at, calendar=calendar, hours=hours, cutoff=cutoff_time(rules)
    )
    return transfer, compute_due(received_at=transfer, time=time, calendar=calendar, hours=hours)


def due_from_authority(
    *,
    authority_received_at: datetime,
    time: ProcessingTime,
    calendar: WorkCalendar,
    hours: OfficeHours,
) -> DueDate:
    """The due date fixed by the authority's receipt (``authority`` rule)."""
    return compute_due(received_at=authority_received_at, time=time, calendar=calendar, hours=hours)


__all__ = [
    "OTHER_AGENCY",
    "OTHER_PROVINCE",
    "SCOPES",
    "check_scope",
    "clock_starts_at_authority",
    "cutoff_time",
    "due_from_authority",
    "expected_due",
    "transfer_instant",
]
