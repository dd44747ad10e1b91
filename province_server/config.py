"""Server settings, read from the environment once by the caller (never at import time)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/province"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the server needs; ``from_env`` reads ``PROVINCE_*`` variables.

    - ``PROVINCE_DATABASE_URL``: libpq URL of the province database;
    - ``PROVINCE_POOL_MIN`` / ``PROVINCE_POOL_MAX``: connection pool bounds per process;
    - ``PROVINCE_CODE_TTL_HOURS``: how long a one-time enrolment code stays valid;
    - ``PROVINCE_LOOKUP_PATH``: path of the citizen status page (the slip's QR), ``/tra-cuu``;
    - ``PROVINCE_PUBLIC_URL``: the address citizens reach this server at, e.g.
      ``https://motcua.tinh.gov.vn`` (empty: the address a station used to reach it);
    - ``PROVINCE_LOOKUP_URL``: the full lookup address printed in every slip's QR (empty: the
      public URL followed by the lookup path); sent to stations at enrolment and with every
      reference pull (see :meth:`public_lookup_url`);
    - ``PROVINCE_LOOKUP_MAX_WRONG`` / ``PROVINCE_LOOKUP_WINDOW_MINUTES``: wrong lookup keys
      allowed per client address and per dossier code in a window (5 in 15 minutes);
    - ``PROVINCE_ADMIN_TOKEN``: the administrator token of ``/dashboard`` (empty: disabled);
    - ``PROVINCE_UPLOAD_QUOTA_MB``: attachment bytes one station may store per day (Vietnam
      time), in MiB (2048: some 400 scanned dossiers of 5 MB); past it, 429.
    - ``PROVINCE_MAX_INFLIGHT``: station requests (``/api/``) served at once per process
      (default: ``PROVINCE_POOL_MAX``; 0: no limit); ``PROVINCE_QUEUE_WAIT_MS``: how long a
      request past it waits for a slot (500) before 429 ``server_busy``;
      ``PROVINCE_BUSY_RETRY_AFTER``: the ``Retry-After`` of that answer, in seconds, drawn in
      [N, 2N] (20) — see ``province_server/admission.py``.
    - ``PROVINCE_BUNDLE_KEY_FILE``: the province's private keys for USB sync bundles (issue
      15; made by ``province-server bundle-keygen``, 0600); empty: no bundles (stations get
      no public key and ``import-bundle`` refuses).
    """

    database_url: str = DEFAULT_DATABASE_URL
    pool_min: int = 1
    pool_max: int = 10
    code_ttl_hours: int = 72
    lookup_path: str = "/tra-cuu"
    admin_token: str = field(default="", repr=False)
    public_url: str = ""
    lookup_url: str = ""
    lookup_max_wrong: int = 5
    lookup_window_minutes: int = 15
    upload_quota_bytes: int = 2048 * 1024 * 1024
    max_inflight: int = 10
    queue_wait_ms: int = 500
    busy_retry_after_s: int = 20
    bundle_key_file: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        pool_max = int(env.get("PROVINCE_POOL_MAX", "10"))
        return cls(
            database_url=env.get("PROVINCE_DATABASE_URL", DEFAULT_DATABASE_URL),
            pool_min=int(env.get("PROVINCE_POOL_MIN", "1")),
            pool_max=pool_max,
            code_ttl_hours=int(env.get("PROVINCE_CODE_TTL_HOURS", "72")),
            lookup_path=lookup_path(env.get("PROVINCE_LOOKUP_PATH", "/tra-cuu")),
            admin_token=env.get("PROVINCE_ADMIN_TOKEN", "").strip(),
            public_url=http_url(env.get("PROVINCE_PUBLIC_URL", ""), "PROVINCE_PUBLIC_URL"),
            lookup_url=http_url(env.get("PROVINCE_LOOKUP_URL", ""), "PROVINCE_LOOKUP_URL"),
            lookup_max_wrong=int(env.get("PROVINCE_LOOKUP_MAX_WRONG", "5")),
            lookup_window_minutes=int(env.get("PROVINCE_LOOKUP_WINDOW_MINUTES", "15")),
            upload_quota_bytes=int(env.get("PROVINCE_UPLOAD_QUOTA_MB", "2048")) * 1024 * 1024,
            max_inflight=int(env.get("PROVINCE_MAX_INFLIGHT", str(pool_max))),
            queue_wait_ms=int(env.get("PROVINCE_QUEUE_WAIT_MS", "500")),
            busy_retry_after_s=int(env.get("PROVINCE_BUSY_RETRY_AFTER", "20")),
            bundle_key_file=env.get("PROVINCE_BUNDLE_KEY_FILE", "").strip(),
        )

    def public_lookup_url(self, request_base: str) -> str:
        """The lookup address for the slips' QR: ``PROVINCE_LOOKUP_URL``, else
        ``PROVINCE_PUBLIC_URL`` + lookup path, else ``request_base`` (the address the station
        reached this server at) + lookup path."""
        if self.lookup_url:
            return self.lookup_url
        base = self.public_url or request_base
        return base.rstrip("/") + self.lookup_path


def lookup_path(value: str) -> str:
    """``/tra-cuu``-like: one leading slash, no trailing one, no query, not under /api/."""
    path = "/" + value.strip().strip("/")
    if path == "/" or "?" in path or "#" in path or path.startswith("/api/"):
        raise ValueError("PROVINCE_LOOKUP_PATH must be a path such as /tra-cuu")
    return path


def http_url(value: str, name: str) -> str:
    """An http(s) URL with a host, without trailing slash, or "" (ValueError otherwise)."""
    cleaned = value.strip().rstrip("/")
    if not cleaned:
        return ""
    parts = urlsplit(cleaned)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in cleaned:
        raise ValueError(f"{name} must be an http(s) address such as https://motcua.gov.vn")
    return cleaned


def sqlalchemy_url(url: str) -> str:
    """The same database as a SQLAlchemy URL using psycopg 3 (Alembic needs one)."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    raise ValueError("PROVINCE_DATABASE_URL must be a postgresql:// URL")
