"""The dossier status machine and its total replay, shared by the counter and the server
(stdlib only; the counter's ``domain.dossier`` builds its enums' table from this one).

:data:`TRANSITIONS` says, per follow-up kind, from which statuses it may happen and the
status after it (None keeps the status); :data:`CREATING` the status a creating event gives.
:func:`replay` runs a dossier's events in the order every station uses (the creating event
first, then time, station, station sequence, uuid) and never aborts: an event the validator
refuses, the status machine does not accept at its place, a second creating event or a
second apology is *in conflict*, kept and skipped, exactly as
``counter_app.domain.total_projection.project_total`` does with the whole dossier (a test
checks that both agree), so the server can tell the same status and the same conflicts as
the counters without the counter's code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sync_protocol.events import event_problem
from sync_protocol.v1 import EventWire, RejectReason

OPEN = frozenset({"received", "in_progress", "supplement_requested", "awaiting_payment"})
WORKING = frozenset({"received", "in_progress"})
ANY_RECEIVED = OPEN | {"resolved", "returned", "withdrawn", "stopped"}
ANY = ANY_RECEIVED | {"guided", "refused"}
CREATING = {"received": "received", "guided": "guided", "refused": "refused"}
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "corrected": (OPEN, None),
    "due_overridden": (WORKING, None),
    "handed_over": (WORKING, "in_progress"),
    "handed_back": (frozenset({"in_progress"}), "received"),
    "supplement_requested": (WORKING, "supplement_requested"),
    "supplement_received": (frozenset({"supplement_requested"}), "received"),
    "payment_requested": (WORKING, "awaiting_payment"),
    "payment_received": (frozenset({"awaiting_payment"}), "in_progress"),
    "result_received": (WORKING | {"awaiting_payment"}, "resolved"),
    "apology_issued": (WORKING, None),
    "withdrawn": (OPEN, "withdrawn"),
    "stopped": (OPEN, "stopped"),
    "returned": (frozenset({"resolved"}), "returned"),
    "rating_recorded": (ANY, None),
    "slip_printed": (ANY, None),
    "component_digitised": (ANY_RECEIVED, None),
    "component_signed": (ANY_RECEIVED, None),
    "receipt_signed": (ANY_RECEIVED, None),
}
# Reasons of conflict besides the validator's (the counter's DomainError codes, same text).
ACTION_NOT_ALLOWED = "action_not_allowed"
APOLOGY_ALREADY_ISSUED = "apology_already_issued"
NO_CREATING_EVENT = "no_creating_event"


@dataclass(frozen=True, slots=True)
class Replay:
    """The status the events lead to (None: no usable creating event) and the conflicts,
    as (event uuid, reason) in replay order."""

    status: str | None
    conflicts: tuple[tuple[str, str], ...] = ()


def order_key(event: EventWire) -> tuple[bool, datetime, str, int, str]:
    """The replay order: creating events first, then time, station, sequence, uuid."""
    at = datetime.fromisoformat(event.at)
    return (event.kind not in CREATING, at, event.station_id, event.seq, event.uuid)


def step(status: str | None, kind: str, *, apology_issued: bool) -> str | None:
    """Why ``kind`` cannot happen now (a reason), or None (``status`` None: no dossier)."""
    if status is None:
        return None if kind in CREATING else NO_CREATING_EVENT
    if kind in CREATING:
        return RejectReason.DUPLICATE_DOSSIER.value
    allowed, _ = TRANSITIONS[kind]
    if status not in allowed:
        return ACTION_NOT_ALLOWED
    if kind == "apology_issued" and apology_issued:
        return APOLOGY_ALREADY_ISSUED
    return None


def replay(events: Iterable[EventWire]) -> Replay:
    """Run the status machine over ``events`` without ever stopping (module docstring)."""
    status: str | None = None
    apology = False
    conflicts: list[tuple[str, str]] = []
    for event in sorted(events, key=order_key):
        problem = event_problem(event)
        reason = problem.reason() if problem else None
        reason = reason or step(status, event.kind, apology_issued=apology)
        if reason is not None:
            conflicts.append((event.uuid, reason))
            continue
        if status is None:
            status = CREATING[event.kind]
            continue
        status = TRANSITIONS[event.kind][1] or status
        apology = apology or event.kind == "apology_issued"
    return Replay(status, tuple(conflicts))
