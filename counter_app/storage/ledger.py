"""The reservation ledger: why a restored or replaced database never reuses a printed code.

Counters (the daily code counter of each deciding agency, the station's event sequence) live
in the database and move in the same transaction as the dossier. But a database can go back
in time: restored from a backup, or copied back by hand. So every counter value is first
*reserved* in blocks in an append-only ledger file, kept outside the database and mirrored
to a second folder, flushed with fsync before the transaction that uses the first value of a
block commits. After a restore, every counter jumps to the end of its reserved block: the
numbers minted after the backup are skipped, never reused. Reserving in blocks costs one
extra fsync per ``BLOCK`` values instead of one per dossier.
"""

from __future__ import annotations

import os
from pathlib import Path

BLOCK = 50


class ReservationLedger:
    """Append-only ``name<TAB>reserved_up_to`` lines in one or more files (highest wins)."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        self._reserved: dict[str, int] = {}
        for path in paths:
            for name, value in _read(path).items():
                self._reserved[name] = max(value, self._reserved.get(name, 0))

    def reserved(self, name: str) -> int:
        """The highest value ever reserved for ``name`` (0 when never)."""
        return self._reserved.get(name, 0)

    def all_reserved(self) -> dict[str, int]:
        return dict(self._reserved)

    def ensure(self, name: str, value: int) -> None:
        """Make sure ``value`` is reserved for ``name``, durably, before it is used."""
        if value <= self._reserved.get(name, 0):
            return
        up_to = value + BLOCK - 1
        line = _line(name, up_to)
        for path in self.paths:
            _append_durably(path, line)
        self._reserved[name] = up_to

    def merge(self, reserved: dict[str, int]) -> None:
        """Record reservations found elsewhere (e.g. in a backup's copy of the ledger)."""
        for name, value in reserved.items():
            if value > self._reserved.get(name, 0):
                line = _line(name, value)
                for path in self.paths:
                    _append_durably(path, line)
                self._reserved[name] = value


def _line(name: str, value: int) -> bytes:
    # A leading newline isolates a line torn by a crash in the middle of an earlier write.
    return f"\n{name}\t{value}\n".encode()


def _read(path: Path) -> dict[str, int]:
    values: dict[str, int] = {}
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return values
    for line in text.splitlines():
        name, _, raw = line.partition("\t")
        if raw.isdigit():
            values[name] = max(int(raw), values.get(name, 0))
    return values


def read_ledger_file(path: Path) -> dict[str, int]:
    """The reservations recorded in one ledger file (missing file: none)."""
    return _read(path)


def _append_durably(path: Path, line: bytes) -> None:
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    if new and hasattr(os, "O_DIRECTORY"):
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
