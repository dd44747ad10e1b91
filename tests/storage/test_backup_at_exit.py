"""The window's on-exit backup runs on a thread of its own after the main thread has returned
(ui/backup_controller.py): it must still be written while the interpreter shuts down, when
concurrent.futures takes no more work (it failed with "cannot schedule new futures after
interpreter shutdown" and the exit backup was lost)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import sys, threading, time
    from pathlib import Path
    from counter_app.app import open_station
    from counter_app.services import maintenance

    ctx = open_station(Path(sys.argv[1]))
    store = ctx.store

    def run() -> None:
        time.sleep(0.5)  # the main thread has returned: the interpreter is shutting down
        outcome = maintenance.write_backup(store, kind="exit", extra_dir=None)
        print("written", outcome.path, flush=True)

    threading.Thread(target=run, name="exit-backup", daemon=False).start()
    """
)


def test_the_exit_backup_is_written_while_the_interpreter_shuts_down(tmp_path: Path) -> None:
    env = {**os.environ, "COUNTER_APP_MIRROR_DIR": str(tmp_path / "mirror")}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "station")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "cannot schedule new futures" not in result.stderr
    (line,) = [x for x in result.stdout.splitlines() if x.startswith("written ")]
    written = Path(line.removeprefix("written "))
    assert written.is_file() and written.stat().st_size > 0
