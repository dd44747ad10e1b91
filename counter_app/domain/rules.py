"""Rule sets chosen by the reception date (issue 13, item 1).

The law changes under a running dossier: Decree 118/2025 was amended by Decree 309/2026 on
05/08/2026. A dossier keeps the rule set in force at its reception for life (its received event
names it, ``rule_set``), so it follows the same rules and reports the same forever. The rules are
data (resources/rules/rule_sets.json, loaded by :mod:`counter_app.reference.rules`), never
constants in code; this module only holds their shape and the choice by date.

Add a field here and in the JSON when a rule becomes data; every rule set in the JSON names every
field (the loader refuses a file that does not), so an older rule set states its own value
instead of inheriting the newest one silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from counter_app.domain.models import VN_TZ

ClockStart = Literal["counter", "authority"]
DayUnit = Literal["calendar_days", "working_days"]
SupplementMode = Literal["restart", "resume"]


@dataclass(frozen=True, slots=True)
class SupplementReason:
    """A reason a supplement may be asked for: a stable key and the text printed on Mẫu 02."""

    key: str
    text: str


@dataclass(frozen=True, slots=True)
class FeeExemption:
    """A dated fee exemption (e.g. "công dân số", NQ 66.22/2026): valid ``valid_from`` to
    ``valid_to`` inclusive (Vietnam dates), for the listed channels and procedure codes (empty:
    every procedure)."""

    key: str
    basis: str
    valid_from: date
    valid_to: date
    channels: tuple[int, ...] = ()
    procedure_codes: tuple[str, ...] = ()

    def covers(self, on: date) -> bool:
        return self.valid_from <= on <= self.valid_to


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules a dossier is received and followed under."""

    name: str  # stored in the received event, e.g. "ND118-2025/TT03-2025"
    in_force_from: date  # Vietnam date the rule set applies from (inclusive)
    basis: str  # the legal texts, as printed in the help and the report notes
    cross_boundary_clock: ClockStart  # where a cross-boundary dossier's time starts
    transfer_cutoff: str  # "15:00": received after it, transferred next working day
    supplement_reasons: tuple[SupplementReason, ...]
    supplement_expiry_amount: int  # a supplement request unanswered this long closes the dossier
    supplement_expiry_unit: DayUnit
    supplement_mode: SupplementMode  # default of the restart/resume rule (a setting overrides)
    form_captions: Mapping[str, str] = field(default_factory=dict)  # SlipForm value -> caption
    code_shape: str = "circular-04-2025"  # the dossier-code rule in force
    fee_exemptions: tuple[FeeExemption, ...] = ()

    def reason(self, key: str) -> SupplementReason | None:
        """The supplement reason ``key`` of this rule set, None when it has no such reason."""
        for reason in self.supplement_reasons:
            if reason.key == key:
                return reason
        return None


@dataclass(frozen=True, slots=True)
class RuleBook:
    """Every rule set, oldest first."""

    sets: tuple[RuleSet, ...]

    def __post_init__(self) -> None:
        if not self.sets:
            raise ValueError("a rule book holds at least one rule set")
        starts = [s.in_force_from for s in self.sets]
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            raise ValueError("rule sets must be in force from strictly increasing dates")

    def for_reception(self, received_at: datetime | date) -> RuleSet:
        """The rule set in force on the reception's Vietnam date (the oldest before it all)."""
        if isinstance(received_at, datetime):
            on = received_at.astimezone(VN_TZ).date() if received_at.tzinfo else received_at.date()
        else:
            on = received_at
        chosen = self.sets[0]
        for rule_set in self.sets:
            if rule_set.in_force_from <= on:
                chosen = rule_set
        return chosen

    def named(self, name: str) -> RuleSet:
        """The rule set a dossier names; an unknown or empty name (dossiers stored before rule
        sets were data, or from a newer station) falls back to the oldest."""
        for rule_set in self.sets:
            if rule_set.name == name:
                return rule_set
        return self.sets[0]

    def of_dossier(self, rule_set_name: str, received_at: datetime | None) -> RuleSet:
        """The dossier's rules: the one it names, else the one in force at its reception."""
        for rule_set in self.sets:
            if rule_set.name == rule_set_name:
                return rule_set
        return self.for_reception(received_at) if received_at else self.sets[0]


__all__ = [
    "ClockStart",
    "DayUnit",
    "FeeExemption",
    "RuleBook",
    "RuleSet",
    "SupplementMode",
    "SupplementReason",
]
