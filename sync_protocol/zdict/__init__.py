"""Preset deflate dictionaries of push bodies (RFC 1950 ``FDICT``; stdlib ``zlib`` ``zdict``).

A dictionary is a frozen file ``<name>.txt`` of this folder: once released it never changes
(a counter and a server that disagree on one byte cannot read each other's bodies, and zlib
refuses a body made with another dictionary), so an improved one gets a new name and a new
``Content-Encoding`` (``sync_protocol.v1.DICT_ENCODINGS``). ``tests/sync/test_wire_encoding.py``
pins the SHA-256 of each. How one was built: ``scripts/build_zdict.py`` (the file is the
truth, not the script). Text made of the JSON keys, envelope shapes and everyday values of
push batches, the most likely strings last (deflate reaches back 32 KiB at most, and a near
match costs fewer bits than a far one).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

MAX_DICTIONARY_BYTES = 32 * 1024  # the deflate window: bytes further back are never used
_FOLDER = Path(__file__).resolve().parent


def dictionary_path(name: str) -> Path:
    """Where the dictionary ``name`` lives in a source tree (the build script writes there)."""
    return _FOLDER / f"{name}.txt"


@cache
def dictionary(name: str) -> bytes:
    """The bytes of the released dictionary ``name`` (read once per process)."""
    data = resources.files(__package__).joinpath(f"{name}.txt").read_bytes()
    if not data or len(data) > MAX_DICTIONARY_BYTES:
        raise ValueError(f"preset dictionary {name}: {len(data)} bytes")
    return data
