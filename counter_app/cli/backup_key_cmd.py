"""``counter-app backup-passphrase`` and the passphrase of ``counter-app restore`` (issue 17).

The office backup passphrase seals the backups copied to the second backup folder (a USB
stick; see ``services.maintenance``). It is never an argument (a command line is visible to
every user of the machine and kept in shell histories): it is typed unseen at the terminal
(twice when it is set), or read from the first line of standard input with
``--passphrase-stdin`` (after the officer's password line when that is read from standard
input too). Restoring a sealed backup on a new PC::

    counter-app restore E:\\SaoLuu\\<quầy>\\counter-…-daily.db.sealed
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from counter_app.cli.common import (
    add_officer_options,
    officer,
    read_stdin_line,
    refuse,
    station,
    typed_secret,
)
from counter_app.services import maintenance
from counter_app.storage.sealed import is_sealed
from counter_app.texts import support as ts

Handler = Callable[[argparse.Namespace], Any]
Add = Callable[[str, str, Handler], argparse.ArgumentParser]


def register(add: Add) -> None:
    """Add ``backup-passphrase`` to the ``counter-app`` parser (see cli/main.py)."""
    p = add("backup-passphrase", ts.CLI_BACKUP_PASSPHRASE, cmd_backup_passphrase)
    add_officer_options(p)
    add_passphrase_option(p)


def add_passphrase_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--passphrase-stdin", action="store_true", help=ts.CLI_PASSPHRASE_STDIN)


def read_passphrase(args: argparse.Namespace, *, twice: bool = False) -> str:
    """The passphrase from standard input (--passphrase-stdin) or typed unseen."""
    if getattr(args, "passphrase_stdin", False):
        return read_stdin_line()
    cancelled = ts.CLI_PASSPHRASE_CANCELLED
    first = typed_secret(ts.CLI_PASSPHRASE_PROMPT, cancelled=cancelled)
    if twice and typed_secret(ts.CLI_PASSPHRASE_AGAIN, cancelled=cancelled) != first:
        refuse(ts.PASSPHRASE_DIFFER)
    return first


def restore_passphrase(args: argparse.Namespace) -> str | None:
    """The passphrase for ``counter-app restore`` of a sealed file (None for a plain one)."""
    return read_passphrase(args) if is_sealed(Path(args.file)) else None


def cmd_backup_passphrase(args: argparse.Namespace) -> Any:
    ctx = station(args)
    by = officer(ctx, args)
    maintenance.set_backup_passphrase(ctx, read_passphrase(args, twice=True), by=by)
    sys.stderr.write(ts.PASSPHRASE_SET_DONE + "\n")
    return {"backup_passphrase": "set"}
