"""The counter's side of the shared total projection (pure).

:func:`project_total` runs :func:`sync_protocol.projection.project` (the one the province
server runs too) with the counter's own fold: ``dossier_from_snapshot`` for the creating
event and ``apply_event`` for the others, so the dossier row is built by the domain while
the decision of which events apply, in which order, is the shared one:

- the order of :mod:`sync_protocol.order` (creating event first, then the hybrid logical
  clock stamp, station, sequence, uuid);
- events voided by a ``conflict_settled`` event are skipped and listed in ``settled``;
- an event the shared validator refuses (``<code>:<field>``), the status machine does not
  accept at its place (``action_not_allowed``), a second creating event
  (``duplicate_dossier``), a second apology, or one the domain cannot apply (the error's
  code, else ``projection_error:<exception type>``) is in conflict: kept, skipped, listed
  with the event it clashed with when there is one.

When no creating event can start the dossier, there is no dossier (``dossier`` is None) and
every event is in conflict (follow-ups: ``no_creating_event``). The same events always give
the same result, at every station and at the server.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from counter_app.domain.dossier import Dossier, apply_event, dossier_from_snapshot
from counter_app.domain.errors import DomainError
from counter_app.domain.models import Event
from sync_protocol.projection import PROJECTION_ERROR, SettledRecord, project

__all__ = ["PROJECTION_ERROR", "Conflict", "Projection", "project_total"]


@dataclass(frozen=True, slots=True)
class Conflict:
    """One event a projection skipped, why (a reason code, see the module), and the uuid of
    the event it clashed with when there is one."""

    event_uuid: str
    reason: str
    clashed_with: str | None = None


@dataclass(frozen=True, slots=True)
class Projection:
    dossier: Dossier | None
    conflicts: tuple[Conflict, ...] = ()
    settled: tuple[SettledRecord, ...] = ()
    status: str | None = None


class _DossierFold:
    def start(self, event: Event) -> Dossier:
        return dossier_from_snapshot(event)

    def apply(self, state: Dossier, event: Event) -> Dossier:
        return apply_event(state, event)


def _reason(error: Exception) -> str | None:
    return error.code.value if isinstance(error, DomainError) else None


def project_total(events: Iterable[Event]) -> Projection:
    """The dossier of ``events`` with every event that cannot be applied skipped (module)."""
    outcome = project(events, _DossierFold(), error_reason=_reason)
    conflicts = tuple(Conflict(c.event_uuid, c.reason, c.clashed_with) for c in outcome.conflicts)
    return Projection(outcome.state, conflicts, outcome.settled, outcome.status)
