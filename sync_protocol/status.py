"""The dossier status machine and its total replay, shared by the counter and the server
(stdlib only; the counter's ``domain.dossier`` builds its enums' table from this one).

:data:`TRANSITIONS` says, per follow-up kind, from which statuses it may happen and the
status after it (None keeps the status); :data:`CREATING` the status a creating event gives.
:func:`step` says whether a kind may happen at a status; :func:`replay` is the status part of
the shared total projection (:mod:`sync_protocol.projection`, in the order of
:mod:`sync_protocol.order`), which the counter and the server both run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sync_protocol.order import OrderKey
from sync_protocol.order import order_key as shared_order_key
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
    # A supplement request left unanswered past the rule set's limit (Decree 118/2025 Art.
    # 19.5: 15 days): the dossier is closed as not completed (sync_protocol.projection
    # treats a second closure of the same dossier, from another station, as the same one).
    "supplement_expired": (frozenset({"supplement_requested"}), "stopped"),
    "returned": (frozenset({"resolved"}), "returned"),
    "rating_recorded": (ANY, None),
    "slip_printed": (ANY, None),
    "component_digitised": (ANY_RECEIVED, None),
    "component_signed": (ANY_RECEIVED, None),
    "receipt_signed": (ANY_RECEIVED, None),
    "conflict_settled": (ANY, None),  # voids events (sync_protocol.projection)
    # The competent authority received a cross-boundary dossier (Decree 309/2026): recorded
    # at any time of its processing, even once the result is back (entered late).
    "authority_received": (OPEN | {"resolved", "returned"}, None),
    # Fees (issue 13): a payment, an exemption or the amount due; never changes the status.
    "fee_recorded": (ANY_RECEIVED, None),
    # An officer's draft (apology, correction after printing) and a leader's refusal of it;
    # the approval is the action itself, naming the draft (``approves``).
    "approval_requested": (OPEN, None),
    "approval_declined": (ANY, None),
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


def order_key(event: EventWire) -> OrderKey:
    """The replay order of :mod:`sync_protocol.order` (creating events first, then the
    hybrid logical clock, station, sequence, uuid)."""
    return shared_order_key(event)


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
    """The status and conflicts of :func:`sync_protocol.projection.project` (never stops)."""
    from sync_protocol.projection import project_state  # it builds on this module

    outcome = project_state(events)
    return Replay(outcome.status, tuple((c.event_uuid, c.reason) for c in outcome.conflicts))


# The national status code (one-stop-rules §9.2) of each status; the counter's
# ``domain.dossier.NationalStatus`` and the server's pages use the same numbers.
NATIONAL: dict[str, int] = {
    "online_submitted": 1,
    "received": 2,
    "guided": 3,
    "refused": 3,
    "in_progress": 4,
    "supplement_requested": 5,
    "awaiting_payment": 6,
    "withdrawn": 7,
    "stopped": 8,
    "resolved": 9,
    "returned": 10,
}
