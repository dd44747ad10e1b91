"""``counter-app export-bundle PATH`` and ``counter-app import-bundle PATH`` (USB sync
bundles, issue 15 item 2; the window's menu runs the same functions)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from counter_app.cli.common import station
from counter_app.texts import bundles as texts

Handler = Callable[[argparse.Namespace], Any]
Add = Callable[[str, str, Handler], argparse.ArgumentParser]


def register(add: Add) -> None:
    """Add the bundle subcommands to the ``counter-app`` parser (see cli/main.py)."""
    p = add("export-bundle", texts.CLI_EXPORT, cmd_export)
    p.add_argument("path", metavar=texts.METAVAR_PATH, help=texts.CLI_EXPORT_PATH)
    p.add_argument("--all", action="store_true", help=texts.CLI_EXPORT_ALL)
    p = add("import-bundle", texts.CLI_IMPORT, cmd_import)
    p.add_argument("path", metavar=texts.METAVAR_PATH, help=texts.CLI_IMPORT_PATH)


def _progress(what: str, done: int, total: int) -> None:
    """A line on standard error when a step ends (the window shows a progress bar)."""
    if done == total and total:
        sys.stderr.write(f"{what}: {done}/{total}\n")


def cmd_export(args: argparse.Namespace) -> Any:
    from counter_app.sync.usb_bundle import export_bundle

    ctx = station(args)
    report = export_bundle(ctx, Path(args.path), full=args.all, progress=_progress)
    sys.stderr.write(report.message + "\n")
    return {
        "path": str(report.path),
        "number": report.number,
        "events": report.events,
        "earlier": report.earlier,
        "set_aside": report.set_aside,
        "scans": report.scans,
        "bytes": report.size,
    }


def cmd_import(args: argparse.Namespace) -> Any:
    from counter_app.sync.usb_bundle import import_return

    ctx = station(args)
    report = import_return(ctx, Path(args.path), progress=_progress)
    sys.stderr.write(report.message + "\n")
    return {
        "acknowledged": report.acknowledged,
        "rejected": report.rejected,
        "pulled": report.pulled,
        "conflicts": report.conflicts,
        "reference": report.reference,
        "waiting": report.waiting,
        "resend": report.resend,
        "scans": report.scans,
    }
