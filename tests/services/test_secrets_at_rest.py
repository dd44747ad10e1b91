"""Secrets at rest (issue 17): the station token never in a database or backup, backups the
user's only, the USB stick's copies sealed with the office key, restore on a new PC."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.services import maintenance
from counter_app.services.intake import ReceptionRequest, receive_dossier
from counter_app.services.officers import DEMO_PASSWORD, authenticate
from counter_app.services.settings import read_settings, update_settings
from counter_app.services.station import StationContext
from counter_app.storage import station_secrets
from counter_app.storage.store import DB_NAME
from counter_app.sync.engine import enrol, sync_settings
from sync_protocol import EnrolResponse
from tests.conftest import make_applicant

TOKEN = "tok-" + "S3cr3t" * 6
PASSPHRASE = "Ủy ban xã Minh Hòa 2026"
NAME = "Nguyễn Văn Đức"
M0013 = "m0013_token_out_of_database"


def _receive(ctx: StationContext) -> str:
    request = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant(name=NAME))
    dossier, _ = receive_dossier(ctx, request, officer="canbo")
    assert dossier.code is not None
    return dossier.code


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _holds(folder: Path, needle: str) -> list[Path]:
    """Every file below ``folder`` whose bytes contain ``needle`` (UTF-8)."""
    raw = needle.encode("utf-8")
    return [p for p in folder.rglob("*") if p.is_file() and raw in p.read_bytes()]


def _enrolled_like_before(ctx: StationContext) -> None:
    """A station enrolled by an older version: the token in the database, in clear."""
    with ctx.store.db.atomic():
        ctx.store.config.set("sync", {"url": "https://tinh.example.vn", "token": TOKEN})


def _usb(ctx: StationContext, folder: Path) -> Path:
    update_settings(ctx, replace(read_settings(ctx), backup_dir=str(folder)), officer="quantri")
    maintenance.set_backup_passphrase(ctx, PASSPHRASE, by="quantri")
    own = maintenance.extra_backup_dir(ctx)
    assert own is not None
    return own


def test_migration_moves_the_token_out_of_the_database_and_its_backups(
    tmp_path: Path, clock: FixedClock
) -> None:
    data = tmp_path / "old-station"
    ctx = open_station(data, clock=clock)
    _enrolled_like_before(ctx)
    with ctx.store.db.atomic():  # as if m0013 had not run yet
        ctx.store.db.conn.execute("DELETE FROM _migrations WHERE name = ?", (M0013,))
    old_backup = ctx.store.backup(kind="manual")
    assert _holds(data / "backups", TOKEN) == [old_backup]  # made by the older version
    ctx.store.close()

    ctx = open_station(data, clock=clock)  # the new version opens it: m0013 runs
    try:
        assert ctx.store.applied_now == [M0013]
        assert ctx.store.upgrade_backup is not None  # copied before migrating, then scrubbed
        assert "token" not in ctx.store.config.get("sync")
        assert sync_settings(ctx)["token"] == TOKEN  # still enrolled: from the secret store
        secret_file = data / station_secrets.SECRETS_FILE
        assert _mode(secret_file) == 0o600
        ctx.store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        holders = _holds(data, TOKEN)
        assert holders == [secret_file]  # not the database, not any backup
        fresh = ctx.store.backup(kind="manual")
        assert TOKEN.encode() not in fresh.read_bytes()
    finally:
        ctx.store.close()


def test_backups_are_the_users_only_and_the_sticks_are_sealed(
    station: StationContext, tmp_path: Path
) -> None:
    station_secrets.set_station_token(station.store.data_dir, TOKEN)
    own = _usb(station, tmp_path / "usb")
    code = _receive(station)
    older = own / "counter-20260101-000000-000000-daily.db"  # an older version's plain copy
    own.mkdir(parents=True)
    shutil.copyfile(station.store.backup(kind="manual"), older)
    (own / "scans" / "ab").mkdir(parents=True)
    outcome = maintenance.write_backup(station.store, kind="daily", extra_dir=own)
    assert not older.exists() and not (own / "scans").exists()
    assert outcome.copied and _mode(outcome.path) == 0o600
    (sealed_file,) = own.rglob("counter-*.sealed")
    assert _mode(sealed_file) == 0o600
    for needle in (TOKEN, NAME, code, "001090123456", "SQLite format"):
        assert _holds(tmp_path / "usb", needle) == [], needle
        assert TOKEN not in outcome.path.read_text(errors="replace")
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(sealed_file).execute("SELECT * FROM config").fetchall()


def test_without_the_passphrase_the_stick_copy_is_refused(
    station: StationContext, tmp_path: Path
) -> None:
    update_settings(
        station,
        replace(read_settings(station), backup_dir=str(tmp_path / "usb")),
        officer="quantri",
    )
    outcome = maintenance.write_backup(
        station.store, kind="daily", extra_dir=maintenance.extra_backup_dir(station)
    )
    assert outcome.path.exists() and outcome.copy_error is not None
    assert outcome.copy_error.code is ErrorCode.BACKUP_KEY_MISSING
    assert not (tmp_path / "usb").exists() or not any((tmp_path / "usb").rglob("counter-*"))
    with pytest.raises(DomainError) as short:
        maintenance.set_backup_passphrase(station, "short", by="quantri")
    assert short.value.code is ErrorCode.PASSWORD_WEAK


def test_a_stick_opened_on_another_pc_needs_the_office_passphrase(
    station: StationContext, tmp_path: Path, clock: FixedClock
) -> None:
    station_secrets.set_station_token(station.store.data_dir, TOKEN)
    own = _usb(station, tmp_path / "usb")
    code = _receive(station)
    maintenance.write_backup(station.store, kind="daily", extra_dir=own)
    # Someone copies the stick and opens it elsewhere.
    copied = tmp_path / "elsewhere"
    shutil.copytree(tmp_path / "usb", copied)
    (backup,) = copied.rglob("counter-*.sealed")
    new_pc = tmp_path / "new-pc"
    with pytest.raises(DomainError) as wrong:
        maintenance.restore(
            new_pc, backup, mirror_dir=tmp_path / "m2", officer="x", passphrase="đoán thử"
        )
    assert wrong.value.code is ErrorCode.BACKUP_KEY_WRONG
    assert not (new_pc / DB_NAME).exists()
    with pytest.raises(DomainError) as none:  # no key at all on that PC
        maintenance.restore(new_pc, backup, mirror_dir=tmp_path / "m2", officer="x")
    assert none.value.code is ErrorCode.BACKUP_KEY_WRONG
    assert not (new_pc / DB_NAME).exists()

    # The office on its new PC, with its passphrase: the data comes back, the token does not.
    info = maintenance.restore(
        new_pc, backup, mirror_dir=tmp_path / "m2", officer="x", passphrase=PASSPHRASE
    )
    assert info.dossiers == 1 and info.last_code == code
    restored = open_station(new_pc, clock=clock)
    try:
        assert restored.store.dossiers.by_code(code) is not None
        with pytest.raises(DomainError) as not_enrolled:
            sync_settings(restored)
        assert not_enrolled.value.code is ErrorCode.SYNC_NOT_ENROLLED
        assert _holds(new_pc, TOKEN) == []
        assert not (new_pc / ".unsealing").exists()
        # The passphrase that opened it is now this PC's office key: its stick copies work.
        assert maintenance.office_key(restored.store) is not None
    finally:
        restored.store.close()


def test_a_cut_or_edited_sealed_backup_is_refused(station: StationContext, tmp_path: Path) -> None:
    own = _usb(station, tmp_path / "usb")
    _receive(station)
    maintenance.write_backup(station.store, kind="daily", extra_dir=own)
    (backup,) = own.rglob("counter-*.sealed")
    data = bytearray(backup.read_bytes())
    for damaged in (bytes(data[:-40]), bytes(data[:100]) + bytes([data[100] ^ 1]) + data[101:]):
        bad = tmp_path / "bad" / backup.name
        bad.parent.mkdir(exist_ok=True)
        bad.write_bytes(damaged)
        with pytest.raises(DomainError) as refused:
            maintenance.restore(
                tmp_path / "pc", bad, mirror_dir=tmp_path / "m", officer="x", passphrase=PASSPHRASE
            )
        assert refused.value.code is ErrorCode.BACKUP_INVALID
        assert not (tmp_path / "pc" / DB_NAME).exists()


def test_secret_file_is_written_for_the_user_only(tmp_path: Path) -> None:
    station_secrets.set_station_token(tmp_path, TOKEN)
    path = tmp_path / station_secrets.SECRETS_FILE
    assert _mode(path) == 0o600
    assert json.loads(path.read_text())[station_secrets.STATION_TOKEN] == TOKEN
    assert station_secrets.station_token(tmp_path) == TOKEN


def test_the_command_line_restores_a_sealed_backup_on_a_new_pc(
    station: StationContext, tmp_path: Path
) -> None:
    own = _usb(station, tmp_path / "usb")
    code = _receive(station)
    maintenance.write_backup(station.store, kind="daily", extra_dir=own)
    (backup,) = own.rglob("counter-*.sealed")

    args = ("restore", str(backup), "--passphrase-stdin")

    def restore(passphrase: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "counter_app", "--data-dir", str(tmp_path / "new-pc"), *args],
            input=passphrase + "\n",
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**os.environ, "COUNTER_APP_MIRROR_DIR": str(tmp_path / "new-mirror")},
            timeout=120,
            check=False,
        )

    wrong = restore("không phải mật khẩu")
    assert wrong.returncode == 2 and "Mật khẩu sao lưu không đúng" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    assert not (tmp_path / "new-pc" / DB_NAME).exists()
    right = restore(PASSPHRASE)
    assert right.returncode == 0, right.stderr
    assert json.loads(right.stdout)["last_code"] == code
    assert PASSPHRASE not in right.stdout + right.stderr


class _EnrolOnly:
    """A province server that only enrols (the command line and the wizard both call
    ``sync.engine.enrol``, the one real enrolment path)."""

    def enrol(self, code: str) -> EnrolResponse:
        return EnrolResponse(
            token=TOKEN,
            agency_id="000.00.19.H99",
            station_id="6f1c1b0e-0000-4000-8000-000000000001",
            station_prefix="17",
            parent_body="UBND huyện Thử",
            unit_name="UBND xã Thử",
            place_name="Thử",
            server_time="2026-02-13T03:00:00+00:00",
        )


def test_enrolment_locks_the_demo_accounts_and_keeps_the_token_out(
    station: StationContext,
) -> None:
    assert authenticate(station, username="quantri", password=DEMO_PASSWORD)
    enrol(station, _EnrolOnly(), url="https://tinh.example.vn", code="ABCD-EFGH-JKLM")  # type: ignore[arg-type]
    for username in ("canbo", "lanhdao", "quantri"):
        with pytest.raises(DomainError) as locked:
            authenticate(station, username=username, password=DEMO_PASSWORD)
        assert locked.value.code is ErrorCode.OFFICER_UNKNOWN
    assert sync_settings(station)["token"] == TOKEN
    assert "token" not in station.store.config.get("sync")
    station.store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert TOKEN.encode() not in (station.store.data_dir / DB_NAME).read_bytes()


class _FakeKeyring:
    """What the ``keyring`` module offers (Windows Credential Manager, Secret Service)."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, name: str) -> str | None:
        return self.entries.get((service, name))

    def set_password(self, service: str, name: str, value: str) -> None:
        self.entries[(service, name)] = value

    def delete_password(self, service: str, name: str) -> None:
        del self.entries[(service, name)]


