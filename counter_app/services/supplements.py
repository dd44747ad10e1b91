"""Supplement requests that wait, and those that expire (issue 13, item 4).

Decree 118/2025 Art. 19.5: a supplement request the applicant has not answered within 15 days
(or the sector law's period) closes the dossier as not completed. The period (count and unit)
is rule data of the dossier's rule set (``RuleSet.supplement_expiry_amount/unit``, chosen by
the ``rule_set`` its received event names), never a constant here.

Guarantees:

- :func:`supplement_waits` lists every dossier waiting for a supplement with the instant its
  request expires (``limit_at``), oldest limit first; reads only;
- :func:`close_expired` closes, when the station runs past a limit, every dossier whose
  request expired: one ``supplement_expired`` event each (status ``stopped``, outcome
  ``supplement_expired``), its outbox entry, the new projection and an audit entry, in one
  transaction per dossier. The event is dated at the limit itself (or just after the
  dossier's latest event), so two stations that close the same dossier write the same
  closure; the shared projection counts a second closure as the same one (never a conflict);
- a dossier the station closed once is not closed again (its status is no longer
  ``supplement_requested``); running it twice changes nothing the second time.

The restart/resume rule applied when a supplement arrives is :func:`supplement_mode`: the
admin's setting when one is chosen, else the dossier's rule set's default.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from counter_app.domain.changes import Changes
from counter_app.domain.dossier import Dossier, EventKind, Status, apply_event
from counter_app.domain.models import VN_TZ
from counter_app.domain.rules import RuleSet, SupplementMode
from counter_app.reference.rules import dossier_rules, shipped_rule_book
from counter_app.services.station import StationContext

SOON_DAYS = 3  # "closing within 3 days" in the reminders
MODE_SETTING = "supplement_mode"
MODE_FROM_RULES = "rule_set"  # the setting's value: follow each dossier's rule set
MODES = (MODE_FROM_RULES, "restart", "resume")
OUTCOME = "supplement_expired"


@dataclass(frozen=True, slots=True)
class SupplementWait:
    """A dossier waiting for its supplement and when its request expires."""

    dossier: Dossier
    requested_at: datetime
    limit_at: datetime
    rule_set: RuleSet

    def closing_soon(self, now: datetime) -> bool:
        return now < self.limit_at <= now + timedelta(days=SOON_DAYS)

    def expired(self, now: datetime) -> bool:
        return self.limit_at <= now

    def to_json(self, now: datetime) -> dict[str, Any]:
        d = self.dossier
        return {
            "code": d.code,
            "uuid": d.uuid,
            "applicant": d.applicant.name,
            "procedure": d.procedure_name,
            "requested_at": self.requested_at.isoformat(),
            "limit_at": self.limit_at.isoformat(),
            "days_left": max(0, (self.limit_at - now).days),
            "closing_soon": self.closing_soon(now),
            "rule_set": self.rule_set.name,
        }


def rule_set_of(dossier: Dossier) -> RuleSet:
    """The rules the dossier was received under (the one its received event names)."""
    return dossier_rules(dossier.rule_set, dossier.received_at)


def reasons_for(ctx: StationContext, dossier: Dossier | None = None) -> tuple[str, ...]:
    """The supplement reasons offered on Mẫu 02: those of the dossier's rule set, or (a
    dossier being received) of the rule set in force now."""
    rules = rule_set_of(dossier) if dossier else shipped_rule_book().for_reception(ctx.clock.now())
    return tuple(r.text for r in rules.supplement_reasons)


def supplement_mode(ctx: StationContext, dossier: Dossier) -> SupplementMode:
    """Restart or resume after a supplement: the admin's setting, else the rule set's."""
    chosen = ctx.setting(MODE_SETTING, MODE_FROM_RULES)
    if chosen in ("restart", "resume"):
        return chosen  # type: ignore[no-any-return]
    return rule_set_of(dossier).supplement_mode


def expiry_limit(ctx: StationContext, requested_at: datetime, rules: RuleSet) -> datetime:
    """When a request made at ``requested_at`` expires: the rule set's count of calendar
    days (same time of day), or of working days (the office's calendar, same time)."""
    at = requested_at.astimezone(VN_TZ)
    amount = rules.supplement_expiry_amount
    if rules.supplement_expiry_unit == "working_days":
        day = ctx.calendar().add_working_days(at.date(), amount)
        return datetime.combine(day, at.timetz())
    return at + timedelta(days=amount)


def supplement_waits(ctx: StationContext) -> list[SupplementWait]:
    """Every dossier waiting for a supplement, the soonest limit first (module)."""
    waits = []
    for dossier in ctx.store.dossiers.with_status(Status.SUPPLEMENT_REQUESTED):
        requested = dossier.paused_at or dossier.updated_at or dossier.received_at
        rules = rule_set_of(dossier)
        waits.append(SupplementWait(dossier, requested, expiry_limit(ctx, requested, rules), rules))
    return sorted(waits, key=lambda w: (w.limit_at, w.dossier.code or w.dossier.uuid))


def close_expired(ctx: StationContext, *, officer: str) -> tuple[list[Dossier], Changes]:
    """Close every dossier whose supplement request expired by now (module docstring);
    returns the dossiers closed (as they are after the closure)."""
    now = ctx.clock.now()
    closed: list[Dossier] = []
    for wait in supplement_waits(ctx):
        if not wait.expired(now):
            continue
        with ctx.store.db.atomic():
            current = ctx.store.dossiers.by_uuid(wait.dossier.uuid)
            if current is None or current.status is not Status.SUPPLEMENT_REQUESTED:
                continue  # closed meanwhile (another station's closure pulled)
            closed.append(_close(ctx, current, wait, officer=officer, now=now))
    return closed, Changes(dossiers=bool(closed))


def _close(
    ctx: StationContext, dossier: Dossier, wait: SupplementWait, *, officer: str, now: datetime
) -> Dossier:
    latest = dossier.updated_at or dossier.received_at
    at = wait.limit_at if wait.limit_at > latest else latest + timedelta(microseconds=1)
    rules = wait.rule_set
    payload = {
        "requested_at": wait.requested_at.isoformat(),
        "limit_at": wait.limit_at.isoformat(),
        "amount": rules.supplement_expiry_amount,
        "unit": rules.supplement_expiry_unit,
        "rule_set": rules.name,
        "outcome": OUTCOME,
    }
    event = ctx.new_event(
        dossier_uuid=dossier.uuid,
        kind=EventKind.SUPPLEMENT_EXPIRED.value,
        officer=officer,
        at=at.astimezone(VN_TZ),
        payload=payload,
    )
    updated = apply_event(dossier, event)
    ctx.store.dossiers.append(updated, event, queued_at=now)
    ctx.store.audit.record(
        at=now,
        officer=officer,
        action=EventKind.SUPPLEMENT_EXPIRED.value,
        dossier_uuid=dossier.uuid,
        detail={"code": dossier.code, "limit_at": wait.limit_at.isoformat()},
    )
    return updated


@dataclass(frozen=True, slots=True)
class SupplementReminders:
    """What the reminders say of supplements at ``now``: the dossiers closed just now, every
    request still waiting, and those of them that close within SOON_DAYS."""

    now: datetime
    closed: tuple[Dossier, ...]
    waiting: tuple[SupplementWait, ...]

    @property
    def closing_soon(self) -> tuple[SupplementWait, ...]:
        return tuple(w for w in self.waiting if w.closing_soon(self.now))

    def to_json(self) -> dict[str, Any]:
        return {
            "now": self.now.astimezone(VN_TZ).isoformat(),
            "closed": [
                {
                    "code": d.code,
                    "uuid": d.uuid,
                    "applicant": d.applicant.name,
                    "procedure": d.procedure_name,
                    "closed_at": d.finished_at.isoformat() if d.finished_at else None,
                }
                for d in self.closed
            ],
            "waiting": [w.to_json(self.now) for w in self.waiting],
            "closing_soon": [w.to_json(self.now) for w in self.closing_soon],
        }


def supplement_reminders(
    ctx: StationContext, *, officer: str, close: bool = True
) -> tuple[SupplementReminders, Changes]:
    """Close what expired (unless ``close`` is False), then list what still waits: what the
    window does at start and every hour, and ``counter-app reminders``."""
    closed, changes = close_expired(ctx, officer=officer) if close else ([], Changes())
    now = ctx.clock.now()
    return SupplementReminders(now, tuple(closed), tuple(supplement_waits(ctx))), changes


__all__ = [
    "MODES",
    "MODE_FROM_RULES",
    "MODE_SETTING",
    "SupplementReminders",
    "SupplementWait",
    "close_expired",
    "expiry_limit",
    "reasons_for",
    "rule_set_of",
    "supplement_mode",
    "supplement_reminders",
    "supplement_waits",
]
