"""Backups, restore and checks, with their audit entries.

Kinds of backup (``storage.store.BACKUP_KINDS``): ``daily`` (the first start of a day, and
hourly checks while the window is open), ``exit`` (when the window closes), ``manual`` (an
officer asked for it; audited) and ``upgrade`` (made by the store before migrating a database
of an older version). Every backup is also copied into the station's second backup folder
(``backup_dir`` setting, e.g. a USB stick) when one is set; if that copy fails the backup in
the data folder still counts and the outcome says why the second copy is missing.

Secrets at rest (issue 17): every backup file is the user's only (0600). The copy in the
second folder, and the scans copied beside it, are **sealed** with the office backup key
(AES-256-GCM, ``storage.sealed``): without the office backup passphrase a stick found or
copied yields no readable data, and no token at all (the token is never in a database). The
administrator sets the passphrase once per station (:func:`set_backup_passphrase`, ``counter-app
backup-passphrase``, menu Hệ thống; the same passphrase on every PC of the office); until then
the second copy is refused with BACKUP_KEY_MISSING (the data folder backup is still made).
The first sealed copy removes the unencrypted copies an older version left on the stick.

How an office restores on a new PC: install the application, plug in the stick, run
``counter-app restore <stick>/<station folder>/counter-<stamp>-daily.db.sealed`` and type the
office backup passphrase (``--passphrase-stdin`` reads it from standard input); the database
and the scans come back, no code is minted twice. Then enrol the new PC with a new one-time
code (the old token stays on the old PC only: revoke it on the province dashboard). The
passphrase that opened the backup becomes the new PC's office backup key when it has none.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from counter_app.domain.changes import Changes
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.services.settings import require_admin
from counter_app.services.station import StationContext
from counter_app.storage import backup_chain, backup_points, sealed
from counter_app.storage.blobs import SCANS_DIR
from counter_app.storage.ledger import ReservationLedger
from counter_app.storage.station_secrets import BACKUP_KEY, station_secrets
from counter_app.storage.store import (
    BACKUP_DIR,
    KEEP_PER_KIND,
    BackupFile,
    BackupInfo,
    Store,
    inspect_backup,
    list_backups,
    parse_backup_name,
    restore_backup,
)

BACKUP_DIR_KEY = "backup_dir"
BACKUP_PASSPHRASE_MIN = 12
CHAIN_WAIT_SECONDS = 600.0  # a backup being written elsewhere is waited for, not doubled
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BackupOutcome:
    """A backup written in the data folder, and what happened to its second copy."""

    path: Path
    kind: str
    extra_dir: Path | None
    copy_error: DomainError | None = None
    copy_path: Path | None = None  # the sealed copy in ``extra_dir`` when it was written

    @property
    def copied(self) -> bool:
        return self.extra_dir is not None and self.copy_error is None


def extra_backup_dir(ctx: StationContext) -> Path | None:
    """This station's folder inside the second backup place set by the administrator (None:
    not set).

    Each station writes into a folder of its own there (``<agency>-quay<prefix>-<station>``):
    the two PCs of an office may share one USB stick, and each rotates its own backups only.
    """
    value = str(ctx.setting(BACKUP_DIR_KEY, "") or "").strip()
    if not value:
        return None
    office = ctx.office()
    name = f"{office.agency_id}-quay{office.station_prefix}-{office.station_id[:8]}"
    return Path(value) / "".join(c if c.isalnum() or c in ".-_" else "_" for c in name)


def write_backup(
    store: Store, *, kind: str, extra_dir: Path | None, now: datetime | None = None
) -> BackupOutcome:
    """Write one backup of ``kind`` (and its second copy); safe on a worker thread.

    ``now`` (the station clock; default the system time) names the file, so "was today's
    daily backup made" is answered on the station's own clock.

    Reads the database through its own connection and writes nothing into it. Raises
    BACKUP_FAILED when the data folder copy cannot be written; a failed second copy is
    reported in the outcome instead.
    """
    try:
        path = _write(store, kind, now)
    except Exception as exc:  # disk full, folder not writable, database locked
        log.exception("backup %s failed", kind)
        raise DomainError(ErrorCode.BACKUP_FAILED, detail=str(exc)) from exc
    log.info("backup %s written: %s", kind, path.name)
    if extra_dir is None:
        return BackupOutcome(path, kind, extra_dir)
    try:
        copy = seal_backup(store, path, extra_dir)
    except DomainError as exc:
        log.warning("backup %s: second copy refused (%s)", kind, exc.code.value)
        return BackupOutcome(path, kind, extra_dir, exc)
    except OSError as exc:
        log.warning("backup %s: second copy failed (%s)", kind, exc.strerror or exc)
        error = DomainError(
            ErrorCode.BACKUP_COPY_FAILED,
            path=str(path),
            folder=str(extra_dir),
            detail=exc.strerror or str(exc),
        )
        return BackupOutcome(path, kind, extra_dir, error)
    return BackupOutcome(path, kind, extra_dir, copy_path=copy)


def _write(store: Store, kind: str, now: datetime | None) -> Path:
    """A point of the incremental chain (daily, exit, manual: issue 16), or a full copy
    (upgrade). Waits for a backup another thread or process is writing (the closing window's)."""
    if kind not in backup_points.POINT_KINDS:
        return store.backup(kind=kind, now=now)
    path = backup_points.write_point(
        store.db_path,
        store.data_dir / BACKUP_DIR,
        kind=kind,
        when=(now or datetime.now(UTC)).astimezone(UTC),
        reserved=lambda: ReservationLedger(store.ledger.paths).all_reserved(),
        keep=KEEP_PER_KIND,
        wait=CHAIN_WAIT_SECONDS,
    )
    if path is None:
        raise DomainError(ErrorCode.DATABASE_LOCKED)
    return path


# --- the office backup key and the sealed second copy (issue 17) -------------------------------


def office_key(store: Store) -> sealed.OfficeKey | None:
    """The office backup key this station holds (None: no passphrase set here yet)."""
    return _station_key(store.data_dir)


def set_backup_passphrase(ctx: StationContext, passphrase: str, *, by: str) -> Changes:
    """Set the office backup passphrase (>= 12 characters, else PASSWORD_WEAK): its derived
    key goes to the station's secret store (never to the database), audited. Later copies
    to the second backup folder are sealed with it."""
    require_admin(ctx, by)
    if len(passphrase) < BACKUP_PASSPHRASE_MIN or not passphrase.strip():
        raise DomainError(ErrorCode.PASSWORD_WEAK, minimum=BACKUP_PASSPHRASE_MIN)
    key = sealed.derive_key(passphrase)
    station_secrets(ctx.store.data_dir).set(BACKUP_KEY, key.to_text())
    with ctx.store.db.atomic():
        ctx.store.audit.record(
            at=ctx.clock.now(),
            officer=by,
            action="backup_passphrase_set",
            dossier_uuid=None,
            detail={},
        )
    return Changes(config=True)


def seal_backup(store: Store, backup_file: Path, folder: Path) -> Path:
    """Seal ``backup_file`` into ``folder`` (and the scans it lacks); rotate the sealed
    backups of that kind there. BACKUP_KEY_MISSING without an office key; OSError if the
    folder cannot be written."""
    key = office_key(store)
    if key is None:
        raise DomainError(ErrorCode.BACKUP_KEY_MISSING, folder=str(folder))
    if backup_points.is_point(backup_file):
        backup_points.seal_chains(store.data_dir / BACKUP_DIR, folder, key)
        sealed.seal_scans(store.blobs.folder, folder / sealed.SEALED_SCANS_DIR, key)
        _drop_plain_copies(folder)
        chain = folder / backup_points.SEALED_CHAIN_DIR / backup_file.parent.name
        return chain / (backup_file.name + sealed.SEALED_SUFFIX)
    target = folder / (backup_file.name + sealed.SEALED_SUFFIX)
    sealed.seal_file(backup_file, target, key)
    sealed.seal_scans(store.blobs.folder, folder / sealed.SEALED_SCANS_DIR, key)
    parsed = parse_backup_name(backup_file)
    if parsed is not None:
        same = [b.path for b in list_sealed(folder) if b.kind == parsed.kind]
        for old in same[: -KEEP_PER_KIND[parsed.kind]]:
            old.unlink(missing_ok=True)
    _drop_plain_copies(folder)
    return target


def _drop_plain_copies(folder: Path) -> None:
    """Remove the unencrypted copies an older version left in the second folder (readable by
    whoever holds the stick) once a sealed copy is there; the data folder keeps its own."""
    for old in list_backups(folder):
        old.path.unlink(missing_ok=True)
    shutil.rmtree(folder / SCANS_DIR, ignore_errors=True)


def list_sealed(folder: Path) -> list[BackupFile]:
    """Sealed backups in ``folder``, oldest first (their names without ``.sealed``)."""
    try:
        names = list(folder.glob("counter-*.db" + sealed.SEALED_SUFFIX))
    except OSError:
        return []
    found = []
    for path in names:
        parsed = parse_backup_name(path.with_name(path.name[: -len(sealed.SEALED_SUFFIX)]))
        if parsed is not None:
            found.append(BackupFile(path=path, kind=parsed.kind, made_at=parsed.made_at))
    return sorted(found, key=lambda b: (b.made_at, b.path.name))


def opens_with_station_key(ctx: StationContext, backup_file: Path) -> bool:
    """Whether this station's office key opens the sealed ``backup_file``."""
    key = _station_key(ctx.store.data_dir)
    try:
        salt, check = sealed.read_header(backup_file)
    except DomainError:
        return False
    return key is not None and (key.salt, key.check) == (salt, check)


def check_passphrase(backup_file: Path, passphrase: str) -> None:
    """BACKUP_KEY_WRONG (or BACKUP_INVALID) unless ``passphrase`` opens ``backup_file``."""
    sealed.key_for(backup_file, passphrase)


@contextmanager
def _plain_backup(
    data_dir: Path, backup_file: Path, passphrase: str | None
) -> Iterator[tuple[Path, sealed.OfficeKey | None]]:
    """The backup to restore as a plain file: ``backup_file`` itself, or a sealed one
    decrypted into a private work folder (removed afterwards) with the key of
    ``passphrase``, else the station's own key (BACKUP_KEY_WRONG when neither opens it)."""
    if backup_points.is_point(backup_file):
        with _plain_point(data_dir, backup_file, passphrase) as found:
            yield found
        return
    if not sealed.is_sealed(backup_file):
        yield backup_file, None
        return
    key = (
        sealed.key_for(backup_file, passphrase)
        if passphrase is not None
        else _station_key(data_dir)
    )
    if key is None:
        raise DomainError(ErrorCode.BACKUP_KEY_WRONG)
    work = data_dir / ".unsealing"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(mode=0o700, parents=True)
    try:
        plain = work / backup_file.name[: -len(sealed.SEALED_SUFFIX)]
        sealed.open_file(backup_file, plain, key)
        yield plain, key
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def _plain_point(
    data_dir: Path, point: Path, passphrase: str | None
) -> Iterator[tuple[Path, sealed.OfficeKey | None]]:
    """A point of the chain rebuilt as a database file in a private work folder (its
    sealed files opened there first when it is the stick's); BACKUP_CHAIN_BROKEN when a
    link is missing or changed, nothing else touched."""
    key = None
    if sealed.is_sealed(point):
        key = sealed.key_for(point, passphrase) if passphrase is not None else None
        key = key or _station_key(data_dir)
        if key is None:
            raise DomainError(ErrorCode.BACKUP_KEY_WRONG)
    work = data_dir / ".unsealing"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(mode=0o700, parents=True)
    try:
        if key is not None:
            plain_point = backup_points.unseal_point(point, work, key)
            yield backup_points.materialize_point(plain_point, work), key
            return
        with backup_chain.chain_lock(point.parent.parent.parent, wait=CHAIN_WAIT_SECONDS):
            plain = backup_points.materialize_point(point, work)
        yield plain, None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _station_key(data_dir: Path) -> sealed.OfficeKey | None:
    text = station_secrets(data_dir).get(BACKUP_KEY)
    try:
        return sealed.OfficeKey.from_text(text) if text else None
    except (ValueError, KeyError, TypeError):
        return None


def _after_unsealing(data_dir: Path, backup_file: Path, key: sealed.OfficeKey | None) -> None:
    """Bring back the sealed scans beside a sealed backup; keep the office key that opened
    it when this station has none (a new PC)."""
    if key is None:
        return
    station = (
        backup_points.station_folder_of(backup_file)
        if backup_points.is_point(backup_file)
        else backup_file.parent
    )
    sealed.open_scans(station / sealed.SEALED_SCANS_DIR, data_dir / SCANS_DIR, key)
    if _station_key(data_dir) is None:
        station_secrets(data_dir).set(BACKUP_KEY, key.to_text())


def record_backup(ctx: StationContext, outcome: BackupOutcome, *, officer: str) -> None:
    """The audit entry of a backup an officer asked for (one transaction)."""
    with ctx.store.db.atomic():
        ctx.store.audit.record(
            at=ctx.clock.now(),
            officer=officer,
            action="backup",
            dossier_uuid=None,
            detail={"file": outcome.path.name, "kind": outcome.kind, "copied": outcome.copied},
        )


def backup(ctx: StationContext, *, extra_dir: Path | None, officer: str) -> Path:
    """A manual backup (and a copy in ``extra_dir``), audited; the command line's.

    When the copy in ``extra_dir`` fails, the backup in the data folder is kept and audited
    and BACKUP_COPY_FAILED is raised (its message names both).
    """
    outcome = write_backup(ctx.store, kind="manual", extra_dir=extra_dir, now=ctx.clock.now())
    record_backup(ctx, outcome, officer=officer)
    if outcome.copy_error is not None:
        raise outcome.copy_error
    return outcome.path


def daily_backup_due(store: Store, today: date) -> bool:
    """True when no daily backup was made on ``today`` (Vietnam date) or later."""
    folder = store.data_dir / BACKUP_DIR
    dailies = [b for b in list_backups(folder) + list_points(folder) if b.kind == "daily"]
    dailies.sort(key=lambda b: b.made_at)
    if not dailies:
        return True
    return dailies[-1].made_at.astimezone(VN_TZ).date() < today


@dataclass(frozen=True, slots=True)
class BackupEntry:
    """A backup as the restore dialog lists it: where it is and what it holds."""

    info: BackupInfo | None  # None: the file could not be read as a backup
    path: Path
    kind: str
    made_at: datetime
    in_extra_dir: bool
    sealed: bool = False  # encrypted with the office key: read only when restored


def list_restorable(ctx: StationContext) -> list[BackupEntry]:
    """Backups of the data folder and of the second backup folder, newest first.

    Each is inspected read-only; a file that is not a readable backup is listed with no
    info (the dialog shows it as unusable) rather than hidden. Sealed backups of the second
    folder are listed unread (``sealed``): they are opened only to be restored.
    """
    folders = [(ctx.store.data_dir / BACKUP_DIR, False)]
    extra = extra_backup_dir(ctx)
    if extra is not None:
        folders.append((extra, True))
    entries = []
    for folder, is_extra in folders:
        for found in list_backups(folder):
            try:
                info: BackupInfo | None = inspect_backup(found.path)
            except DomainError:
                info = None
            entries.append(BackupEntry(info, found.path, found.kind, found.made_at, is_extra))
        if not is_extra:
            entries += [_point_entry(p) for p in backup_chain.all_points(folder)]
    if extra is not None:
        entries += [
            BackupEntry(None, b.path, b.kind, b.made_at, True, sealed=True)
            for b in list_sealed(extra)
        ]
        entries += [
            BackupEntry(None, path, kind, made_at, True, sealed=True)
            for path, kind, made_at in backup_points.sealed_points(extra)
        ]
    return sorted(entries, key=lambda e: e.made_at, reverse=True)


def _point_entry(point: backup_chain.Point) -> BackupEntry:
    """A point of the chain as the dialog lists it (what it holds is in its header)."""
    found = parse_backup_name(point.path)
    made_at = found.made_at if found else datetime.fromisoformat(point.made_at)
    info = point.header.get("info") or {}
    described = BackupInfo(
        path=point.path,
        made_at=point.made_at,
        dossiers=int(info.get("dossiers", 0)),
        last_code=info.get("last_code"),
        office=info.get("office"),
        kind=point.kind,
    )
    return BackupEntry(described, point.path, point.kind, made_at, False)


def list_points(folder: Path) -> list[BackupFile]:
    """The points of the chains in the backup ``folder``, oldest first."""
    return [
        BackupFile(path=p.path, kind=p.kind, made_at=datetime.fromisoformat(p.made_at))
        for p in backup_chain.all_points(folder)
    ]


def describe_backup(path: Path) -> BackupInfo:
    """Date, dossier count and last code of a backup, read without changing anything (a
    point of the chain: from its header)."""
    if backup_points.is_point(path) and not sealed.is_sealed(path):
        described = _point_entry(_read_point(path)).info
        assert described is not None
        return described
    return inspect_backup(path)


def _read_point(path: Path) -> backup_chain.Point:
    header = backup_chain.read_header(path)
    return backup_chain.Point(path, str(header.get("kind")), str(header["made_at"]), header)


def restore(
    data_dir: Path,
    backup_file: Path,
    *,
    mirror_dir: Path,
    officer: str,
    passphrase: str | None = None,
) -> BackupInfo:
    """Restore ``backup_file`` as the live database of ``data_dir`` (the station is closed).

    No code printed before the restore can be minted again afterwards. The restore is
    written to the restored database's audit log. A sealed backup (the USB stick's) needs
    the office backup ``passphrase`` (or the station's own key); a wrong one changes nothing.
    """
    with _plain_backup(data_dir, backup_file, passphrase) as (plain, key):
        info = restore_backup(data_dir, plain, mirror_dir=mirror_dir)
        _after_unsealing(data_dir, backup_file, key)
    store = Store(data_dir, mirror_dir=mirror_dir)
    try:
        _audit_restore(store, info, officer=officer)
    finally:
        store.close()
    return info


def restore_station(
    ctx: StationContext, backup_file: Path, *, officer: str, passphrase: str | None = None
) -> BackupInfo:
    """Restore ``backup_file`` under the open station ``ctx`` and reopen it in place.

    The station's store is closed, the backup restored (codes and event numbers move past
    every reservation, so nothing is minted twice; events already sent go again and the
    server answers "duplicate"), and ``ctx.store`` is replaced by the reopened store. An
    invalid backup is refused before anything is closed; if the restore itself fails the
    previous database is reopened. Only an administrator restores (ROLE_REQUIRED, before
    anything is read: services/permissions.py).
    """
    from counter_app.services import permissions

    permissions.require(ctx, officer, "restore")
    store = ctx.store
    data_dir, mirror_dir = store.data_dir, store.mirror_dir
    with _plain_backup(data_dir, backup_file, passphrase) as (plain, key):
        info = inspect_backup(plain)
        store.close()
        try:
            restored = restore_backup(data_dir, plain, mirror_dir=mirror_dir)
            _after_unsealing(data_dir, backup_file, key)
        finally:
            ctx.store = Store(data_dir, mirror_dir=mirror_dir)
            ctx.forget_calendar()
    _audit_restore(ctx.store, restored, officer=officer)
    log.info("restored %s (%s, %d dossiers)", backup_file.name, info.kind, info.dossiers)
    return restored


def _audit_restore(store: Store, info: BackupInfo, *, officer: str) -> None:
    with store.db.atomic():
        store.audit.record(
            at=datetime.now(UTC),
            officer=officer,
            action="restore",
            dossier_uuid=None,
            detail={
                "file": info.path.name,
                "kind": info.kind,
                "made_at": info.made_at,
                "dossiers": info.dossiers,
            },
        )


def check_database(ctx: StationContext) -> list[str]:
    """Full integrity and consistency check of the live database; empty when healthy."""
    problems = ctx.store.check()
    if problems:
        log.warning("database check found %d problem(s)", len(problems))
    else:
        log.info("database check passed")
    return problems
