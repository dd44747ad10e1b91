"""Alembic environment: plain-SQL revisions run on one connection, each in a transaction.

The URL comes from ``config.attributes["database_url"]`` when the caller set it (the
``migrate`` command, the tests), else from the server settings (PROVINCE_DATABASE_URL).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from province_server.config import Settings, sqlalchemy_url

config = context.config
url = config.attributes.get("database_url") or Settings.from_env().database_url


def run_migrations_offline() -> None:
    context.configure(url=sqlalchemy_url(url), literal_binds=True, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(sqlalchemy_url(url), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=None, transaction_per_migration=True
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
