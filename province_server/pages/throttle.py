"""Wrong lookup keys, limited per client address and per dossier code (in PostgreSQL).

Design (table ``lookup_throttle``, Alembic r0007): each wrong try adds one to two counters,
that of the client's address and that of the dossier code typed; a counter's window starts at
its first wrong try and lasts ``window_minutes``. While either counter holds ``max_wrong``
wrong tries in its window, every lookup with that address or that code is answered 429
before the key is compared, so a correct key does not reveal itself by getting through.

- per address: one client cannot try many codes; per code: many clients (a botnet) cannot
  share the guessing of one code's key. With 5 tries in 15 minutes a 6-character key (32
  symbols, about 10⁹ values) takes about 3 000 years of guessing for one code on average.
  The price: someone who knows a code can block its page for 15 minutes; the counter's
  officers still see the dossier, and the citizen can phone or come to the counter.
- subjects are stored as SHA-256 digests (no client address is kept in clear), the counts
  live in PostgreSQL so every server process behind a load balancer shares them (the server
  keeps no state of its own); finished windows are deleted as new wrong tries come in.
- the client address is the one uvicorn reports: behind a reverse proxy, start the server
  with ``FORWARDED_ALLOW_IPS`` set to the proxy so that ``X-Forwarded-For`` is used.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import psycopg


@dataclass(frozen=True, slots=True)
class Limit:
    max_wrong: int = 5
    window_minutes: int = 15


def subjects(address: str, code: str) -> list[str]:
    """The digests counted for a try from ``address`` on ``code`` ("" code: address only)."""
    raw = [f"ip:{address}"] + ([f"code:{code}"] if code else [])
    return [hashlib.sha256(s.encode("utf-8")).hexdigest() for s in raw]


def blocked_seconds(conn: psycopg.Connection, keys: list[str], limit: Limit) -> int:
    """Seconds until every counter of ``keys`` is below the limit again (0: not blocked)."""
    row = conn.execute(
        "SELECT EXTRACT(EPOCH FROM max(window_start + make_interval(mins => %s)) - now()) "
        "FROM lookup_throttle WHERE subject = ANY(%s) AND failures >= %s "
        "AND window_start > now() - make_interval(mins => %s)",
        (limit.window_minutes, keys, limit.max_wrong, limit.window_minutes),
    ).fetchone()
    left = row[0] if row else None
    return max(1, math.ceil(float(left))) if left is not None else 0


def record_wrong(conn: psycopg.Connection, keys: list[str], limit: Limit) -> None:
    """Count one wrong try for each of ``keys`` (one transaction) and drop finished windows."""
    window = limit.window_minutes
    with conn.transaction():
        conn.execute(
            "INSERT INTO lookup_throttle (subject, window_start, failures) "
            "SELECT unnest(%s::text[]), now(), 1 ON CONFLICT (subject) DO UPDATE SET "
            "failures = CASE WHEN lookup_throttle.window_start <= now() - "
            "make_interval(mins => %s) THEN 1 ELSE lookup_throttle.failures + 1 END, "
            "window_start = CASE WHEN lookup_throttle.window_start <= now() - "
            "make_interval(mins => %s) THEN now() ELSE lookup_throttle.window_start END",
            (keys, window, window),
        )
        conn.execute(
            "DELETE FROM lookup_throttle WHERE window_start < now() - make_interval(mins => %s)",
            (window,),
        )
