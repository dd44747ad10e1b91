"""Officer accounts: argon2 password hashes, roles, offline authentication.

Password policy (issue 17), for every new or changed password: at least 8 characters, not
the public demo password ``demo1234``, not the login name (case and surrounding spaces do
not matter); refused with PASSWORD_WEAK, which states the whole rule.

Failed-login lockout: after 5 wrong passwords in a row for one account, the account waits
30 s after the last failure, then 60 s after the next one, doubling up to 15 minutes; a
try during the wait is refused with OFFICER_LOCKED_OUT (the Vietnamese message says how many
seconds are left) without checking the password. The count is kept in the database
(``login_failures``), so closing and reopening the application does not reset it; a good
password resets it. Times come from the station clock.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from counter_app.domain.changes import Changes
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import Officer, Role
from counter_app.domain.text import nfc
from counter_app.services.station import StationContext

_USERNAME_RE = re.compile(r"^[a-z][a-z0-9._-]{2,31}$")
_hasher = PasswordHasher()
PASSWORD_MIN = 8
DEMO_PASSWORD = "demo1234"
FAILURES_KEY = "login_failures"
LOCK_AFTER = 5
LOCK_FIRST_SECONDS = 30
LOCK_MAX_SECONDS = 15 * 60


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_new_officer(ctx: StationContext, *, username: str, full_name: str, password: str) -> str:
    """The full name (NFC) of a valid new account, or OFFICER_INPUT_INVALID; writes nothing."""
    if not _USERNAME_RE.match(username):
        raise DomainError(ErrorCode.OFFICER_INPUT_INVALID, detail="username")
    check_password(password, username=username)
    name = nfc(full_name)
    if not name:
        raise DomainError(ErrorCode.OFFICER_INPUT_INVALID, detail="full_name")
    if ctx.store.officers.get(username) is not None:
        raise DomainError(ErrorCode.OFFICER_INPUT_INVALID, detail="username_taken")
    return name


def check_password(password: str, *, username: str) -> None:
    """The password policy (see the module docstring); PASSWORD_WEAK when it is not met."""
    folded = password.strip().casefold()
    if (
        len(password) < PASSWORD_MIN
        or folded == DEMO_PASSWORD
        or folded == username.strip().casefold()
    ):
        raise DomainError(ErrorCode.PASSWORD_WEAK, minimum=PASSWORD_MIN)


def lock_seconds(failures: int) -> int:
    """How long an account waits after its ``failures``-th wrong password in a row."""
    if failures < LOCK_AFTER:
        return 0
    return int(min(LOCK_MAX_SECONDS, LOCK_FIRST_SECONDS * 2 ** min(failures - LOCK_AFTER, 16)))


def _failures(ctx: StationContext) -> dict[str, Any]:
    value = ctx.store.config.get(FAILURES_KEY, {})
    return value if isinstance(value, dict) else {}


def locked_for(ctx: StationContext, username: str, now: datetime) -> int:
    """Seconds ``username`` must still wait before a login is tried (0: not locked)."""
    entry = _failures(ctx).get(username)
    if not isinstance(entry, dict):
        return 0
    try:
        last = datetime.fromisoformat(str(entry["last"]))
        count = int(entry["count"])
    except (KeyError, ValueError, TypeError):
        return 0
    until = last + timedelta(seconds=lock_seconds(count))
    left = (until - now).total_seconds()
    return max(0, int(left) + (1 if left > int(left) else 0))


def create_officer(
    ctx: StationContext, *, username: str, full_name: str, role: Role, password: str, by: str
) -> tuple[Officer, Changes]:
    """Add an account (argon2 hash only is kept); refuses bad names and short passwords,
    and anyone but an administrator (``by``; ROLE_REQUIRED: services/permissions.py)."""
    from counter_app.services import permissions

    permissions.require(ctx, by, "officers")
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
    """Check a password against the cached hash (works offline); audit the attempt.

    Refused without checking the password while the account is locked out
    (OFFICER_LOCKED_OUT with ``seconds`` and ``failures``); a wrong password counts one more
    failure (and says how long to wait when it locks the account), a good one resets them.
    """
    found = ctx.store.officers.get(username)
    now = ctx.clock.now()
    if found is None or not found[0].active:
        raise DomainError(ErrorCode.OFFICER_UNKNOWN, username=username)
    wait = locked_for(ctx, username, now)
    if wait:
        count = int(_failures(ctx)[username]["count"])
        raise DomainError(ErrorCode.OFFICER_LOCKED_OUT, seconds=wait, failures=count)
    officer, hashed = found
    try:
        _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        count = _record_failure(ctx, username, now)
        if lock_seconds(count):
            raise DomainError(
                ErrorCode.OFFICER_LOCKED_OUT, seconds=lock_seconds(count), failures=count
            ) from None
        raise DomainError(ErrorCode.OFFICER_BAD_PASSWORD) from None
    with ctx.store.db.atomic():
        failures = _failures(ctx)
        if username in failures:
            del failures[username]
            ctx.store.config.set(FAILURES_KEY, failures)
        if _hasher.check_needs_rehash(hashed):
            ctx.store.officers.set_password_hash(username, hash_password(password))
        ctx.store.audit.record(
            at=now, officer=username, action="login", dossier_uuid=None, detail={}
        )
    return officer


def _record_failure(ctx: StationContext, username: str, now: datetime) -> int:
    """One more failure of ``username`` (stored with the audit entry); the count now."""
    with ctx.store.db.atomic():
        failures = _failures(ctx)
        entry = failures.get(username)
        count = int(entry.get("count", 0)) + 1 if isinstance(entry, dict) else 1
        failures[username] = {"count": count, "last": now.isoformat()}
        ctx.store.config.set(FAILURES_KEY, failures)
        ctx.store.audit.record(
            at=now,
            officer=username,
            action="login_failed",
            dossier_uuid=None,
            detail={"failures": count},
        )
    return count


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
