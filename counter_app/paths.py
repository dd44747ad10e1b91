"""Where the station keeps its files (platformdirs), overridable for several stations."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_DIR_NAME = "quay-mot-cua"
DATA_DIR_ENV = "COUNTER_APP_DATA_DIR"
MIRROR_DIR_ENV = "COUNTER_APP_MIRROR_DIR"


def data_dir(explicit: str | None = None) -> Path:
    """--data-dir, else $COUNTER_APP_DATA_DIR, else the user data folder."""
    chosen = explicit or os.environ.get(DATA_DIR_ENV)
    return Path(chosen).expanduser() if chosen else Path(user_data_dir(APP_DIR_NAME, False))


def mirror_dir() -> Path:
    """Second home of the reservation ledger: $COUNTER_APP_MIRROR_DIR or the config folder."""
    chosen = os.environ.get(MIRROR_DIR_ENV)
    if chosen:
        return Path(chosen).expanduser()
    return Path(user_config_dir(APP_DIR_NAME, False)) / "ledger-mirror"
