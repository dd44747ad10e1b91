"""A real CUPS queue that prints to PDF files (cups-pdf), for the printing tests.

:func:`pdf_queue` starts cupsd when it is not running (as root, e.g. a fresh CI machine:
scripts/setup-env installs cups and printer-driver-cups-pdf), adds a queue of its own whose
device is ``cups-pdf:/NAME`` with a ``/etc/cups/cups-pdf-NAME.conf`` writing to a folder of
its own, one file per job, so what a test prints is never mixed with another test's or
another process's jobs; the queue is removed afterwards. Tests skip (with the apt-get line)
where CUPS is missing or cannot be administered.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

CUPS_CONF_DIR = Path("/etc/cups")
START_WAIT_S = 20
PRINT_WAIT_S = 60


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    return subprocess.run(args, capture_output=True, text=True, env=env, check=False, timeout=30)


def _scheduler_running() -> bool:
    return run("lpstat", "-r").stdout.strip() == "scheduler is running"


def ensure_cupsd() -> None:
    """A running cupsd, started here when needed; skip the test where that is impossible."""
    if not (shutil.which("cupsd") and shutil.which("lpadmin") and shutil.which("lp")):
        pytest.skip("CUPS is not installed: apt-get install cups printer-driver-cups-pdf")
    if _scheduler_running():
        return
    if os.geteuid() != 0:
        pytest.skip("cupsd is not running and only root may start it here")
    Path("/run/cups").mkdir(parents=True, exist_ok=True)
    started = run("cupsd")
    deadline = time.monotonic() + START_WAIT_S
    while not _scheduler_running():
        if time.monotonic() > deadline:
            pytest.fail(f"cupsd did not start: {started.stderr.strip()}")
        time.sleep(0.2)


def cups_pdf_ppd() -> str | None:
    listing = run("lpinfo", "-m").stdout.splitlines()
    ppds = [line.split()[0] for line in listing if "cups-pdf" in line.lower()]
    return min(ppds, key=lambda p: ("noopt" not in p, p)) if ppds else None


@dataclass
class PdfQueue:
    """A cups-pdf queue and the folder its jobs land in."""

    name: str
    out_dir: Path

    def pdfs(self) -> list[Path]:
        """The PDFs written so far, complete ones only, oldest first."""
        done = [
            p
            for p in self.out_dir.glob("*.pdf")
            if p.stat().st_size > 0 and p.read_bytes().rstrip().endswith(b"%%EOF")
        ]
        return sorted(done, key=lambda p: p.stat().st_mtime_ns)

    def wait_for(self, count: int) -> list[Path]:
        """The queue's PDFs once there are ``count`` of them (fails after PRINT_WAIT_S)."""
        deadline = time.monotonic() + PRINT_WAIT_S
        while len(found := self.pdfs()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: {len(found)} PDFs, expected {count}")
            time.sleep(0.2)
        return found

    def jobs(self) -> list[str]:
        """The ids of every job the queue was given (done or not), e.g. ``QMC_T-12``."""
        lines = run("lpstat", "-W", "all", "-o", self.name).stdout.splitlines()
        return [line.split()[0] for line in lines if line.strip()]

    def reject(self) -> None:
        assert run("cupsreject", self.name).returncode == 0

    def accept(self) -> None:
        assert run("cupsaccept", self.name).returncode == 0

    def disable(self) -> None:
        assert run("cupsdisable", self.name).returncode == 0

    def enable(self) -> None:
        assert run("cupsenable", self.name).returncode == 0


@contextmanager
def pdf_queue(prefix: str = "QMC_T") -> Iterator[PdfQueue]:
    """A fresh accepting, enabled cups-pdf queue, removed afterwards."""
    ensure_cupsd()
    ppd = cups_pdf_ppd()
    if ppd is None:
        pytest.skip("the cups-pdf driver is not installed: apt-get install printer-driver-cups-pdf")
    name = f"{prefix}_{os.getpid()}_{time.monotonic_ns() % 10**9}"
    out_dir = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    conf = CUPS_CONF_DIR / f"cups-pdf-{name}.conf"
    try:
        # Label 1: "job_N-" before each file name, so jobs of the same title never overwrite
        conf.write_text(f"Out {out_dir}\nLog {out_dir}\nLabel 1\n", encoding="utf-8")
    except OSError:
        pytest.skip(f"{CUPS_CONF_DIR} is not writable: run the printing tests as root")
    added = run("lpadmin", "-p", name, "-E", "-v", f"cups-pdf:/{name}", "-m", ppd)
    assert added.returncode == 0, added.stderr
    queue = PdfQueue(name, out_dir)
    queue.enable()
    queue.accept()
    try:
        yield queue
    finally:
        run("cancel", "-a", name)
        run("lpadmin", "-x", name)
        conf.unlink(missing_ok=True)
        shutil.rmtree(out_dir, ignore_errors=True)
