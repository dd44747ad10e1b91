"""The connector's settings, from ``PROVINCE_NATIONAL_*`` environment variables; off (None)
until the portal's address, user name and password are all set."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class NationalSettings:
    """- ``PROVINCE_NATIONAL_URL``: the gateway's adapter address (https://lgsp.tinh.gov.vn);
    - ``PROVINCE_NATIONAL_AUTH_PATH`` (``/auth``), ``PROVINCE_NATIONAL_INTEGRATION_PATH``
      (``/integration``): the two endpoints;
    - ``PROVINCE_NATIONAL_USERNAME`` / ``PROVINCE_NATIONAL_PASSWORD``: the session login;
    - ``PROVINCE_NATIONAL_MADONVI``: the ``madonvi`` sent with every call (empty: the office's
      own identifier, ``events.agency_id``, which is a mã định danh); or per office
      ``PROVINCE_NATIONAL_MADONVI_MAP=000.00.19.H56=000.00.19.H56,...``;
    - ``PROVINCE_NATIONAL_TIMEOUT`` (10 s), ``_BATCH`` (dossiers claimed per round, 50),
      ``_INTERVAL`` (seconds between idle rounds, 5), ``_MAX_BACKOFF`` (seconds, 3600);
    - ``PROVINCE_NATIONAL_SESSION_ERRORS``: answer codes meaning "log in again" (``401,-1``;
      an HTTP 401 always does)."""

    url: str
    username: str
    password: str = field(repr=False)
    auth_path: str = "/auth"
    integration_path: str = "/integration"
    madonvi: str = ""
    madonvi_map: dict[str, str] = field(default_factory=dict)
    timeout_s: float = 10.0
    batch: int = 50
    interval_s: float = 5.0
    max_backoff_s: float = 3600.0
    session_errors: frozenset[str] = frozenset({"401", "-1"})

    def unit_code(self, agency_id: str) -> str:
        return self.madonvi_map.get(agency_id) or self.madonvi or agency_id

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> NationalSettings | None:
        env = os.environ if environ is None else environ

        def get(name: str, default: str = "") -> str:
            return env.get(f"PROVINCE_NATIONAL_{name}", default).strip()

        url, user, password = get("URL").rstrip("/"), get("USERNAME"), get("PASSWORD")
        if not (url and user and password):
            return None
        pairs = (p.split("=", 1) for p in get("MADONVI_MAP").split(",") if "=" in p)
        return cls(
            url=url,
            username=user,
            password=password,
            auth_path="/" + get("AUTH_PATH", "/auth").lstrip("/"),
            integration_path="/" + get("INTEGRATION_PATH", "/integration").lstrip("/"),
            madonvi=get("MADONVI"),
            madonvi_map={k.strip(): v.strip() for k, v in pairs},
            timeout_s=float(get("TIMEOUT", "10")),
            batch=int(get("BATCH", "50")),
            interval_s=float(get("INTERVAL", "5")),
            max_backoff_s=float(get("MAX_BACKOFF", "3600")),
            session_errors=frozenset(
                c.strip() for c in get("SESSION_ERRORS", "401,-1").split(",") if c.strip()
            ),
        )
