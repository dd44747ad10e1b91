"""Connections: one pool per application instance, made by the app's lifespan (never at import).

Pool connections are in autocommit mode; every write runs in an explicit
``with conn.transaction():`` block, so a block is committed before the code after it runs.
"""

from __future__ import annotations

import psycopg
from psycopg_pool import ConnectionPool

from province_server.config import Settings


def make_pool(settings: Settings) -> ConnectionPool[psycopg.Connection]:
    """A closed pool; the caller opens it (the app at startup) and closes it."""
    return ConnectionPool(
        settings.database_url,
        min_size=settings.pool_min,
        max_size=settings.pool_max,
        kwargs={"autocommit": True},
        open=False,
        name="province",
    )


def connect(settings: Settings) -> psycopg.Connection:
    """One autocommit connection (administrator commands)."""
    return psycopg.connect(settings.database_url, autocommit=True)
