"""``counter-app --start-check``: the non-interactive window start the bundle tests rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from counter_app import __version__


def start_check(
    tmp_path: Path, *args: str, platform: str = "offscreen"
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": platform,
        "COUNTER_APP_DATA_DIR": str(tmp_path / "station"),
        "COUNTER_APP_MIRROR_DIR": str(tmp_path / "mirror"),
    }
    return subprocess.run(
        [sys.executable, "-m", "counter_app", *args, "--start-check"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


def test_shows_the_first_window_and_exits(tmp_path: Path) -> None:
    first = start_check(tmp_path)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["shown"] is True
    assert report["window"] == "SetupWizard"  # a new station is not set up yet
    assert report["platform"] == "offscreen"
    assert report["version"] == __version__
    assert 0 < report["seconds_since_cli_import"] < 60
    demo = json.loads(start_check(tmp_path, "--demo").stdout)
    assert demo["window"] == "LoginDialog" and demo["shown"] is True
    # Nothing was answered: the station is still not set up.
    assert json.loads(start_check(tmp_path).stdout)["window"] == "SetupWizard"


def test_fails_when_qt_cannot_show_a_window(tmp_path: Path) -> None:
    result = start_check(tmp_path, platform="no-such-platform")
    assert result.returncode != 0
    assert result.stdout == ""
