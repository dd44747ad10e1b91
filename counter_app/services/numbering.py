"""Use cases of dossier numbering after a loss (issue 12; storage/recovery.py holds the rules).

- :func:`numbering_state` says whether minting waits for a recovery, and from which block a
  recovery numbers (the window and ``counter-app info`` show it);
- :func:`confirm_offline` is the officer's confirmation of working offline while minting
  waits: one transaction (recovery block started, audit entry); refused when nothing waits.
"""

from __future__ import annotations

from dataclasses import dataclass

from counter_app.domain.changes import Changes
from counter_app.services.station import StationContext
from counter_app.storage import recovery


@dataclass(frozen=True, slots=True)
class NumberingState:
    pending: bool  # minting refused until a sync or the officer's confirmation
    reason: str  # restore / ledger_lost / new_database ("" when none)
    block: int | None  # the recovery block in use (HHMM), None when numbering is normal
    day: str | None  # the recovery day (ISO): its codes and earlier ones use the block


def numbering_state(ctx: StationContext) -> NumberingState:
    state = recovery.recovery_state(ctx.store.config) or {}
    pending = state.get("state") == recovery.PENDING
    active = state.get("state") == recovery.ACTIVE
    return NumberingState(
        pending=pending,
        reason=str(state.get("reason", "")) if pending else "",
        block=int(state["block"]) if active else None,
        day=str(state["day"]) if active else None,
    )


def confirm_offline(ctx: StationContext, *, officer: str) -> tuple[int, Changes]:
    """Start numbering from a recovery block without the server (CODES_RECOVERY_NOT_PENDING
    when minting does not wait); returns the block (HHMM)."""
    store = ctx.store
    now = ctx.clock.now()
    with store.db.atomic():
        block = recovery.confirm_offline(store.config, store.counters, now=now)
        store.audit.record(
            at=now,
            officer=officer,
            action="codes_offline",
            dossier_uuid=None,
            detail={"block": block},
        )
    return block, Changes(config=True)
