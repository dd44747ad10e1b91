"""Leaving out of the Linux bundle what the station must take from the system instead.

Two things PyInstaller would copy are better left to the system:

- ``libsane.so.1``: SANE loads its scanner back ends from the system's own folder
  (``/usr/lib/<arch>/sane``) configured in ``/etc/sane.d``; a bundled copy would be paired
  with back ends of another version. Scanning needs the system package ``libsane1``;
- Qt's GTK 3 platform theme, which drags GTK, Pango and Cairo in and is only a look.

After removing them, every library at the top of the bundle that nothing else still needs
(by its ELF ``NEEDED`` entries) goes too.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

DROP = frozenset({"libsane.so.1", "libqgtk3.so"})

Entry = tuple[str, str, str]  # PyInstaller TOC entry: (destination, source, type code)


def readelf_needed(path: str) -> list[str]:
    """The ``NEEDED`` sonames of the ELF file at ``path`` (``readelf`` from binutils)."""
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", out)


def _library(dest: str) -> bool:
    """A shared library copied to the top of the bundle as a dependency of something else."""
    name = PurePosixPath(dest).name
    top = "/" not in dest.replace("\\", "/")
    return top and name.startswith("lib") and not name.startswith("libpython")


def _reach(
    roots: Iterable[tuple[str, str]],
    libraries: dict[str, tuple[str, str]],
    needed: Callable[[str], list[str]],
    drop: frozenset[str],
) -> set[str]:
    reached: set[str] = set()
    stack = list(roots)
    while stack:
        dest, src = stack.pop()
        if dest in reached:
            continue
        reached.add(dest)
        for soname in needed(src):
            found = libraries.get(soname)
            if found and soname not in drop:
                stack.append(found)
    return reached


def prune_binaries(
    binaries: Iterable[Entry],
    *,
    drop: frozenset[str] = DROP,
    needed: Callable[[str], list[str]] = readelf_needed,
) -> tuple[list[Entry], list[str]]:
    """``binaries`` without the ``drop`` files and the libraries only they needed.

    Returns the kept entries (in their order) and the destinations removed. A top-level
    library is removed only when something reached it before the drop and nothing does
    after; what was there for a reason this analysis cannot see is kept.
    """
    entries = list(binaries)
    libraries = {PurePosixPath(d).name: (d, s) for d, s, _ in entries if _library(d)}
    roots = [(d, s) for d, s, _ in entries if not _library(d)]
    cache: dict[str, list[str]] = {}

    def cached(src: str) -> list[str]:
        if src not in cache:
            cache[src] = needed(src)
        return cache[src]

    before = _reach(roots, libraries, cached, frozenset())
    kept_roots = [(d, s) for d, s in roots if PurePosixPath(d).name not in drop]
    after = _reach(kept_roots, libraries, cached, drop)
    gone = before - after
    kept: list[Entry] = []
    removed: list[str] = []
    for entry in entries:
        dest = entry[0]
        if PurePosixPath(dest).name in drop or dest in gone:
            removed.append(dest)
        else:
            kept.append(entry)
    return kept, removed