def test_with_an_os_keyring_the_token_goes_there_and_no_file_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _FakeKeyring()
    monkeypatch.setattr(station_secrets, "_usable_keyring", lambda: fake)
    station_secrets.set_station_token(tmp_path / "a", TOKEN)
    assert station_secrets.station_token(tmp_path / "a") == TOKEN
    assert station_secrets.station_token(tmp_path / "b") is None  # one entry per data folder
    assert not (tmp_path / "a" / station_secrets.SECRETS_FILE).exists()
    assert list(fake.entries.values()) == [TOKEN]


def test_the_command_line_sets_the_backup_passphrase_for_an_administrator(
    tmp_path: Path,
) -> None:
    def run(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "counter_app", "--data-dir", str(tmp_path / "s"), *args],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**os.environ, "COUNTER_APP_MIRROR_DIR": str(tmp_path / "m")},
            timeout=120,
            check=False,
        )

    args = ("backup-passphrase", "--password-stdin", "--passphrase-stdin")
    short = run(*args, "--officer", "quantri", stdin=f"{DEMO_PASSWORD}\nngắn\n")
    assert short.returncode == 2 and "ít nhất 12 ký tự" in short.stderr
    officer = run(*args, "--officer", "canbo", stdin=f"{DEMO_PASSWORD}\n{PASSPHRASE}\n")
    assert officer.returncode == 2 and "Traceback" not in officer.stderr
    done = run(*args, "--officer", "quantri", stdin=f"{DEMO_PASSWORD}\n{PASSPHRASE}\n")
    assert done.returncode == 0, done.stderr
    assert PASSPHRASE not in done.stdout + done.stderr
    assert station_secrets.station_secrets(tmp_path / "s").get(station_secrets.BACKUP_KEY)
