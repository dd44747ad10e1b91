"""The total projection of a dossier's events, shared by the counters and the province server
(stdlib only; DESIGN §7).

:func:`project` replays a dossier's events in the one order of :mod:`sync_protocol.order`
and never aborts. It decides, the same everywhere, which events are applied:

- an event named in the ``voided`` list of a valid ``conflict_settled`` event of the dossier
  is *settled*: skipped, listed in :attr:`Outcome.settled` (not a conflict). The dossier's
  creating event (its first valid ``received``/``guided``/``refused``) and ``conflict_settled``
  events cannot be voided: a void naming them is ignored. A void is in force wherever the
  settle event sits in the order, so once an event is voided the others are replayed without
  it and one that was in conflict may now be applied;
- an event the shared validator refuses (:func:`sync_protocol.events.event_problem`; reason
  ``<code>:<field>``), a follow-up before any creating event (``no_creating_event``), a
  second creating event (``duplicate_dossier``), one the status machine of
  :mod:`sync_protocol.status` does not accept at its place (``action_not_allowed``), a
  second apology (``apology_already_issued``), or one the caller's fold cannot apply
  (``projection_error:<type>``, or the fold's own reason) is *in conflict*: kept, skipped,
  listed in :attr:`Outcome.conflicts` with the event it clashed with when there is one (the
  applied event that set the status it could not follow, the creating event, the first
  apology);
- a second ``supplement_expired`` event while the dossier is still closed by the first one
  (two stations of the office each closed the same unanswered supplement request when they
  next ran past its limit) is the same closure: counted as applied, not folded again, never a
  conflict;
- every other event is applied, in order, by the caller's :class:`Fold` (the counter builds
  its ``Dossier``; :class:`StateFold` builds the plain :class:`DossierState` the server
  shows).

The same set of events (repeats of one uuid count once) always gives the same outcome,
whatever order or how many times they were delivered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from sync_protocol import status as machine
from sync_protocol.events import SETTLE_KIND, payload_problem
from sync_protocol.hlc import HLC_KEY
from sync_protocol.order import Ordered, OrderKey, instant, order_key
from sync_protocol.v1 import CREATING_KINDS, RejectReason

PROJECTION_ERROR = "projection_error"
FINISHING = frozenset({"result_received", "withdrawn", "stopped", "supplement_expired"})
EXPIRY_KIND = "supplement_expired"


class Projectable(Ordered, Protocol):
    """What the projection needs of an event (``EventWire`` and the counter's ``Event``)."""

    @property
    def dossier_uuid(self) -> str: ...
    @property
    def officer(self) -> str: ...


E = TypeVar("E", bound=Projectable)
E_contra = TypeVar("E_contra", bound=Projectable, contravariant=True)
S = TypeVar("S")


class Fold(Protocol[S, E_contra]):
    """How a caller turns applied events into its state. Either may raise: the event is
    then in conflict (``projection_error:<exception type>``, or the reason ``project``'s
    ``error_reason`` gives)."""

    def start(self, event: E_contra) -> S: ...
    def apply(self, state: S, event: E_contra) -> S: ...


@dataclass(frozen=True, slots=True)
class ConflictRecord:
    """An event the projection kept but skipped, who made it, and why."""

    event_uuid: str
    kind: str
    station_id: str
    officer: str
    at: str  # the event's own time (ISO 8601)
    reason: str
    clashed_with: str | None = None  # the uuid of the event it could not follow


@dataclass(frozen=True, slots=True)
class SettledRecord:
    """An event voided by a ``conflict_settled`` event (skipped, no longer a conflict)."""

    event_uuid: str
    kind: str
    station_id: str
    officer: str
    at: str
    settled_by: str  # the uuid of the conflict_settled event
    settled_by_officer: str
    settled_at: str
    note: str


@dataclass(frozen=True, slots=True)
class Outcome(Generic[S]):
    """What :func:`project` found: the state (None: no dossier), its status, the events
    applied (uuids, in order), the open conflicts and the settled events, both in order."""

    state: S | None
    status: str | None
    applied: tuple[str, ...] = ()
    conflicts: tuple[ConflictRecord, ...] = ()
    settled: tuple[SettledRecord, ...] = ()


def _at_text(event: Projectable) -> str:
    return instant(event.at).isoformat()


def _voids(ordered: list[E], problems: dict[str, str | None]) -> dict[str, E]:
    """Event uuid -> the first valid ``conflict_settled`` event (in order) that voids it."""
    found: dict[str, E] = {}
    for event in ordered:
        if event.kind != SETTLE_KIND or problems[event.uuid] is not None:
            continue
        for voided in event.payload.get("voided", ()):
            found.setdefault(str(voided), event)
    return found


def _settled(event: Projectable, by: Projectable) -> SettledRecord:
    note = by.payload.get("note")
    return SettledRecord(
        event_uuid=event.uuid,
        kind=event.kind,
        station_id=event.station_id,
        officer=event.officer,
        at=_at_text(event),
        settled_by=by.uuid,
        settled_by_officer=by.officer,
        settled_at=_at_text(by),
        note=note if isinstance(note, str) else "",
    )


def _unique(events: Iterable[E]) -> list[E]:
    """One event per uuid (a repeat delivery), the lowest in the order when they differ;
    sorted by the order (each key computed once)."""
    chosen: dict[str, tuple[OrderKey, E]] = {}
    for event in events:
        key = order_key(event)
        held = chosen.get(event.uuid)
        if held is None or key < held[0]:
            chosen[event.uuid] = (key, event)
    return [event for _, event in sorted(chosen.values(), key=lambda pair: pair[0])]


def project(
    events: Iterable[E],
    fold: Fold[S, E],
    *,
    error_reason: Callable[[Exception], str | None] | None = None,
    checked: frozenset[str] | set[str] = frozenset(),
) -> Outcome[S]:
    """Replay ``events`` through ``fold``, skipping what cannot be applied (module).

    ``checked``: uuids of events the caller has just passed through the same validator (the
    server's push): they are not validated again."""
    ordered = _unique(events)
    problems = {
        e.uuid: (
            None
            if e.uuid in checked
            else p.reason()
            if (p := payload_problem(e.kind, e.payload, officer=e.officer))
            else None
        )
        for e in ordered
    }
    voids = _voids(ordered, problems)
    creator = next(
        (e.uuid for e in ordered if e.kind in CREATING_KINDS and problems[e.uuid] is None), None
    )
    state: S | None = None
    status: str | None = None
    status_by = ""  # the applied event that set the status
    apology_by = ""
    expired_by = ""  # the applied supplement_expired event that closed the dossier
    applied: list[str] = []
    conflicts: list[ConflictRecord] = []
    settled: list[SettledRecord] = []

    def clash(event: E, reason: str, other: str | None = None) -> None:
        conflicts.append(
            ConflictRecord(
                event.uuid,
                event.kind,
                event.station_id,
                event.officer,
                _at_text(event),
                reason,
                other or None,
            )
        )

    for event in ordered:
        by = voids.get(event.uuid)
        if by is not None and event.uuid != creator and event.kind != SETTLE_KIND:
            settled.append(_settled(event, by))
            continue
        reason = problems[event.uuid]
        if reason is not None:
            clash(event, reason)
            continue
        if event.kind == EXPIRY_KIND and expired_by and status_by == expired_by:
            applied.append(event.uuid)  # the same closure, made by another station
            continue
        reason = machine.step(status, event.kind, apology_issued=bool(apology_by))
        if reason is not None:
            other = {
                RejectReason.DUPLICATE_DOSSIER.value: creator,
                machine.APOLOGY_ALREADY_ISSUED: apology_by,
                machine.ACTION_NOT_ALLOWED: status_by,
            }.get(reason)
            clash(event, reason, other)
            continue
        try:
            state = fold.start(event) if state is None else fold.apply(state, event)
        except Exception as error:  # contained to this event (module docstring)
            named = error_reason(error) if error_reason is not None else None
            clash(event, named or f"{PROJECTION_ERROR}:{type(error).__name__}")
            continue
        applied.append(event.uuid)
        if status is None:
            status, status_by, creator = machine.CREATING[event.kind], event.uuid, event.uuid
            continue
        after = machine.TRANSITIONS[event.kind][1]
        if after is not None:
            status, status_by = after, event.uuid
        if event.kind == "apology_issued":
            apology_by = event.uuid
        elif event.kind == EXPIRY_KIND:
            expired_by = event.uuid
    return Outcome(state, status, tuple(applied), tuple(conflicts), tuple(settled))


# --- the plain state the province server shows --------------------------------------------


@dataclass(frozen=True, slots=True)
class DossierState:
    """What the server (lookup page, dashboard) and the tests read of a projected dossier:
    the fields the counter's row has too, as plain values (times as ISO text)."""

    uuid: str
    code: str | None
    agency_id: str
    station_id: str
    status: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    lookup_key: str
    received_at: str
    due_at: str | None
    original_due_at: str | None
    apology_issued: bool = False
    paused: bool = False  # a supplement was requested and not yet received
    finished_at: str | None = None
    returned_at: str | None = None
    outcome: str | None = None
    rating: str | None = None
    # Cross-boundary (issue 13): the scope ("" when not), whether ``due_at`` is only expected
    # (its time runs from the authority's receipt, not recorded yet), that receipt.
    cross_boundary: str = ""
    due_expected: bool = False
    authority_received_at: str | None = None
    fee_due: int | None = None  # đồng (issue 13): the amount due, what was collected in all
    fee_collected: int = 0
    fee_exemption: str = ""
    pending_approvals: int = 0  # officers' drafts waiting for a leader
    # Channels and identity (issue 13 item 6): the national channel code, where an online
    # dossier was filed ("kiosk", "vneid" or ""), how the identity was checked and where the
    # data came from ("" when the reception did not say: older stations).
    channel: int = 1
    channel_detail: str = ""
    identity_check: str = ""
    data_source: str = ""


def _due(value: Any) -> str | None:
    return instant(value).isoformat() if isinstance(value, str) and value else None


def _fees(state: dict[str, Any], payment: Any, *, due: Any = None) -> dict[str, Any]:
    """The fee fields after a payment (counter_app.domain.dossier.fee_values in plain values):
    collected amounts add up; the amount due and the exemption are the latest given."""
    fee_due = state.get("fee_due")
    collected = int(state.get("fee_collected") or 0)
    exemption = str(state.get("fee_exemption") or "")
    if isinstance(due, int) and not isinstance(due, bool):
        fee_due = due
    if isinstance(payment, dict):
        if isinstance(payment.get("due"), int):
            fee_due = payment["due"]
        collected += int(payment.get("collected") or 0)
        if payment.get("exemption"):
            exemption = str(payment["exemption"])
    return {"fee_due": fee_due, "fee_collected": collected, "fee_exemption": exemption}


class StateFold:
    """The :class:`Fold` of the server's state (the counter's ``apply_event`` in plain
    values: the same fields change on the same events). Its state is a working dict of
    :class:`DossierState`'s fields, changed in place (one dossier's replay owns it);
    :func:`project_state` freezes it. An event's new values are all computed before any is
    written, so an event that fails leaves the state as it was."""

    def start(self, event: Projectable) -> dict[str, Any]:
        p = event.payload
        applicant = p.get("applicant") if isinstance(p.get("applicant"), dict) else {}
        due = _due(p.get("due_at"))
        kind_status = machine.CREATING[event.kind]
        at = _at_text(event)
        return {
            "uuid": event.dossier_uuid,
            "code": p.get("code"),
            "agency_id": str(p["agency_id"]),
            "station_id": event.station_id,
            "status": kind_status,
            "procedure_code": str(p["procedure_code"]),
            "procedure_name": str(p.get("procedure_name") or ""),
            "applicant_name": str((applicant or {}).get("name") or ""),
            "lookup_key": str(p.get("lookup_key") or ""),
            "received_at": at,
            "due_at": due,
            "original_due_at": due,
            "apology_issued": False,
            "paused": False,
            "finished_at": at if kind_status != "received" else None,
            "returned_at": None,
            "outcome": None,
            "rating": None,
            "cross_boundary": str(p.get("cross_boundary") or ""),
            "due_expected": bool(p.get("due_expected", False)),
            "authority_received_at": None,
            **_fees({}, p.get("fee_payment"), due=p.get("fee_due")),
            "pending_approvals": 0,
            "channel": int(p.get("channel") or 1),
            "channel_detail": str(p.get("channel_detail") or ""),
            "identity_check": str(p.get("identity_check") or ""),
            "data_source": str(p.get("data_source") or ""),
        }

    def apply(self, state: dict[str, Any], event: Projectable) -> dict[str, Any]:
        kind, p = event.kind, event.payload
        values: dict[str, Any] = {}
        after = machine.TRANSITIONS[kind][1]
        if after is not None:
            values["status"] = after
        if kind == "corrected":
            applicant = (p.get("changes") or {}).get("applicant")
            if isinstance(applicant, dict):
                values["applicant_name"] = str(applicant.get("name") or "")
        elif kind in ("due_overridden", "supplement_received"):
            due = _due(p.get("due_at"))
            values.update(due_at=due, original_due_at=due)
            if kind == "supplement_received":
                values["paused"] = False
        elif kind == "supplement_requested":
            values["paused"] = True
        elif kind == "apology_issued":
            values.update(
                apology_issued=True, original_due_at=state["due_at"], due_at=_due(p["new_due_at"])
            )
        elif kind == "returned":
            values["returned_at"] = _at_text(event)
        elif kind == "rating_recorded":
            values["rating"] = str(p.get("rating"))
        elif kind == "authority_received":
            values["authority_received_at"] = _due(p.get("received_at"))
            if p.get("due_at"):  # the time runs from this receipt: it fixes the due date
                due = _due(p.get("due_at"))
                values.update(due_at=due, original_due_at=due, due_expected=False)
        elif kind == "fee_recorded":
            values.update(_fees(state, p))
        elif kind == "approval_requested":
            values["pending_approvals"] = int(state["pending_approvals"] or 0) + 1
        if kind == "approval_declined" or p.get("approves"):
            values["pending_approvals"] = max(0, int(state["pending_approvals"] or 0) - 1)
        if kind in FINISHING:
            values.update(finished_at=_at_text(event), paused=False, outcome=p.get("outcome", kind))
        state.update(values)
        return state


def project_state(
    events: Iterable[E], *, checked: frozenset[str] | set[str] = frozenset()
) -> Outcome[DossierState]:
    """:func:`project` with :class:`StateFold` (what the province server shows)."""
    outcome = project(events, StateFold(), checked=checked)
    state = DossierState(**outcome.state) if outcome.state is not None else None
    return Outcome(state, outcome.status, outcome.applied, outcome.conflicts, outcome.settled)


__all__ = [
    "HLC_KEY",
    "ConflictRecord",
    "DossierState",
    "Fold",
    "Outcome",
    "SettledRecord",
    "StateFold",
    "project",
    "project_state",
]
