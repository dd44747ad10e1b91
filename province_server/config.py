"""Server settings, read from the environment once by the caller (never at import time)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/province"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the server needs; ``from_env`` reads ``PROVINCE_*`` variables.

    - ``PROVINCE_DATABASE_URL``: libpq URL of the province database;
    - ``PROVINCE_POOL_MIN`` / ``PROVINCE_POOL_MAX``: connection pool bounds per process;
    - ``PROVINCE_CODE_TTL_HOURS``: how long a one-time enrolment code stays valid;
    - ``PROVINCE_LOOKUP_PATH``: path of the citizen status page (the slip's QR), ``/tra-cuu``;
    - ``PROVINCE_ADMIN_TOKEN``: the administrator token of ``/dashboard`` (empty: disabled).
    """

    database_url: str = DEFAULT_DATABASE_URL
    pool_min: int = 1
    pool_max: int = 10
    code_ttl_hours: int = 72
    lookup_path: str = "/tra-cuu"
    admin_token: str = field(default="", repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("PROVINCE_DATABASE_URL", DEFAULT_DATABASE_URL),
            pool_min=int(env.get("PROVINCE_POOL_MIN", "1")),
            pool_max=int(env.get("PROVINCE_POOL_MAX", "10")),
            code_ttl_hours=int(env.get("PROVINCE_CODE_TTL_HOURS", "72")),
            lookup_path=lookup_path(env.get("PROVINCE_LOOKUP_PATH", "/tra-cuu")),
            admin_token=env.get("PROVINCE_ADMIN_TOKEN", "").strip(),
        )


def lookup_path(value: str) -> str:
    """``/tra-cuu``-like: one leading slash, no trailing one, no query, not under /api/."""
    path = "/" + value.strip().strip("/")
    if path == "/" or "?" in path or "#" in path or path.startswith("/api/"):
        raise ValueError("PROVINCE_LOOKUP_PATH must be a path such as /tra-cuu")
    return path


def sqlalchemy_url(url: str) -> str:
    """The same database as a SQLAlchemy URL using psycopg 3 (Alembic needs one)."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    raise ValueError("PROVINCE_DATABASE_URL must be a postgresql:// URL")
