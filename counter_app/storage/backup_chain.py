"""Incremental backups: a chain of page images (issue 16, item 3).

A backup point is the exact bytes of the database file at one committed instant, stored as
the pages that changed since the previous point. Layout under ``backups/chain/``::

    chain-<stamp>/                         one chain: a base and its increments
        counter-<stamp>-<kind>.qmcb        the base (every page), then one file per point
        counter-<stamp>-<kind>.qmcb        (the pages changed since the previous point)
        pages.state                        page and extent hashes of the newest point

How a point is taken (:func:`take_point`): a read transaction pins a snapshot, a passive
checkpoint from a second connection folds every WAL frame of that snapshot into the database
file (retried when another connection is in the way), and while the snapshot is held SQLite
copies no later frame into the file: so the file holds exactly the snapshot. Its pages are
read once in runs of 64 (an extent: one SHA-256 each, on two threads, compared with
``pages.state``); in a run that changed, each page's hash picks the changed pages, and only
those are written, zlib-compressed. A 10 GB station reads and hashes 10 GB (seconds from the
OS cache) and writes megabytes for a day's work. The first point of a chain, and any point
whose state file is missing or does not match the chain's last file, is a base.

A point file is ``MAGIC | header length | header JSON | blocks | 0 | SHA-256 of all before``.
Its header says ``from`` (the image digest of the point it applies to, none for a base) and
``to`` (the digest of the image it yields: SHA-256 over its extent hashes in order), so a
missing link (``from`` is not the previous ``to``), a changed byte (the trailer) and a wrong
result (the image rebuilt does not hash to ``to``) are each caught before anything is
restored. Restoring a point (:func:`materialize`) applies the base and every link up to it
into a new file: byte for byte the database file at that instant (the SQLite lock page, never
used by SQLite, reads as zeros).

Rotation (:func:`prune`): kinds keep as many points as before (``KEEP``); an expired link is
merged into the next one (the union of their pages, the later page winning), so the chain
stays restorable at every kept point. A new chain starts when the current one holds 14 daily
points or its increments outgrow half the database; chains older than the previous one are
deleted then, and the oldest chains go whenever the whole exceeds three times the database.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import shutil
import sqlite3
import struct
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.storage import projection

MAGIC = b"QMCPAGE1"
STATE_MAGIC = b"QMCSTAT1"
POINT_SUFFIX = ".qmcb"
CHAIN_DIR = "chain"
STATE_NAME = "pages.state"
HASH_BYTES = 16
PENDING_BYTE = 0x40000000  # SQLite's lock byte: its page is never used by SQLite
BLOCK_BYTES = 1 << 20
EXTENT_PAGES = 64  # pages hashed together: unchanged runs cost one hash, not 64
HASH_THREADS = 2
HASH_BATCH = 16
FORMAT = 2
SNAPSHOT_TRIES = 40
NEW_CHAIN_DAILIES = 14
NEW_CHAIN_FRACTION = 0.5  # increments of a chain at most this part of the database
SPACE_FACTOR = 3  # every chain together at most this many times the database
_U32 = struct.Struct(">I")
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Point:
    """One backup point: its file, kind, time (UTC ISO) and what its header says."""

    path: Path
    kind: str
    made_at: str
    header: dict[str, Any]

    @property
    def is_base(self) -> bool:
        return self.header.get("from") is None

    @property
    def chain(self) -> Path:
        return self.path.parent


def chain_root(backup_dir: Path) -> Path:
    return backup_dir / CHAIN_DIR


# --- taking a point -------------------------------------------------------------------------


@contextmanager
def _pinned_snapshot(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A connection in a read transaction whose snapshot is wholly in the database file."""
    reader = sqlite3.connect(str(db_path), isolation_level=None, timeout=30.0)
    folder = sqlite3.connect(str(db_path), isolation_level=None, timeout=30.0)
    try:
        projection.attach(reader, db_path, read_only=True)  # the description's figures
        for attempt in range(SNAPSHOT_TRIES):
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
            busy, frames, done = folder.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if frames == -1 or (busy == 0 and frames == done):
                break
            reader.execute("COMMIT")
            time.sleep(0.02 * (attempt + 1))
        else:
            raise DomainError(ErrorCode.DATABASE_LOCKED)
        folder.close()
        yield reader
    finally:
        if reader.in_transaction:
            reader.execute("COMMIT")
        reader.close()
        folder.close()


