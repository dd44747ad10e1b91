"""Officer accounts: argon2 password hashes, roles, offline authentication."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from counter_app.domain.changes import Changes
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Officer, Role
from counter_app.domain.text import nfc
from counter_app.services.station import StationContext

_USERNAME_RE = re.compile(r"^[a-z][a-z0-9._-]{2,31}$")
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_new_officer(ctx: StationContext, *, username: str, full_name: str, password: str) -> str:
    """The full name (NFC) of a valid new account, or OFFICER_INPUT_INVALID; writes nothing."""
    if not _USERNAME_RE.match(username):
        raise DomainError(ErrorCode.OFFICER_INPUT_INVALID, detail="username")
    if len(password) < 4:
        raise DomainError(ErrorCode.OFFICER_INPUT_INVALID, detail="password_short")
    name = nfc(full_name)
    if not name:
        raise DomainError(ErrorCode.OFFICER_INPUT_INVALID, detail="full_name")
    if ctx.store.officers.get(username) is not None:
        raise DomainError(ErrorCode.OFFICER_INPUT_INVALID, detail="username_taken")
    return name


def create_officer(
    ctx: StationContext, *, username: str, full_name: str, role: Role, password: str, by: str
) -> tuple[Officer, Changes]:
    """Add an account (argon2 hash only is kept); refuses bad names and short passwords."""
    name = check_new_officer(ctx, username=username, full_name=full_name, password=password)
    officer = Officer(username=username, full_name=name, role=role)
    hashed = hash_password(password)
    now = ctx.clock.now()
    with ctx.store.db.atomic():
        ctx.store.officers.add(officer, hashed, at=now)
        ctx.store.audit.record(
            at=now,
            officer=by,
            action="officer_created",
            dossier_uuid=None,
            detail={"username": username, "role": role.value},
        )
    return officer, Changes(officers=True)


def authenticate(ctx: StationContext, *, username: str, password: str) -> Officer:
    """Check a password against the cached hash (works offline); audit the attempt."""
    found = ctx.store.officers.get(username)
    now = ctx.clock.now()
    if found is None or not found[0].active:
        raise DomainError(ErrorCode.OFFICER_UNKNOWN, username=username)
    officer, hashed = found
    try:
        _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        with ctx.store.db.atomic():
            ctx.store.audit.record(
                at=now, officer=username, action="login_failed", dossier_uuid=None, detail={}
            )
        raise DomainError(ErrorCode.OFFICER_BAD_PASSWORD) from None
    with ctx.store.db.atomic():
        if _hasher.check_needs_rehash(hashed):
            ctx.store.officers.set_password_hash(username, hash_password(password))
        ctx.store.audit.record(
            at=now, officer=username, action="login", dossier_uuid=None, detail={}
        )
    return officer


def require_officer(
    ctx: StationContext, username: str, roles: frozenset[Role] = frozenset(Role)
) -> Officer:
    """The active officer ``username`` with one of ``roles`` (for command-line actions)."""
    found = ctx.store.officers.get(username)
    if found is None or not found[0].active:
        raise DomainError(ErrorCode.OFFICER_UNKNOWN, username=username)
    if found[0].role not in roles:
        raise DomainError(ErrorCode.OFFICER_NOT_ALLOWED, username=username)
    return found[0]
