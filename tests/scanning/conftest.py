"""SANE's ``test`` backend as a scanner without hardware.

libsane reads ``SANE_CONFIG_DIR`` once, at the first ``sane_init`` of the process, so the
configuration folder is set up when this conftest is imported (during collection, before any
test runs) rather than in a fixture.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_SANE_DIR = Path(tempfile.mkdtemp(prefix="sane-config-"))
(_SANE_DIR / "dll.conf").write_text("test\n", encoding="ascii")
# Two virtual devices (test:0, test:1); the defaults otherwise: 8-bit grey, 80 x 100 mm area.
(_SANE_DIR / "test.conf").write_text("number_of_devices 2\n", encoding="ascii")
os.environ["SANE_CONFIG_DIR"] = str(_SANE_DIR)
atexit.register(shutil.rmtree, _SANE_DIR, ignore_errors=True)
