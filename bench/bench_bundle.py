"""The Linux bundle: size unpacked (target < 250 MB) and time to a shown window (target < 3 s).

Builds the bundle first if it is missing or stale (``installers/build-linux.sh``), then, in
fresh processes with QT_QPA_PLATFORM=offscreen and an environment without the project's venv,
interleaved run after run:

- ``bundle --demo --start-check``: the bundle's executable from spawn to exit, having opened
  the station, shown the login window (the daily start) and run Qt's event loop once (the
  figure for the target);
- ``venv --demo --start-check``: the same path run by the project's virtualenv (baseline:
  what the bundle adds or saves over a normal Python start);
- ``bundle --version``: the bundle's bootloader + Python + the CLI import, without Qt;
- ``python -c pass``: the bare interpreter (machine baseline).

The first start of a new station (creating the database, loading the catalogue, showing the
first-start wizard) is timed once, apart.

Run: ``.venv/bin/python bench/bench_bundle.py [--runs 7]``. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.installers.test_bundle import NAME, ROOT, TARBALL, VERSION, clean_env

BUNDLE = ROOT / "dist" / NAME
SIZE_TARGET_MB = 250
START_TARGET_S = 3.0


def _timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=120)
    elapsed = time.perf_counter() - start
    if out.returncode != 0:
        raise RuntimeError(f"{command} exited {out.returncode}: {out.stderr}")
    if "--start-check" in command and not json.loads(out.stdout)["shown"]:
        raise RuntimeError(f"{command}: the window was not shown")
    return elapsed


def _bytes(path: Path) -> int:
    """Apparent size of a file or a folder (symbolic links not followed, not counted)."""
    if path.is_symlink():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(_bytes(child) for child in path.iterdir())


def _size(folder: Path, unpacked_mb: float) -> dict[str, object]:
    parts = sorted(((_bytes(p), p.name) for p in (folder / "_internal").iterdir()), reverse=True)
    return {
        "unpacked_mb": unpacked_mb,
        "files": sum(1 for p in folder.rglob("*") if p.is_file() and not p.is_symlink()),
        "tar_gz_mb": round(TARBALL.stat().st_size / 1e6, 1),
        "largest_parts_mb": {name: round(size / 1e6, 1) for size, name in parts[:8]},
    }


def _smoke_venv_start() -> float:
    tmp = Path(tempfile.mkdtemp(prefix="bench-bundle-"))
    (tmp / "cwd").mkdir()
    env = {**clean_env(tmp, "venv-station"), "PATH": os.environ["PATH"]}
    python = str(ROOT / ".venv" / "bin" / "python")
    return round(_timed([python, "-m", "counter_app", "--start-check"], env, tmp / "cwd"), 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (tests)")
    args = parser.parse_args()
    if args.smoke:  # run by tests/bench/test_bench_smoke.py
        args.runs = 1
    if not args.smoke:  # the smoke run takes the bundle as it is (building takes minutes)
        subprocess.run([str(ROOT / "installers" / "build-linux.sh")], check=True)
    elif not (BUNDLE / "counter-app").exists():
        print(json.dumps({"smoke": True, "bundle": "not built: only the venv start timed",
                          "venv_start_check_s": _smoke_venv_start()}))  # fmt: skip
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench-bundle-"))
    cwd = tmp / "cwd"
    cwd.mkdir()
    exe = str(BUNDLE / "counter-app")
    venv_python = str(ROOT / ".venv" / "bin" / "python")
    bundle_env = clean_env(tmp, "bundle-station")
    venv_env = {**clean_env(tmp, "venv-station"), "PATH": os.environ["PATH"]}
    first_start = _timed([exe, "--start-check"], bundle_env, cwd)  # seeds the station
    _timed([venv_python, "-m", "counter_app", "--start-check"], venv_env, cwd)
    commands = {
        "bundle_start_check": ([exe, "--demo", "--start-check"], bundle_env),
        "venv_start_check": (
            [venv_python, "-m", "counter_app", "--demo", "--start-check"],
            venv_env,
        ),
        "bundle_version": ([exe, "--version"], bundle_env),
        "baseline_python_pass": ([sys.executable, "-c", "pass"], venv_env),
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):  # interleaved, so machine noise hits all of them alike
        for name, (command, env) in commands.items():
            times[name].append(_timed(command, env, cwd))
    medians = {k: round(statistics.median(v), 3) for k, v in times.items()}
    unpacked_mb = round(_bytes(BUNDLE) / 1e6, 1)
    size = _size(BUNDLE, unpacked_mb)
    result = {
        "runs": args.runs,
        "version": VERSION,
        "median_s": medians,
        "ratio_to_venv_start": round(
            medians["bundle_start_check"] / medians["venv_start_check"], 2
        ),
        "first_start_new_station_s": round(first_start, 3),
        "size": size,
        "targets": {"unpacked_mb": SIZE_TARGET_MB, "window_s": START_TARGET_S},
        "meets_target": unpacked_mb < SIZE_TARGET_MB
        and medians["bundle_start_check"] < START_TARGET_S,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
