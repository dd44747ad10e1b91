"""``counter-app codes-offline``: work offline after a loss, codes from a recovery block.

After a restore (or when the reservation ledger and its mirror are both gone) the station
mints no code until it has synced once with the province server or an officer confirms here
that it works offline (storage/recovery.py). The officer authenticates like every acting
command (``--officer``, ``--password-stdin``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from counter_app.cli.common import add_officer_options, officer, station
from counter_app.services import numbering
from counter_app.texts import codes as tc

Handler = Callable[[argparse.Namespace], Any]
Add = Callable[[str, str, Handler], argparse.ArgumentParser]


def register(add: Add) -> None:
    """Add ``codes-offline`` to the ``counter-app`` parser (see cli/main.py)."""
    p = add("codes-offline", tc.CLI_CODES_OFFLINE, cmd_codes_offline)
    add_officer_options(p)


def cmd_codes_offline(args: argparse.Namespace) -> Any:
    ctx = station(args)
    by = officer(ctx, args)
    block, _ = numbering.confirm_offline(ctx, officer=by)
    sys.stderr.write(tc.recovery_active(block, "offline") + "\n")
    return {"recovery_block": block, "via": "offline"}
