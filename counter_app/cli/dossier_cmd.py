"""``counter-app event`` and ``counter-app report``: actions after reception and the period
report, with the same rules as the window."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from counter_app import texts
from counter_app.cli.common import Add, dossier_summary, officer, parse_at, station
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services.actions import Action, record_action
from counter_app.services.reports import period_report


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise DomainError(ErrorCode.DATE_INVALID, value=value) from None


def cmd_event(args: argparse.Namespace) -> Any:
    try:
        payload = json.loads(args.json) if args.json else {}
    except json.JSONDecodeError as exc:
        raise DomainError(ErrorCode.JSON_INVALID, detail="syntax", line=exc.lineno) from None
    if not isinstance(payload, dict):
        raise DomainError(ErrorCode.JSON_INVALID, detail="object_expected")
    at = parse_at(args.at) if args.at else None
    ctx = station(args)
    dossier = ctx.dossier_by_code(args.code)
    updated, _ = record_action(
        ctx, dossier, Action(args.kind), officer=officer(ctx, args), payload=payload, at=at
    )
    summary = dossier_summary(updated)
    summary["event"] = args.kind
    summary["apology_issued"] = updated.apology_issued
    return summary


def cmd_report(args: argparse.Namespace) -> Any:
    start, end = _date(args.date_from), _date(args.date_to)
    ctx = station(args)
    return period_report(ctx, start=start, end=end).to_dict()


def register(add: Add) -> None:
    """Add the ``event`` and ``report`` subcommands to the parser."""
    p = add("event", texts.CLI_EVENT, cmd_event)
    p.add_argument("code", metavar=texts.METAVAR_CODE, help=texts.CLI_EVENT_CODE)
    p.add_argument(
        "kind",
        choices=[a.value for a in Action],
        metavar=texts.METAVAR_KIND,
        help=texts.CLI_EVENT_KIND,
    )
    p.add_argument("--at", metavar=texts.METAVAR_AT, help=texts.CLI_EVENT_AT)
    p.add_argument("--json", metavar="JSON", help=texts.CLI_EVENT_JSON)
    p.add_argument("--officer", metavar=texts.METAVAR_NAME, help=texts.CLI_OFFICER)
    p = add("report", texts.CLI_REPORT, cmd_report)
    p.add_argument(
        "--from",
        dest="date_from",
        required=True,
        metavar=texts.METAVAR_DATE,
        help=texts.CLI_REPORT_FROM,
    )
    p.add_argument(
        "--to", dest="date_to", required=True, metavar=texts.METAVAR_DATE, help=texts.CLI_REPORT_TO
    )
