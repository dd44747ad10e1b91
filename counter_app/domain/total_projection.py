"""A projection that never aborts: every event that cannot be applied is set aside (pure).

:func:`project_total` replays a dossier's events in the order of ``dossier.project``
(the creating event first, then ``Event.order_key``). An event is *in conflict*, kept but
skipped, when:

- its content fails the shared validator (``sync_protocol.events``; reason
  ``<code>:<field>``, e.g. ``missing_field:code``);
- the status machine does not accept it at its place (``action_not_allowed``, e.g. a
  withdrawal after the result was returned at another counter), or the domain refuses it
  otherwise (the error's code);
- it is a second creating event (``duplicate_dossier``);
- applying it fails in any other way (``projection_error:<exception type>``): a bad event
  is contained to its dossier, never to the sync.

When no creating event can start the dossier, there is no dossier (``dossier`` is None) and
every event is in conflict (follow-ups: ``no_creating_event``). The same events always give
the same result, at every station.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from counter_app.domain.dossier import CREATING_KINDS, Dossier, apply_event, dossier_from_snapshot
from counter_app.domain.errors import DomainError
from counter_app.domain.models import Event
from sync_protocol.events import payload_problem
from sync_protocol.status import NO_CREATING_EVENT
from sync_protocol.v1 import RejectReason

PROJECTION_ERROR = "projection_error"


@dataclass(frozen=True, slots=True)
class Conflict:
    """One event a projection skipped, and why (a reason code, see the module)."""

    event_uuid: str
    reason: str


@dataclass(frozen=True, slots=True)
class Projection:
    dossier: Dossier | None
    conflicts: tuple[Conflict, ...] = ()


def _reason(error: Exception) -> str:
    if isinstance(error, DomainError):
        return error.code.value
    return f"{PROJECTION_ERROR}:{type(error).__name__}"


def _problem(event: Event) -> str | None:
    problem = payload_problem(event.kind, event.payload, officer=event.officer)
    return None if problem is None else problem.reason()


def project_total(events: Iterable[Event]) -> Projection:
    """The dossier of ``events`` with every event that cannot be applied skipped (module)."""
    ordered = sorted(events, key=lambda e: (e.kind not in CREATING_KINDS, e.order_key()))
    conflicts: list[Conflict] = []
    dossier: Dossier | None = None
    for event in ordered:
        problem = _problem(event)
        if problem is not None:
            conflicts.append(Conflict(event.uuid, problem))
            continue
        creating = event.kind in CREATING_KINDS
        if (dossier is None) != creating:
            reason = NO_CREATING_EVENT if dossier is None else RejectReason.DUPLICATE_DOSSIER
            conflicts.append(Conflict(event.uuid, str(reason)))
            continue
        try:
            dossier = (
                apply_event(dossier, event) if dossier is not None else dossier_from_snapshot(event)
            )
        except Exception as error:  # contained to this event: see the module docstring
            conflicts.append(Conflict(event.uuid, _reason(error)))
    return Projection(dossier, tuple(conflicts))
