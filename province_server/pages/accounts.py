"""Who may open the leaders' dashboard: accounts, sessions, roles, form tokens.

Guarantees:

- an account (``leader_accounts``, Alembic r0019) has a role, ``admin`` (province
  administrator: everything, including issuing enrolment codes and revoking stations) or
  ``viewer`` (figures, lists and exports only), and an argon2id password hash; accounts are
  made by ``province-server add-admin`` (the password typed twice unseen or on standard
  input, never an argument);
- signing in makes a server-side session (``leader_sessions``): the cookie holds 32 random
  bytes, the table only their SHA-256, with an expiry (:data:`SESSION_HOURS`); signing out
  deletes it, and a disabled account's sessions end with it; a wrong password takes as long
  as a right one (an unknown name is checked against a dummy hash);
- every form of the dashboard carries the session's own form token (random, compared in
  constant time): a post from another site does not know it;
- ``PROVINCE_ADMIN_TOKEN`` still works as before (Bearer header for scripts, or typed in
  the form's token field, which gives a stateless HMAC cookie): an administrator.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from province_server.errors import AdminError

SESSION_COOKIE = "qmc_dashboard"
SESSION_HOURS = 8
ADMIN, VIEWER = "admin", "viewer"
ROLES = (ADMIN, VIEWER)
USERNAME_RE = re.compile(r"^[a-z0-9._-]{3,40}$")
PASSWORD_MIN = 10
_HASHER = PasswordHasher()  # argon2id, the library's defaults
_DUMMY_HASH = _HASHER.hash("not-a-real-password-" + secrets.token_hex(8))


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking at the dashboard: the account (``""`` for the administrator token),
    its role and the form token its forms carry."""

    username: str
    full_name: str
    role: str
    form_token: str

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN


def _mac(secret: str, purpose: str) -> str:
    return hmac.new(secret.encode("utf-8"), purpose.encode(), hashlib.sha256).hexdigest()


def same(expected: str, given: str | None) -> bool:
    return bool(expected) and hmac.compare_digest(
        expected.encode("utf-8"), (given or "").encode("utf-8", "replace")
    )


def token_session_value(admin_token: str) -> str:
    """The cookie of a sign-in with the administrator token: bound to the token."""
    return _mac(admin_token, "dashboard-session-v1")


def token_form_token(admin_token: str) -> str:
    return _mac(admin_token, "dashboard-form-v1")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def check_new_password(username: str, password: str) -> None:
    """At least :data:`PASSWORD_MIN` characters, not the user name; AdminError otherwise."""
    if len(password) < PASSWORD_MIN or password.strip().casefold() == username.casefold():
        raise AdminError(
            f"the password must have at least {PASSWORD_MIN} characters and differ from "
            "the user name"
        )


def add_account(
    conn: psycopg.Connection,
    *,
    username: str,
    role: str,
    password_hash: str,
    full_name: str = "",
    active: bool = True,
) -> str:
    """Create or replace the account ``username`` (lower case); its open sessions end when
    its password, role or state changes. Returns the stored user name."""
    name = username.strip().lower()
    if not USERNAME_RE.match(name):
        raise AdminError("the user name must be 3-40 of a-z 0-9 . _ -")
    if role not in ROLES:
        raise AdminError(f"the role must be one of {', '.join(ROLES)}")
    with conn.transaction():
        conn.execute(
            "INSERT INTO leader_accounts (username, full_name, role, password_hash, active) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (username) DO UPDATE SET "
            "full_name = excluded.full_name, role = excluded.role, "
            "password_hash = excluded.password_hash, active = excluded.active, "
            "updated_at = now()",
            (name, full_name.strip(), role, password_hash, active),
        )
        conn.execute("DELETE FROM leader_sessions WHERE username = %s", (name,))
    return name


def has_accounts(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT EXISTS (SELECT 1 FROM leader_accounts WHERE active)").fetchone()
    return bool(row and row[0])


def sign_in(conn: psycopg.Connection, username: str, password: str) -> str | None:
    """A new session's cookie value when the password is right, else None (same work)."""
    name = username.strip().lower()
    row = conn.execute(
        "SELECT password_hash FROM leader_accounts WHERE username = %s AND active", (name,)
    ).fetchone()
    try:
        _HASHER.verify(row[0] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    value = secrets.token_urlsafe(32)
    with conn.transaction():
        conn.execute("DELETE FROM leader_sessions WHERE expires_at < now()")
        conn.execute(
            "INSERT INTO leader_sessions (token_hash, username, form_token, expires_at) "
            "VALUES (%s, %s, %s, now() + make_interval(hours => %s))",
            (_digest(value), name, secrets.token_urlsafe(24), SESSION_HOURS),
        )
    return value


def session_viewer(conn: psycopg.Connection, cookie: str) -> Viewer | None:
    row = conn.execute(
        "SELECT a.username, a.full_name, a.role, s.form_token FROM leader_sessions s "
        "JOIN leader_accounts a ON a.username = s.username "
        "WHERE s.token_hash = %s AND s.expires_at > now() AND a.active",
        (_digest(cookie),),
    ).fetchone()
    return Viewer(*row) if row else None


def sign_out(conn: psycopg.Connection, cookie: str) -> None:
    conn.execute("DELETE FROM leader_sessions WHERE token_hash = %s", (_digest(cookie),))


def token_viewer(admin_token: str, header: str | None, cookie: str | None) -> Viewer | None:
    """The administrator when the Bearer header carries the token or the cookie is the
    token's sign-in (constant time); never from the address."""
    if not admin_token:
        return None
    scheme, _, value = (header or "").partition(" ")
    if (scheme.lower() == "bearer" and same(admin_token, value.strip())) or (
        cookie is not None and same(token_session_value(admin_token), cookie)
    ):
        return Viewer("", "", ADMIN, token_form_token(admin_token))
    return None
