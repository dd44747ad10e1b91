"""The station's incremental backup points over ``backup_chain``: writing one for a store,
listing them, telling what each holds, and rebuilding one as a restorable database file.

A point rebuilt (:func:`materialize_point`) is the database file at that instant, byte for
byte, to which the restore then adds what every backup carries: the backup flag with the
ledger's reservations read when the point was taken, so that ``store.restore_backup`` (and a
file copied back by hand) skips every reserved number, as for a full copy.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.storage import backup_chain, projection, sealed
from counter_app.storage.backup_chain import POINT_SUFFIX, chain_lock, take_point

_POINT_NAME = re.compile(r"^counter-(\d{8}-\d{6}-\d{6})-(daily|exit|manual)\.qmcb$")
_STAMP = "%Y%m%d-%H%M%S-%f"
BACKUP_FLAG = "backup_copy"
POINT_KINDS = ("daily", "exit", "manual")


def point_name(when: datetime, kind: str) -> str:
    return f"counter-{when.strftime(_STAMP)}-{kind}{POINT_SUFFIX}"


def is_point(path: Path) -> bool:
    """Whether ``path`` names a backup point (plain, or sealed on the second folder)."""
    name = path.name.removesuffix(".sealed")
    return _POINT_NAME.match(name) is not None


def read_info(conn: sqlite3.Connection) -> dict[str, Any]:
    """What a point holds (shown by the restore dialog), read in the pinned snapshot."""
    count, last = projection.dossier_summary(conn)
    office = conn.execute("SELECT value FROM config WHERE key = 'office'").fetchone()
    return {
        "dossiers": count,
        "last_code": last,
        "office": json.loads(office[0]).get("unit_name") if office else None,
    }


def write_point(
    db_path: Path,
    backup_dir: Path,
    *,
    kind: str,
    when: datetime,
    reserved: Any,
    keep: dict[str, int],
    wait: float = 0.0,
) -> Path | None:
    """Write a point of ``kind`` named by ``when`` (UTC) and rotate; None when another
    backup still holds the chain after ``wait`` seconds.

    ``reserved()`` returns the ledger's reservations; it is called after the pages are read.
    """
    if kind not in POINT_KINDS:
        raise ValueError(f"not a point kind: {kind}")
    size = db_path.stat().st_size
    with chain_lock(backup_dir, wait=wait) as got:
        if not got:
            return None
        name = _free_name(backup_dir, when, kind)
        path = take_point(
            db_path,
            backup_dir,
            name=name,
            kind=kind,
            made_at=when.isoformat(),
            read_info=read_info,
            extra=lambda: {"reserved": reserved()},
            database_bytes=size,
        )
        backup_chain.prune(backup_dir, keep, database_bytes=size)
    return path


def _free_name(backup_dir: Path, when: datetime, kind: str) -> str:
    taken = {p.path.name for p in backup_chain.all_points(backup_dir)}
    while point_name(when, kind) in taken:
        when += timedelta(microseconds=1)
    return point_name(when, kind)


def materialize_point(point: Path, work: Path) -> Path:
    """Rebuild ``point`` (of a chain folder holding its base and links, plain files) as a
    restorable ``counter-<stamp>-<kind>.db`` in ``work``: the exact database file of that
    instant (checked: BACKUP_CHAIN_BROKEN otherwise, nothing left in ``work``), then marked
    as a backup with the reservations it carries."""
    files = backup_chain.points_up_to(point)
    target = work / point.name.replace(POINT_SUFFIX, ".db")
    header = backup_chain.materialize(files, target)
    try:
        mark_as_backup(target, header)
    except sqlite3.DatabaseError:
        target.unlink(missing_ok=True)
        raise DomainError(ErrorCode.BACKUP_INVALID, path=str(point)) from None
    return target


def mark_as_backup(target: Path, header: dict[str, Any]) -> None:
    """Add the backup flag (time, kind, reservations) to a rebuilt image; rollback journal,
    so that it opens read-only like every full backup."""
    conn = sqlite3.connect(str(target), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
        flag = {
            "made_at": header["made_at"],
            "kind": header.get("kind"),
            "reserved": header.get("reserved", {}),
        }
        conn.execute(
            "INSERT OR REPLACE INTO config (key, value) VALUES (?, json(?))",
            (BACKUP_FLAG, json.dumps(flag, ensure_ascii=False)),
        )
    finally:
        conn.close()


# --- the sealed mirror on the second backup folder (a USB stick) ----------------------------

SEALED_CHAIN_DIR = "chain.sealed"


def seal_chains(backup_dir: Path, folder: Path, key: sealed.OfficeKey) -> int:
    """Mirror the chains of ``backup_dir`` into ``folder``/chain.sealed, sealed: a file the
    stick lacks is sealed there (points never change once written: a merge writes a new
    file), a file of a mirrored chain that the data folder no longer has is removed. A chain
    only the stick still has (a disk replaced since) stays until the stick's chains pass
    SPACE_FACTOR × the database. Returns how many files were sealed."""
    root = backup_chain.chain_root(backup_dir)
    target_root = folder / SEALED_CHAIN_DIR
    written = 0
    local = backup_chain.chains(root)
    for chain in local:
        target = target_root / chain.name
        target.mkdir(parents=True, exist_ok=True)
        names = {p.name for p in chain.glob("counter-*" + POINT_SUFFIX)}
        for name in sorted(names):
            dest = target / (name + sealed.SEALED_SUFFIX)
            if not dest.exists():
                sealed.seal_file(chain / name, dest, key)
                written += 1
        for old in target.glob("counter-*" + POINT_SUFFIX + sealed.SEALED_SUFFIX):
            if old.name.removesuffix(sealed.SEALED_SUFFIX) not in names:
                old.unlink(missing_ok=True)
    size = max((p.stat().st_size for c in local for p in c.glob("*" + POINT_SUFFIX)), default=0)
    names_local = {c.name for c in local}
    stale = sorted(c for c in target_root.glob("chain-*") if c.name not in names_local)
    while stale and _tree_bytes(target_root) > backup_chain.SPACE_FACTOR * size:
        shutil.rmtree(stale.pop(0), ignore_errors=True)
    return written


def _tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def sealed_points(folder: Path) -> list[tuple[Path, str, datetime]]:
    """The sealed points on the second folder: (file, kind, time UTC), oldest first."""
    found = []
    for path in (folder / SEALED_CHAIN_DIR).glob("chain-*/counter-*" + POINT_SUFFIX + ".sealed"):
        match = _POINT_NAME.match(path.name.removesuffix(sealed.SEALED_SUFFIX))
        if match is not None:
            made = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
            found.append((path, match.group(2), made))
    return sorted(found, key=lambda f: (f[2], f[0].name))


def unseal_point(point: Path, work: Path, key: sealed.OfficeKey) -> Path:
    """Open into ``work`` the sealed files of ``point``'s chain up to ``point`` (by time);
    the plain point file there (BACKUP_KEY_WRONG / BACKUP_INVALID from ``sealed``)."""
    plain_name = point.name.removesuffix(sealed.SEALED_SUFFIX)
    for path in sorted(point.parent.glob("counter-*" + POINT_SUFFIX + sealed.SEALED_SUFFIX)):
        name = path.name.removesuffix(sealed.SEALED_SUFFIX)
        if name <= plain_name or _same_stamp(name, plain_name):
            sealed.open_file(path, work / name, key)
    return work / plain_name


def _same_stamp(a: str, b: str) -> bool:
    return a.split("-")[1:4] == b.split("-")[1:4]


def station_folder_of(point: Path) -> Path:
    """The station's folder on the second place that holds a sealed point."""
    return point.parent.parent.parent
