"""``counter-app conflicts``: the open conflicts; ``conflicts settle``: settle one.

``conflicts`` prints, per dossier, each action set aside and the action it clashed with:
what, who (officer's full name), which station, when, and why; ``--json`` prints the same as
one object per dossier (``dossier_uuid``, ``code``: of its row, else of its creating event,
null for none; ``status``) with its events in conflict: ``uuid``, ``kind``, ``officer``
(username), ``officer_name``, ``at`` (the station's time), ``station_id``, ``station``
(prefix, null when unknown), ``reason`` (a code of the projection: a validator reason
``<code>:<field>``, ``action_not_allowed``, ``apology_already_issued``,
``duplicate_dossier``, ``duplicate_code``, ``no_creating_event``, ``projection_error:…``),
``detected_at`` and ``clashed_with`` (the same fields of the applied action, or null). No
citizen data: applicants' names and payloads are not printed.

``conflicts settle CODE --void UUID [--void UUID] --note TEXT`` voids actions of the
dossier's open conflicts (``services.conflicts.settle_conflict``); leaders and
administrators only, authenticated like every acting command (``--password-stdin``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from counter_app import texts
from counter_app.cli.common import add_officer_options, check_texts, officer, station
from counter_app.cli.output import PlainText
from counter_app.cli.parser import VietnameseParser
from counter_app.services import conflicts as service
from counter_app.services.station import StationContext
from counter_app.texts import conflicts as conflict_texts

Handler = Callable[[argparse.Namespace], Any]
Add = Callable[[str, str, Handler], argparse.ArgumentParser]


def register(add: Add) -> None:
    p = add("conflicts", conflict_texts.CLI_CONFLICTS, cmd_conflicts)
    p.add_argument("--json", action="store_true", help=conflict_texts.CLI_CONFLICTS_JSON)
    sub = p.add_subparsers(
        dest="conflicts_command",
        parser_class=VietnameseParser,
        metavar=texts.METAVAR_COMMAND,
        title=texts.CLI_COMMANDS_TITLE,
    )
    settle = sub.add_parser(
        "settle", help=conflict_texts.CLI_SETTLE, description=conflict_texts.CLI_SETTLE
    )
    settle.add_argument(
        "--data-dir", default=argparse.SUPPRESS, metavar=texts.METAVAR_DIR, help=texts.CLI_DATA_DIR
    )
    settle.add_argument("code", metavar=texts.METAVAR_CODE, help=conflict_texts.CLI_SETTLE_CODE)
    settle.add_argument(
        "--void",
        action="append",
        required=True,
        metavar=conflict_texts.METAVAR_UUID,
        help=conflict_texts.CLI_SETTLE_VOID,
    )
    settle.add_argument(
        "--note",
        required=True,
        metavar=conflict_texts.METAVAR_NOTE,
        help=conflict_texts.CLI_SETTLE_NOTE,
    )
    add_officer_options(settle)
    settle.set_defaults(handler=cmd_settle)


def action_text(action: service.ConflictAction) -> str:
    """One action in the officer's words: what, who, which station, when."""
    station = conflict_texts.station_label(
        action.station_prefix, own=action.own_station, station_id=action.station_id
    )
    return conflict_texts.action_line(
        conflict_texts.kind_label(action.kind), action.officer_name, station, action.at
    )


def _action_json(action: service.ConflictAction) -> dict[str, Any]:
    return {
        "uuid": action.event_uuid,
        "kind": action.kind,
        "officer": action.officer,
        "officer_name": action.officer_name,
        "at": action.at.isoformat(),
        "station_id": action.station_id,
        "station": action.station_prefix,
    }


def conflict_list(ctx: StationContext) -> list[dict[str, Any]]:
    """The JSON of the module docstring, dossiers in the order their conflicts were found."""
    dossiers: dict[str, dict[str, Any]] = {}
    for conflict in service.open_conflicts(ctx):
        item = dossiers.setdefault(
            conflict.dossier_uuid,
            {
                "dossier_uuid": conflict.dossier_uuid,
                "code": conflict.code,
                "status": conflict.status.value if conflict.status is not None else None,
                "events": [],
            },
        )
        clashed = conflict.clashed
        item["events"].append(
            {
                **_action_json(conflict.action),
                "reason": conflict.reason,
                "detected_at": conflict.detected_at.isoformat(),
                "clashed_with": _action_json(clashed) if clashed is not None else None,
            }
        )
    return list(dossiers.values())


def conflict_text(conflicts: list[service.OpenConflict]) -> str:
    """The readable listing (one block per dossier)."""
    if not conflicts:
        return conflict_texts.CLI_NONE + "\n"
    lines: list[str] = []
    last = None
    for c in conflicts:
        if c.dossier_uuid != last:
            last = c.dossier_uuid
            lines += [
                "",
                conflict_texts.cli_dossier_line(
                    c.code or "?", conflict_texts.status_label(c.status)
                ),
            ]
        a = c.action
        lines.append(
            conflict_texts.cli_action_line(
                conflict_texts.COL_SET_ASIDE, action_text(a), a.event_uuid
            )
        )
        if c.clashed is not None:
            lines.append(
                conflict_texts.cli_action_line(
                    conflict_texts.COL_CLASHED, action_text(c.clashed), c.clashed.event_uuid
                )
            )
        lines.append(f"  {conflict_texts.CLI_REASON}: {conflict_texts.reason_label(c.reason)}")
    lines += ["", conflict_texts.CLI_SETTLE_HINT]
    return "\n".join(lines[1:]) + "\n"


def cmd_conflicts(args: argparse.Namespace) -> Any:
    ctx = station(args)
    if args.json:
        found = conflict_list(ctx)
        sys.stderr.write(conflict_texts.cli_conflicts(len(found)) + "\n")
        return found
    return PlainText(conflict_text(service.open_conflicts(ctx)))


def cmd_settle(args: argparse.Namespace) -> Any:
    check_texts({"note": args.note})
    ctx = station(args)
    dossier = ctx.dossier_by_code(args.code)
    username = getattr(args, "officer", None) or ctx.setting("cli_officer", "")
    if username:
        service.check_settler(ctx, username)  # before the password: say it at once
    remaining, _ = service.settle_conflict(
        ctx,
        dossier_uuid=dossier.uuid,
        void=args.void,
        note=args.note,
        officer=officer(ctx, args),
    )
    after = ctx.dossier_by_uuid(dossier.uuid)
    voided = sorted({v.strip().lower() for v in args.void})
    sys.stderr.write(
        conflict_texts.cli_settled(dossier.code or "", len(voided), len(remaining)) + "\n"
    )
    return {
        "dossier_uuid": dossier.uuid,
        "code": dossier.code,
        "voided": voided,
        "status": after.status.value,
        "status_label": conflict_texts.status_label(after.status),
        "open_conflicts": len(remaining),
    }
