"""The ``reminders`` subcommand: what the window's reminders say of supplements, as JSON, after
closing the dossiers whose supplement request expired (``services.supplements``).

Output: ``{"now", "closed": [...], "waiting": [...], "closing_soon": [...]}``; each waiting
entry gives the code, applicant, procedure, when the request was made, its limit, the days
left and whether it closes within 3 days. ``--no-close`` only lists.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from counter_app.cli import common as cli
from counter_app.services.supplements import supplement_reminders
from counter_app.texts import forms as ft

AddCommand = Callable[[str, str, Callable[[argparse.Namespace], Any]], argparse.ArgumentParser]


def register(add: AddCommand) -> None:
    p = add("reminders", ft.CLI_REMINDERS, cmd_reminders)
    p.add_argument("--no-close", action="store_true", help=ft.CLI_REMINDERS_NO_CLOSE)
    cli.add_officer_options(p)


def cmd_reminders(args: argparse.Namespace) -> Any:
    ctx = cli.station(args)
    close = not args.no_close
    officer = cli.officer(ctx, args) if close else ""
    reminders, _ = supplement_reminders(ctx, officer=officer, close=close)
    return reminders.to_json()
