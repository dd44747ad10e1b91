"""Every benchmark still runs: ``python bench/<bench>.py --smoke`` for each ``bench/bench_*.py``.

A bench that nothing runs rots unseen (issue 16: three of them had not run for weeks). Each
bench has a smoke mode (tiny sizes, seconds) that goes through the same code as its real run;
this test runs them all (a new ``bench_*.py`` is picked up without touching this file) and
requires exit status 0 and one JSON object on stdout. The runs start together, a few at a
time (``SMOKE_PARALLEL``, default the number of cores), so the whole takes about as long as
the slowest few. Benches that need PostgreSQL or uvicorn run against the local services, like
the server tests; without PostgreSQL they are skipped with the reason.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHES = sorted(p.name for p in (ROOT / "bench").glob("bench_*.py"))
NEEDS_POSTGRES = ("psycopg", "ThrowawayDatabase", "PROVINCE_TEST_ADMIN_URL")
TIMEOUT_S = 240


@dataclass(frozen=True)
class SmokeRun:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def _postgres_reason() -> str | None:
    try:
        import psycopg

        url = os.environ.get(
            "PROVINCE_TEST_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        )
        psycopg.connect(url, connect_timeout=3).close()
    except Exception as exc:  # no server, no driver: the bench cannot run here
        return f"PostgreSQL not reachable ({type(exc).__name__})"
    return None


def _needs_postgres(name: str) -> bool:
    text = (ROOT / "bench" / name).read_text(encoding="utf-8")
    return any(mark in text for mark in NEEDS_POSTGRES)


def _run(name: str, tmp: Path) -> SmokeRun:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "COUNTER_APP_MIRROR_DIR": str(tmp / name / "mirror"),
        "COUNTER_APP_DATA_DIR": str(tmp / name / "data"),
    }
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / name), "--smoke"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as exc:
        return SmokeRun(-1, str(exc.stdout or ""), f"timed out after {TIMEOUT_S} s", TIMEOUT_S)
    return SmokeRun(done.returncode, done.stdout, done.stderr, time.perf_counter() - started)


@pytest.fixture(scope="module")
def smoke_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SmokeRun | str]:
    """Every bench's smoke run (or why it was skipped), run a few at a time."""
    tmp = tmp_path_factory.mktemp("bench-smoke")
    reason = _postgres_reason() if any(_needs_postgres(n) for n in BENCHES) else None
    skipped: dict[str, SmokeRun | str] = {
        n: reason for n in BENCHES if reason is not None and _needs_postgres(n)
    }
    todo = [n for n in BENCHES if n not in skipped]
    workers = int(os.environ.get("SMOKE_PARALLEL", str(max(2, os.cpu_count() or 2))))
    # the slowest first, so they do not finish last alone
    todo.sort(key=lambda n: (ROOT / "bench" / n).stat().st_size, reverse=True)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        runs = dict(zip(todo, pool.map(lambda n: _run(n, tmp), todo), strict=True))
    return {**skipped, **runs}


@pytest.mark.parametrize("name", BENCHES)
def test_bench_runs_in_smoke_mode(name: str, smoke_runs: dict[str, SmokeRun | str]) -> None:
    run = smoke_runs[name]
    if isinstance(run, str):
        pytest.skip(run)
    assert run.returncode == 0, f"{name} --smoke failed:\n{run.stderr[-3000:]}"
    assert isinstance(json.loads(run.stdout), dict), f"{name} --smoke printed no JSON object"


def test_every_bench_has_a_smoke_mode() -> None:
    missing = [n for n in BENCHES if "--smoke" not in (ROOT / "bench" / n).read_text("utf-8")]
    assert not missing, f"benches without --smoke: {missing}"
