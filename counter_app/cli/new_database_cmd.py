"""``counter-app new-database``: a new database when the old one is really lost (issue 17).

See storage/loss.py: refused while ``counter.db`` is an SQLite file; the unusable file is kept
in backups/; the new database's counters start past every reservation of the ledger and its
mirror, so no printed code is minted twice. The station then opens as the demo office until
it is set up or enrolled again (the sentence on standard error says so).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from counter_app import paths
from counter_app.app import open_station, setup_logging
from counter_app.storage.loss import recreate_database
from counter_app.texts import db_loss as loss_texts

Handler = Callable[[argparse.Namespace], Any]
Add = Callable[[str, str, Handler], argparse.ArgumentParser]


def register(add: Add) -> None:
    """Add ``new-database`` to the ``counter-app`` parser (see cli/main.py)."""
    add("new-database", loss_texts.CLI_NEW_DATABASE, cmd_new_database)


def cmd_new_database(args: argparse.Namespace) -> Any:
    data_dir = paths.data_dir(getattr(args, "data_dir", None))
    setup_logging(data_dir)
    made = recreate_database(data_dir, mirror_dir=paths.mirror_dir())
    open_station(data_dir).store.close()  # seeded now, as at a first start
    kept = str(made.kept) if made.kept else None
    sys.stderr.write(loss_texts.new_database_done(str(made.path), kept) + "\n")
    return {"created": str(made.path), "kept": kept, "counters": made.reserved}
