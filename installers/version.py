"""The application version, read from ``pyproject.toml`` (the one place it is written).

Used by the PyInstaller spec, the build scripts (the Windows script passes it to Inno Setup as
``/DAppVersion=...``) and the tests. Run ``python installers/version.py`` to print it.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def project_version(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """``[project].version`` of ``pyproject``; raises KeyError when it is missing."""
    with pyproject.open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


if __name__ == "__main__":
    sys.stdout.write(project_version() + "\n")
