"""``counter-app enrol URL CODE`` and ``counter-app sync`` (the window uses the same engine)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from counter_app.cli.common import read_stdin_line, station
from counter_app.services.setup import lookup_url_warning
from counter_app.services.station import StationContext
from counter_app.texts import lookup as lookup_texts
from counter_app.texts import sync as sync_texts

Handler = Callable[[argparse.Namespace], Any]
Add = Callable[[str, str, Handler], argparse.ArgumentParser]

if TYPE_CHECKING:  # the engine and its HTTP client are imported by the commands that sync
    from counter_app.sync.engine import SyncReport


def register(add: Add) -> None:
    """Add the sync subcommands to the ``counter-app`` parser (see cli/main.py)."""
    p = add("enrol", sync_texts.CLI_ENROL, cmd_enrol)
    p.add_argument("url", metavar=sync_texts.METAVAR_URL, help=sync_texts.CLI_ENROL_URL)
    p.add_argument(
        "code", nargs="?", metavar=sync_texts.METAVAR_ENROL_CODE, help=sync_texts.CLI_ENROL_CODE
    )
    p.add_argument("--code-stdin", action="store_true", help=sync_texts.CLI_ENROL_CODE_STDIN)
    add("sync", sync_texts.CLI_SYNC, cmd_sync)


def _enrol_code(args: argparse.Namespace) -> str:
    """The one-time code: the argument (older scripts), else the first line of standard
    input (--code-stdin), else typed unseen; a code is a secret until it is spent (issue 17),
    so it is best kept out of the command line and its history."""
    if args.code:
        return str(args.code)
    if args.code_stdin:
        return read_stdin_line().strip()
    try:
        return getpass.getpass(sync_texts.CLI_ENROL_CODE_PROMPT)
    except (EOFError, KeyboardInterrupt):
        sys.stderr.write("\n")
        return ""


def cmd_enrol(args: argparse.Namespace) -> Any:
    from counter_app.sync.client import HttpSyncClient, make_http, normalise_url
    from counter_app.sync.engine import enrol

    url = normalise_url(args.url)
    code = _enrol_code(args)
    ctx = station(args)
    with make_http() as http:
        office = enrol(ctx, HttpSyncClient(url, None, http), url=url, code=code)
    sys.stderr.write(sync_texts.cli_enrolled(office.unit_name, office.station_prefix) + "\n")
    warning = lookup_url_warning(ctx)
    sys.stderr.write((warning or lookup_texts.enrolled_lookup(office.lookup_url)) + "\n")
    return {
        "url": url,
        "agency_id": office.agency_id,
        "station_id": office.station_id,
        "station_prefix": office.station_prefix,
        "unit_name": office.unit_name,
        "lookup_url": office.lookup_url,
    }


def cmd_sync(args: argparse.Namespace) -> Any:
    from counter_app.sync.client import HttpSyncClient, make_http
    from counter_app.sync.engine import run_sync, sync_settings

    ctx = station(args)
    settings = sync_settings(ctx)
    with make_http() as http:
        report = run_sync(ctx, HttpSyncClient(settings["url"], settings["token"], http))
    if report.errors:
        raise report.errors[0]
    summary = sync_summary(ctx, report)
    if report.rejected:
        sys.stderr.write(sync_texts.cli_rejected(report.rejected) + "\n")
    sys.stderr.write(sync_texts.cli_synced(report.pushed, report.pulled, report.waiting) + "\n")
    if summary["attachments_waiting"]:
        waiting = int(summary["attachments_waiting"])
        sys.stderr.write(sync_texts.cli_attachments_waiting(waiting) + "\n")
    return summary


def sync_summary(ctx: StationContext, report: SyncReport) -> dict[str, Any]:
    """The JSON ``counter-app sync`` prints. ``waiting``: events still to push;
    ``attachments_waiting``: scans and signed files still to upload after the round (read
    from the queue when the round had no attachment step); ``attachments_error``: the code
    that stopped the upload round early, if any (it never fails the command)."""
    from counter_app.sync.attachments import attachments_waiting

    attachments = report.attachments
    last = ctx.store.sync.last_success()
    error = attachments.error if attachments is not None else None
    return {
        "pushed": report.pushed,
        "duplicates": report.duplicates,
        "rejected": report.rejected,
        "pulled": report.pulled,
        "waiting": report.waiting,
        "attachments_waiting": (
            attachments.waiting if attachments is not None else attachments_waiting(ctx)
        ),
        "attachments_error": error.code.value if error is not None else None,
        "last_success": last.isoformat() if last else None,
    }