def _page_hash(page: bytes | memoryview) -> bytes:
    return hashlib.sha256(page).digest()[:HASH_BYTES]


def _lock_page(page_size: int) -> int:
    return PENDING_BYTE // page_size + 1


def _iter_extents(source: BinaryIO, page_size: int, page_count: int) -> Iterator[tuple[int, bytes]]:
    """(first page number, bytes) of each run of EXTENT_PAGES pages of an open database file
    (the last one shorter); the lock page and any page past the end of the file are zeros."""
    lock, pgno = _lock_page(page_size), 1
    source.seek(0)
    while pgno <= page_count:
        count = min(EXTENT_PAGES, page_count - pgno + 1)
        data = source.read(count * page_size).ljust(count * page_size, b"\0")
        if pgno <= lock < pgno + count:
            at = (lock - pgno) * page_size
            data = data[:at] + bytes(page_size) + data[at + page_size :]
        yield pgno, data
        pgno += count


def _extent_hash(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()[:HASH_BYTES]


def _hashed_extents(
    source: BinaryIO, page_size: int, page_count: int
) -> Iterator[tuple[int, bytes, bytes]]:
    """The extents of :func:`_iter_extents` with their hashes, hashed on HASH_THREADS threads
    (hashlib releases the GIL): the whole file is read and hashed at disk speed."""
    with ThreadPoolExecutor(max_workers=HASH_THREADS) as pool:
        batch: list[tuple[int, bytes]] = []
        for item in _iter_extents(source, page_size, page_count):
            batch.append(item)
            if len(batch) == HASH_BATCH:
                hashed = _pool_map(pool, _extent_hash, [d for _, d in batch])
                yield from ((f, d, h) for (f, d), h in zip(batch, hashed, strict=True))
                batch = []
        hashed = _pool_map(pool, _extent_hash, [d for _, d in batch])
        yield from ((f, d, h) for (f, d), h in zip(batch, hashed, strict=True))


def _pool_map(
    pool: ThreadPoolExecutor, work: Callable[[bytes], bytes], items: list[bytes]
) -> list[bytes]:
    """``work`` over ``items`` on the pool; on this thread once the interpreter is shutting
    down (the window's on-exit backup goes on after the main thread has returned, when
    concurrent.futures takes no more work: the backup must still be written)."""
    try:
        return list(pool.map(work, items))
    except RuntimeError:
        return [work(item) for item in items]


def image_digest(hashes: list[bytes]) -> str:
    """The digest of an image: SHA-256 over its extent hashes in page order."""
    digest = hashlib.sha256()
    for h in hashes:
        digest.update(h)
    return digest.hexdigest()


def _open_point_writer(target: Path) -> tuple[BinaryIO, Path]:
    partial = target.with_name(target.name + ".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return os.fdopen(fd, "w+b"), partial


def write_point_file(
    target: Path, header: dict[str, Any], records: Iterator[tuple[int, bytes]], *, level: int
) -> int:
    """Write a point file durably (0600, under a temporary name); its size in bytes.

    The records are compressed into a spool first, so the header may depend on them: it is
    read once ``records`` is exhausted (``take_point`` sets ``to`` then)."""
    body, partial = _open_point_writer(target)
    try:
        block: list[bytes] = []
        size = 0
        pages = 0
        blocks = _BodySpool(target)
        waiting: list[bytes] = []

        def compress(raw: bytes) -> bytes:
            return zlib.compress(raw, level)

        with ThreadPoolExecutor(max_workers=HASH_THREADS) as pool:  # zlib releases the GIL
            for pgno, page in records:
                block.append(_U32.pack(pgno) + page)
                size += len(page) + 4
                pages += 1
                if size >= BLOCK_BYTES:
                    waiting.append(b"".join(block))
                    block, size = [], 0
                    if len(waiting) == HASH_THREADS * 2:
                        for packed in _pool_map(pool, compress, waiting):
                            blocks.add(packed)
                        waiting = []
            if block:
                waiting.append(b"".join(block))
            for packed in _pool_map(pool, compress, waiting):
                blocks.add(packed)
        header = {**header, "pages": pages}
        digest = hashlib.sha256()
        encoded = json.dumps(header, ensure_ascii=False, sort_keys=True).encode()
        for part in (MAGIC, _U32.pack(len(encoded)), encoded):
            body.write(part)
            digest.update(part)
        for packed in blocks.read():
            piece = _U32.pack(len(packed)) + packed
            body.write(piece)
            digest.update(piece)
        end = _U32.pack(0)
        body.write(end)
        digest.update(end)
        body.write(digest.digest())
        body.flush()
        os.fsync(body.fileno())
        body.close()
        blocks.close()
        os.replace(partial, target)
        _fsync_dir(target.parent)
        return target.stat().st_size
    except BaseException:
        body.close()
        partial.unlink(missing_ok=True)
        raise


class _BodySpool:
    """Compressed blocks kept on disk until the header is known (a base is large)."""

    def __init__(self, target: Path) -> None:
        self.path = target.with_name(target.name + ".blocks")
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        self.file = os.fdopen(fd, "w+b")

    def add(self, packed: bytes) -> None:
        self.file.write(_U32.pack(len(packed)) + packed)

    def read(self) -> Iterator[bytes]:
        self.file.flush()
        self.file.seek(0)
        while True:
            raw = self.file.read(4)
            if not raw:
                return
            yield self.file.read(_U32.unpack(raw)[0])

    def close(self) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class _State:
    tip: str
    digest: str
    page_size: int
    pages: list[bytes]  # one hash per page
    extents: list[bytes]  # one hash per EXTENT_PAGES pages: the image digest is over these


def _split(raw: bytes) -> list[bytes]:
    return [raw[i : i + HASH_BYTES] for i in range(0, len(raw), HASH_BYTES)]


def _read_state(chain: Path) -> _State | None:
    try:
        data = (chain / STATE_NAME).read_bytes()
    except OSError:
        return None
    if not data.startswith(STATE_MAGIC):
        return None
    try:
        (length,) = _U32.unpack_from(data, len(STATE_MAGIC))
        start = len(STATE_MAGIC) + 4
        meta = json.loads(data[start : start + length])
        raw = data[start + length :]
        split = int(meta["pages"]) * HASH_BYTES
        state = _State(
            meta["tip"], meta["digest"], int(meta["page_size"]), _split(raw[:split]),
            _split(raw[split:]),
        )  # fmt: skip
    except (ValueError, KeyError, TypeError, struct.error):
        return None
    return state if image_digest(state.extents) == state.digest else None


def _write_state(chain: Path, state: _State) -> None:
    meta = json.dumps(
        {
            "tip": state.tip,
            "digest": state.digest,
            "page_size": state.page_size,
            "pages": len(state.pages),
        }
    ).encode()
    partial = chain / (STATE_NAME + ".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(STATE_MAGIC + _U32.pack(len(meta)) + meta)
        out.write(b"".join(state.pages) + b"".join(state.extents))
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, chain / STATE_NAME)


def take_point(
    db_path: Path,
    backup_dir: Path,
    *,
    name: str,
    kind: str,
    made_at: str,
    read_info: Callable[[sqlite3.Connection], dict[str, Any]],
    extra: Callable[[], dict[str, Any]],
    database_bytes: int | None = None,
) -> Path:
    """Write the point ``name`` (``counter-<stamp>-<kind>.qmcb``) of the database at
    ``db_path``: a link of the current chain, or the base of a new one. ``read_info(conn)``
    returns what the point's header tells about it (read inside the pinned snapshot);
    ``extra()``, called once every page was read, adds to the header (the ledger's
    reservations, read after the copy). The caller holds :func:`chain_lock`."""
    root = chain_root(backup_dir)
    root.mkdir(parents=True, exist_ok=True)
    size = database_bytes if database_bytes is not None else _file_size(db_path)
    current = current_chain(root)
    state = _usable_state(current) if current is not None else None
    if current is not None and state is not None and _needs_new_chain(current, size):
        state = None
    if state is None:
        _drop_before(root, current)  # at most the previous chain stays beside the new one
        current = root / f"chain-{name[len('counter-') : -len(POINT_SUFFIX)]}"
        current.mkdir(parents=True, exist_ok=True)
    assert current is not None
    target = current / name
    with _pinned_snapshot(db_path) as conn:
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        page_count = int(conn.execute("PRAGMA page_count").fetchone()[0])
        info = read_info(conn)
        if state is not None and state.page_size != page_size:
            state = None
        old_pages = state.pages if state is not None else []
        old_extents = state.extents if state is not None else []
        pages: list[bytes] = []
        extents: list[bytes] = []
        header: dict[str, Any] = {
            "format": FORMAT,
            "kind": kind,
            "made_at": made_at,
            "page_size": page_size,
            "page_count": page_count,
            "from": state.digest if state is not None else None,
            "info": info,
        }

        def changed() -> Iterator[tuple[int, bytes]]:
            with db_path.open("rb") as source:
                for first, data, extent_hash in _hashed_extents(source, page_size, page_count):
                    index, count = (first - 1) // EXTENT_PAGES, len(data) // page_size
                    extents.append(extent_hash)
                    if (
                        index < len(old_extents)
                        and old_extents[index] == extent_hash
                        and first - 1 + count <= len(old_pages)
                    ):  # unchanged: its pages' hashes are the previous point's
                        pages.extend(old_pages[first - 1 : first - 1 + count])
                        continue
                    for i in range(count):
                        page = data[i * page_size : (i + 1) * page_size]
                        page_hash = _page_hash(page)
                        pages.append(page_hash)
                        pgno = first + i
                        if pgno > len(old_pages) or old_pages[pgno - 1] != page_hash:
                            yield pgno, page
            header["to"] = image_digest(extents)  # known once every page was read
            header.update(extra())

        write_point_file(target, header, changed(), level=1)
    state = _State(target.name, image_digest(extents), page_size, pages, extents)
    _write_state(current, state)
    return target


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _usable_state(chain: Path) -> _State | None:
    """The chain's page state when it describes its newest point (else a new base)."""
    state = _read_state(chain)
    points = chain_points(chain)
    if state is None or not points or points[-1].path.name != state.tip:
        return None
    if points[-1].header.get("to") != state.digest or points[-1].header.get("format") != FORMAT:
        return None
    return state


def _needs_new_chain(chain: Path, database_bytes: int) -> bool:
    points = chain_points(chain)
    dailies = sum(1 for p in points if p.kind == "daily")
    links = sum(_file_size(p.path) for p in points if not p.is_base)
    return dailies >= NEW_CHAIN_DAILIES or links > NEW_CHAIN_FRACTION * database_bytes


# --- reading points -------------------------------------------------------------------------


def read_header(path: Path) -> dict[str, Any]:
    """The header of a point file (BACKUP_CHAIN_BROKEN when it is not one)."""
    try:
        with path.open("rb") as src:
            if src.read(len(MAGIC)) != MAGIC:
                raise _broken(path)
            (length,) = _U32.unpack(src.read(4))
            header: dict[str, Any] = json.loads(src.read(length))
    except (OSError, ValueError, struct.error):
        raise _broken(path) from None
    if not isinstance(header, dict) or "to" not in header or "page_size" not in header:
        raise _broken(path)
    return header


def _broken(path: Path) -> DomainError:
    return DomainError(ErrorCode.BACKUP_CHAIN_BROKEN, path=path.name)


def verify_file(path: Path) -> None:
    """BACKUP_CHAIN_BROKEN unless the file's trailer matches every byte before it."""
    digest = hashlib.sha256()
    try:
        size = path.stat().st_size
        with path.open("rb") as src:
            left = size - 32
            while left > 0:
                piece = src.read(min(left, 1 << 22))
                if not piece:
                    break
                digest.update(piece)
                left -= len(piece)
            trailer = src.read(32)
    except OSError:
        raise _broken(path) from None
    if size < 32 or digest.digest() != trailer:
        raise _broken(path)


def iter_records(path: Path) -> Iterator[tuple[int, bytes]]:
    """The (page number, page) records of a verified point file."""
    header = read_header(path)
    page_size = int(header["page_size"])
    with path.open("rb") as src:
        src.seek(len(MAGIC))
        (length,) = _U32.unpack(src.read(4))
        src.seek(length, os.SEEK_CUR)
        while True:
            (size,) = _U32.unpack(src.read(4))
            if size == 0:
                return
            try:
                data = zlib.decompress(src.read(size))
            except zlib.error:
                raise _broken(path) from None
            step = page_size + 4
            for offset in range(0, len(data), step):
                (pgno,) = _U32.unpack_from(data, offset)
                yield pgno, data[offset + 4 : offset + step]


def chain_points(chain: Path) -> list[Point]:
    """The points of one chain in order, from its base; files left by an interrupted merge
    (a link whose pages the next link already carries) are left out."""
    found = []
    for path in sorted(chain.glob("counter-*" + POINT_SUFFIX)):
        try:
            header = read_header(path)
        except DomainError:
            continue
        found.append(Point(path, str(header.get("kind")), str(header["made_at"]), header))
    found.sort(key=lambda p: (p.made_at, p.path.name))
    ordered = [
        p
        for i, p in enumerate(found)
        if not (
            i + 1 < len(found)
            and not p.is_base
            and found[i + 1].header["from"] == p.header["from"]
            and p.header["to"] != p.header["from"]
        )
    ]
    return ordered


def chains(root: Path) -> list[Path]:
    """Chain folders, oldest first."""
    try:
        return sorted(p for p in root.glob("chain-*") if p.is_dir())
    except OSError:
        return []


def current_chain(root: Path) -> Path | None:
    found = chains(root)
    return found[-1] if found else None


def point_files(backup_dir: Path) -> list[Path]:
    """The point files of every chain (not read)."""
    return [p for chain in chains(chain_root(backup_dir)) for p in chain.glob("*" + POINT_SUFFIX)]


def all_points(backup_dir: Path) -> list[Point]:
    """Every point of every chain, oldest first."""
    return [p for chain in chains(chain_root(backup_dir)) for p in chain_points(chain)]


def points_up_to(point: Path) -> list[Path]:
    """The files to apply, base first, to rebuild ``point`` (BACKUP_CHAIN_BROKEN when a
    link is missing)."""
    for path in sorted(point.parent.glob("counter-*" + POINT_SUFFIX)):
        if path.name <= point.name:
            read_header(path)  # a header cut or changed is named as such
    points = chain_points(point.parent)
    names = [p.path.name for p in points]
    if point.name not in names:
        raise _broken(point)
    wanted = points[: names.index(point.name) + 1]
    if not wanted[0].is_base:
        raise DomainError(ErrorCode.BACKUP_CHAIN_BROKEN, path=wanted[0].path.name)
    for before, after in itertools.pairwise(wanted):
        if after.header["from"] != before.header["to"]:
            raise DomainError(ErrorCode.BACKUP_CHAIN_BROKEN, path=after.path.name)
    return [p.path for p in wanted]


def materialize(files: list[Path], target: Path) -> dict[str, Any]:
    """Rebuild the image of the last of ``files`` (base first) into ``target``; its header.

    Every file's trailer is checked first, each link must start where the previous ended,
    and the rebuilt image must hash to the last header's ``to``: else BACKUP_CHAIN_BROKEN
    naming the file, and no ``target`` is left."""
    headers = []
    for path in files:
        verify_file(path)
        headers.append(read_header(path))
    if headers[0].get("from") is not None:
        raise _broken(files[0])
    for path, before, after in zip(files[1:], headers, headers[1:], strict=False):
        if after.get("from") != before.get("to"):
            raise _broken(path)
    last = headers[-1]
    page_size = int(last["page_size"])
    try:
        fd = os.open(target, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "r+b") as out:
            for path, header in zip(files, headers, strict=True):
                size = int(header["page_size"])
                for pgno, page in iter_records(path):
                    out.seek((pgno - 1) * size)
                    out.write(page)
                out.truncate(int(header["page_count"]) * size)
            out.flush()
            extents = [h for _, _, h in _hashed_extents(out, page_size, _count(last))]
            if image_digest(extents) != last["to"]:
                raise _broken(files[-1])
            os.fsync(out.fileno())
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return last


def _count(header: dict[str, Any]) -> int:
    return int(header["page_count"])


# --- rotation ---------------------------------------------------------------------------------


def prune(backup_dir: Path, keep: dict[str, int], *, database_bytes: int) -> None:
    """Apply the per-kind retention (expired links merged into the next), drop chains with
    no kept point, and keep every chain together under SPACE_FACTOR × the database."""
    root = chain_root(backup_dir)
    found = chains(root)
    if not found:
        return
    points = [p for chain in found for p in chain_points(chain)]
    kept = _kept(points, keep)
    for chain in found:
        mine = chain_points(chain)
        if chain != found[-1] and not any(p.path in kept for p in mine):
            shutil.rmtree(chain, ignore_errors=True)
            continue
        for point, following in itertools.pairwise(mine):
            if point.path not in kept and not point.is_base:
                merge_links(point.path, following.path)
    while len(chains(root)) > 1 and _bytes(root) > SPACE_FACTOR * database_bytes:
        shutil.rmtree(chains(root)[0], ignore_errors=True)


def _kept(points: list[Point], keep: dict[str, int]) -> set[Path]:
    kept = {points[-1].path} if points else set()
    for kind, count in keep.items():
        same = [p.path for p in points if p.kind == kind]
        kept.update(same[-count:] if count > 0 else [])
    return kept


def _bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def _drop_before(root: Path, current: Path | None) -> None:
    """Delete the chains older than ``current`` (the one a new chain is about to follow)."""
    if current is None:
        return
    for chain in chains(root):
        if chain < current:
            shutil.rmtree(chain, ignore_errors=True)


def merge_links(first: Path, second: Path) -> None:
    """Fold link ``first`` into the link after it: ``second`` then starts where ``first``
    started and carries both their pages (the later one wins); ``first`` is removed.
    Interrupted at any instant, the chain still restores at ``second``."""
    verify_file(first)
    verify_file(second)
    head1, head2 = read_header(first), read_header(second)
    later = {pgno for pgno, _ in iter_records(second)}
    count = int(head2["page_count"])

    def records() -> Iterator[tuple[int, bytes]]:
        for pgno, page in iter_records(first):
            if pgno not in later and pgno <= count:
                yield pgno, page
        yield from iter_records(second)

    header = {**head2, "from": head1["from"]}
    write_point_file(second, header, records(), level=6)
    first.unlink(missing_ok=True)


# --- locking ------------------------------------------------------------------------------


@contextmanager
def chain_lock(backup_dir: Path, *, wait: float = 0.0) -> Iterator[bool]:
    """An exclusive lock over the chains (one writer: the window's daily backup, the closing
    window's, the command line's, a restore); waits up to ``wait`` seconds, then yields
    False, holding nothing, when another process or thread still holds it."""
    root = chain_root(backup_dir)
    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + wait
        got = _try_lock(fd)
        while not got and time.monotonic() < deadline:
            time.sleep(0.05)
            got = _try_lock(fd)
        try:
            yield got
        finally:
            if got:
                _unlock(fd)
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
