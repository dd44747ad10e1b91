"""Real faults of a data folder for the tests: read-only, full, locked by another process.

- read-only: as root (whom chmod does not stop) a read-only bind mount of the folder or file;
  as another user, chmod. Skipped cleanly when neither works.
- full: a small tmpfs mounted as root (skipped otherwise), then filled to the last byte.
- locked: another process holding a write transaction (or SQLite's EXCLUSIVE locking mode).
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _run(*args: str) -> bool:
    return subprocess.run(args, capture_output=True).returncode == 0


def _root() -> bool:
    if os.name != "posix":
        pytest.skip("read-only mounts and tmpfs are POSIX tools")
    return os.geteuid() == 0


@contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """``path`` (a folder or a file) made read-only for this process, for the block."""
    if _root():
        if not _run("mount", "--bind", str(path), str(path)):
            pytest.skip("cannot bind-mount here (no CAP_SYS_ADMIN)")
        try:
            if not _run("mount", "-o", "remount,ro,bind", str(path)):
                pytest.skip("cannot remount read-only here")
            yield path
        finally:
            _run("umount", str(path)) or _run("umount", "-l", str(path))
        return
    mode = path.stat().st_mode
    path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield path
    finally:
        path.chmod(mode)


@contextmanager
def small_disk(where: Path, *, megabytes: int = 24) -> Iterator[Path]:
    """A tmpfs of ``megabytes`` mounted at ``where`` (root only), unmounted afterwards."""
    if not _root():
        pytest.skip("a full disk is simulated with a tmpfs, which needs root")
    where.mkdir(parents=True, exist_ok=True)
    if not _run("mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(where)):
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield where
    finally:
        _run("umount", str(where)) or _run("umount", "-l", str(where))


def fill(disk: Path) -> Path:
    """Fill ``disk`` to the last byte with one file (returned; delete it to free the disk)."""
    filler = disk / "filler.bin"
    with filler.open("wb", buffering=0) as out:
        for size in (1 << 20, 4096, 1):
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    assert os.statvfs(disk).f_bavail == 0
    return filler


_HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "exclusive":
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    conn.execute("BEGIN EXCLUSIVE")
else:
    conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT OR REPLACE INTO config (key, value) VALUES ('held', json('1'))")
print("held", flush=True)
time.sleep(60)
"""


@contextmanager
def locked(database: Path, *, mode: str = "immediate") -> Iterator[None]:
    """Another process holds a write lock on ``database`` ("immediate": a write transaction
    left open, as a database viewer does; "exclusive": SQLite's EXCLUSIVE locking mode)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(database), mode], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.wait(timeout=10)
        time.sleep(0.05)
