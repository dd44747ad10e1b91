"""Station secrets, kept out of the database and so out of every backup (issue 17).

Three secrets live here: the **station token** the province server issued at enrolment,
the **office backup key** (derived from the office backup passphrase, see
``storage.sealed``) that encrypts the backups written to the second backup folder, and the
**office LAN secret** the counters of one office authenticate each other with (issue 15,
``sync/lan``).

Where they are kept:

- the OS keyring when the ``keyring`` package is installed and has a real back end
  (Windows Credential Manager; on Linux a Secret Service of a desktop session), one entry per
  data folder;
- otherwise ``<data folder>/station-secrets.json``, readable and writable by the user only
  (0600), written atomically. It is never copied by a backup (backups copy the database and
  the scans only) nor on the USB stick.

``COUNTER_APP_SECRETS=file`` forces the file (what a headless Linux station uses anyway).
A data folder restored on a new PC therefore holds no token: the station is enrolled again
with a new one-time code, and the old token can be revoked from the province dashboard.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any, Protocol

SECRETS_FILE = "station-secrets.json"
SECRETS_ENV = "COUNTER_APP_SECRETS"
STATION_TOKEN = "station_token"
BACKUP_KEY = "backup_key"
OFFICE_SECRET = "office_secret"  # the office's LAN secret (issue 15, sync/lan)
_SERVICE = "quay-mot-cua"


class SecretBackend(Protocol):
    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...


class FileSecrets:
    """Secrets in one JSON file that only the user may read (0600)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / SECRETS_FILE

    def _read(self) -> dict[str, Any]:
        try:
            value = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return value if isinstance(value, dict) else {}

    def _write(self, values: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".part")
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, json.dumps(values).encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(partial, 0o600)
        os.replace(partial, self.path)

    def get(self, name: str) -> str | None:
        value = self._read().get(name)
        return value if isinstance(value, str) and value else None

    def set(self, name: str, value: str) -> None:
        self._write({**self._read(), name: value})

    def delete(self, name: str) -> None:
        values = self._read()
        if name in values:
            del values[name]
            self._write(values)


class KeyringSecrets:
    """Secrets in the OS keyring, one service name per data folder."""

    def __init__(self, data_dir: Path, keyring: Any) -> None:
        digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
        self.service = f"{_SERVICE}:{digest}"
        self.keyring = keyring

    def get(self, name: str) -> str | None:
        value = self.keyring.get_password(self.service, name)
        return value if isinstance(value, str) and value else None

    def set(self, name: str, value: str) -> None:
        self.keyring.set_password(self.service, name, value)

    def delete(self, name: str) -> None:
        with contextlib.suppress(Exception):  # keyring.errors.PasswordDeleteError: not there
            self.keyring.delete_password(self.service, name)


def _usable_keyring() -> Any | None:
    """The ``keyring`` module when it has a real back end (not the fail/null ones)."""
    if os.environ.get(SECRETS_ENV, "").strip().lower() == "file":
        return None
    try:
        import keyring
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
        priority = float(getattr(backend, "priority", 0))
    except Exception:
        return None
    name = type(backend).__module__ + "." + type(backend).__name__
    if priority <= 0 or "fail" in name.lower() or "null" in name.lower():
        return None
    return keyring


def station_secrets(data_dir: Path) -> SecretBackend:
    """Where the secrets of the station in ``data_dir`` are kept (see the module docstring)."""
    found = _usable_keyring()
    return KeyringSecrets(data_dir, found) if found is not None else FileSecrets(data_dir)


def station_token(data_dir: Path) -> str | None:
    """The station token, or None when this station holds none (never enrolled here)."""
    return station_secrets(data_dir).get(STATION_TOKEN)


def set_station_token(data_dir: Path, token: str) -> None:
    station_secrets(data_dir).set(STATION_TOKEN, token)


def office_secret(data_dir: Path) -> str | None:
    """The office's LAN secret (issue 15: from the province at enrolment, or typed as a
    pairing code), or None when this station holds none (it then serves no peer)."""
    return station_secrets(data_dir).get(OFFICE_SECRET)


def set_office_secret(data_dir: Path, secret: str) -> None:
    station_secrets(data_dir).set(OFFICE_SECRET, secret)


# --- moving the token out of a database (migration m0013) ----------------------------------


def _drop_token(conn: sqlite3.Connection) -> str | None:
    """Remove the token from the ``sync`` config row (its bytes zeroed); the token or None."""
    row = conn.execute("SELECT value FROM config WHERE key = 'sync'").fetchone()
    value = json.loads(row[0]) if row else None
    if not isinstance(value, dict) or "token" not in value:
        return None
    token = value.pop("token")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("UPDATE config SET value = ? WHERE key = 'sync'", (json.dumps(value),))
    return token if isinstance(token, str) and token else None


def _scrub_backup(path: Path) -> None:
    """Take the token out of an older backup file as well (best effort)."""
    try:
        conn = sqlite3.connect(str(path), timeout=5.0)
        try:
            if _drop_token(conn) is not None:
                conn.commit()
                conn.execute("VACUUM")
        finally:
            conn.close()
    except sqlite3.Error:
        pass


def move_token_out(conn: sqlite3.Connection) -> None:
    """Move the station token of the open database ``conn`` to the secret store of its data
    folder (kept there if that store already holds one: a restored older backup never
    replaces the current token), zero its bytes in the database, and take it out of the
    older backups of the data folder and of the second backup folder too. In the caller's
    transaction; an in-memory database just loses it."""
    token = _drop_token(conn)
    files = [r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main" and r[2]]
    if token is None or not files:
        return
    data_dir = Path(files[0]).parent
    secrets_ = station_secrets(data_dir)
    if secrets_.get(STATION_TOKEN) is None:
        secrets_.set(STATION_TOKEN, token)
    row = conn.execute("SELECT value FROM config WHERE key = 'backup_dir'").fetchone()
    extra = json.loads(row[0]) if row else ""
    folders = [data_dir / "backups"]
    if isinstance(extra, str) and extra.strip():
        with contextlib.suppress(OSError):
            folders += [p for p in Path(extra.strip()).iterdir() if p.is_dir()]
    for folder in folders:
        with contextlib.suppress(OSError):
            for path in folder.glob("counter-*.db"):
                _scrub_backup(path)
