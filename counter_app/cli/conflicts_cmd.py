"""``counter-app conflicts``: the dossiers whose projection skipped events, as JSON.

One object per dossier (``dossier_uuid``, ``code``: of its row, else of its creating event,
null for none) with its events in conflict: ``uuid``, ``kind``, ``officer`` (who), ``at``
(when, the station's time), ``station_id``, ``reason`` (a code of
``domain.total_projection``: a validator reason ``<code>:<field>``, ``action_not_allowed``,
``duplicate_dossier``, ``duplicate_code``, ``no_creating_event``, ``projection_error:…``)
and ``detected_at``. No personal data: names and payloads are not printed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from counter_app.cli.common import station
from counter_app.services.station import StationContext
from counter_app.texts import conflicts as conflict_texts

Handler = Callable[[argparse.Namespace], Any]
Add = Callable[[str, str, Handler], argparse.ArgumentParser]


def register(add: Add) -> None:
    add("conflicts", conflict_texts.CLI_CONFLICTS, cmd_conflicts)


def conflict_list(ctx: StationContext) -> list[dict[str, Any]]:
    """The JSON of the module docstring, dossiers in the order their conflicts were found."""
    dossiers: dict[str, dict[str, Any]] = {}
    for entry in ctx.store.sync.conflicts():
        event = entry.event
        item = dossiers.setdefault(
            event.dossier_uuid,
            {"dossier_uuid": event.dossier_uuid, "code": entry.dossier_code, "events": []},
        )
        item["events"].append(
            {
                "uuid": event.uuid,
                "kind": event.kind,
                "officer": event.officer,
                "at": event.at.isoformat(),
                "station_id": event.station_id,
                "reason": entry.reason,
                "detected_at": entry.detected_at.isoformat(),
            }
        )
    return list(dossiers.values())


def cmd_conflicts(args: argparse.Namespace) -> Any:
    found = conflict_list(station(args))
    sys.stderr.write(conflict_texts.cli_conflicts(len(found)) + "\n")
    return found
