"""Backups sealed with the office key for the second backup folder (a USB stick; issue 17).

A stick gets lost or copied; what it holds must be useless without the office. Every backup
copied there, and every scan copied beside it, is encrypted with the **office backup key**:

- the key is derived from the **office backup passphrase** that the administrator sets
  (scrypt, n=2^15, r=8, p=1, a random 16-byte office salt) and is kept in the station's
  secret store (``storage.station_secrets``), never in the database;
- a sealed file (``counter-<stamp>-<kind>.db.sealed``, scans in ``scans.sealed/``) is
  ``MAGIC | salt | key check | nonce prefix`` followed by AES-256-GCM chunks of 1 MiB; chunk
  nonces count up and mark the last chunk, the header is authenticated with every chunk, so a
  cut, reordered or edited file is refused, never half-restored;
- the salt travels in every file, so the passphrase alone opens it on any PC.

How an office restores on a new PC: install the application, plug in the stick, run
``counter-app restore <stick>/<station folder>/counter-…-daily.db.sealed`` and type the
office backup passphrase (or pipe it with ``--passphrase-stdin``); the database and the scans
come back. The station token does not (it never was in a backup): enrol the new PC with a new
one-time code from the province, and revoke the old station on the province dashboard.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.storage.blobs import blob_path, iter_blob_files, write_blob_file

MAGIC = b"QMCSEAL1"
SEALED_SUFFIX = ".sealed"
SEALED_SCANS_DIR = "scans.sealed"
CHUNK = 1 << 20
_SALT, _CHECK, _PREFIX = 16, 8, 7
HEADER_BYTES = len(MAGIC) + _SALT + _CHECK + _PREFIX
_TAG = 16


@dataclass(frozen=True, slots=True)
class OfficeKey:
    """The office backup key and the salt it was derived with."""

    key: bytes
    salt: bytes

    def to_text(self) -> str:
        return json.dumps(
            {
                "key": base64.b64encode(self.key).decode(),
                "salt": base64.b64encode(self.salt).decode(),
            }
        )

    @classmethod
    def from_text(cls, text: str) -> OfficeKey:
        data = json.loads(text)
        return cls(base64.b64decode(data["key"]), base64.b64decode(data["salt"]))

    @property
    def check(self) -> bytes:
        return hashlib.sha256(b"qmc-key-check" + self.key).digest()[:_CHECK]


def derive_key(passphrase: str, salt: bytes | None = None) -> OfficeKey:
    """The office key of ``passphrase`` (a new random salt when none is given)."""
    salt = salt if salt is not None else secrets.token_bytes(_SALT)
    kdf = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1)
    return OfficeKey(kdf.derive(passphrase.encode("utf-8")), salt)


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _chunks(source: BinaryIO) -> Iterator[tuple[bytes, bool]]:
    current = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        yield current, not following
        if not following:
            return
        current = following


def seal_file(source: Path, target: Path, key: OfficeKey) -> None:
    """Write ``source`` encrypted as ``target`` (0600, durably, under a temporary name)."""
    prefix = secrets.token_bytes(_PREFIX)
    header = MAGIC + key.salt + key.check + prefix
    aead = AESGCM(key.key)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            out.write(header)
            for index, (plain, last) in enumerate(_chunks(src)):
                sealed = aead.encrypt(_nonce(prefix, index, last), plain, header)
                out.write(len(sealed).to_bytes(4, "big") + sealed)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def read_header(path: Path) -> tuple[bytes, bytes]:
    """The salt and key check of a sealed file, or BACKUP_INVALID."""
    try:
        with path.open("rb") as src:
            header = src.read(HEADER_BYTES)
    except OSError:
        raise DomainError(ErrorCode.BACKUP_INVALID, path=str(path)) from None
    if len(header) != HEADER_BYTES or not header.startswith(MAGIC):
        raise DomainError(ErrorCode.BACKUP_INVALID, path=str(path))
    salt = header[len(MAGIC) : len(MAGIC) + _SALT]
    return salt, header[len(MAGIC) + _SALT : len(MAGIC) + _SALT + _CHECK]


def key_for(path: Path, passphrase: str) -> OfficeKey:
    """The office key that opens ``path``, from the passphrase; BACKUP_KEY_WRONG if not."""
    salt, check = read_header(path)
    key = derive_key(passphrase, salt)
    if key.check != check:
        raise DomainError(ErrorCode.BACKUP_KEY_WRONG)
    return key


def is_sealed(path: Path) -> bool:
    return path.name.endswith(SEALED_SUFFIX)


def open_file(source: Path, target: Path, key: OfficeKey) -> None:
    """Decrypt ``source`` into ``target`` (0600); BACKUP_KEY_WRONG or BACKUP_INVALID, and no
    ``target`` left, when the key is not the office's or the file was cut or changed."""
    salt, check = read_header(source)
    if salt != key.salt or check != key.check:
        raise DomainError(ErrorCode.BACKUP_KEY_WRONG)
    aead = AESGCM(key.key)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            header = src.read(HEADER_BYTES)
            prefix = header[-_PREFIX:]
            index, done = 0, False
            while not done:
                size = int.from_bytes(src.read(4) or b"\0\0\0\0", "big")
                sealed = src.read(size)
                if size < _TAG or len(sealed) != size or size > CHUNK + _TAG:
                    raise DomainError(ErrorCode.BACKUP_INVALID, path=str(source))
                following = src.peek(1)
                done = not following
                try:
                    out.write(aead.decrypt(_nonce(prefix, index, done), sealed, header))
                except InvalidTag:
                    raise DomainError(ErrorCode.BACKUP_INVALID, path=str(source)) from None
                index += 1
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def seal_scans(source: Path, target: Path, key: OfficeKey) -> int:
    """Seal the scans of ``source`` that ``target`` lacks (scans never change); how many."""
    copied = 0
    for path in iter_blob_files(source):
        dest = blob_path(target, path.name)
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            seal_file(path, dest, key)
            copied += 1
    return copied


def open_scans(source: Path, target: Path, key: OfficeKey) -> int:
    """Decrypt the sealed scans of ``source`` that ``target`` lacks, checking each one's
    SHA-256 against its name (a scan that does not match is skipped); how many."""
    restored = 0
    for path in iter_blob_files(source):
        if blob_path(target, path.name).exists():
            continue
        plain = path.with_name(path.name + ".open")
        try:
            open_file(path, plain, key)
            data = plain.read_bytes()
        except DomainError:
            continue
        finally:
            plain.unlink(missing_ok=True)
        if hashlib.sha256(data).hexdigest() == path.name:
            write_blob_file(target, path.name, data)
            restored += 1
    return restored
