"""Reference data served to stations, and the last sync time of each station.

Revision ID: 0003
Revises: 0002
Create Date: 2026-02-20

Every reference row carries ``version``, taken from the ``reference_version`` sequence by
the transaction that wrote it. Writers take a transaction-scoped advisory lock first (see
province_server/reference/service.py), so versions follow commit order and a station that
holds version N never misses a row committed later with a smaller number.

``try_timestamptz`` reads a time written by a station (event payloads) or NULL when it is not
one, so one bad payload cannot break the dashboard's overdue count.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE SEQUENCE reference_version;
        CREATE TABLE procedures (
            code        text PRIMARY KEY,
            record      jsonb NOT NULL,
            version     bigint NOT NULL,
            updated_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX procedures_version ON procedures (version);
        CREATE TABLE calendar_years (
            year               integer PRIMARY KEY CHECK (year BETWEEN 1900 AND 2200),
            confirmed          boolean NOT NULL,
            days_off           date[] NOT NULL,
            extra_working_days date[] NOT NULL,
            version            bigint NOT NULL,
            updated_at         timestamptz NOT NULL DEFAULT now()
        );
        ALTER TABLE agencies ADD COLUMN version bigint NOT NULL DEFAULT 0;
        CREATE TABLE officers (
            agency_id     text NOT NULL REFERENCES agencies(id),
            username      text NOT NULL,
            full_name     text NOT NULL,
            role          text NOT NULL CHECK (role IN ('officer', 'leader', 'admin')),
            password_hash text NOT NULL CHECK (left(password_hash, 7) = '$argon2'),
            active        boolean NOT NULL DEFAULT true,
            version       bigint NOT NULL,
            updated_at    timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (agency_id, username)
        );
        CREATE INDEX officers_version ON officers (agency_id, version);
        ALTER TABLE stations ADD COLUMN last_sync_at timestamptz;
        CREATE INDEX events_stored_at ON events (stored_at);
        CREATE FUNCTION try_timestamptz(value text) RETURNS timestamptz
            LANGUAGE plpgsql STABLE AS $$
            BEGIN
                RETURN value::timestamptz;
            EXCEPTION WHEN others THEN
                RETURN NULL;
            END $$;
        """
    )


def downgrade() -> None:
    op.execute(
        "DROP FUNCTION try_timestamptz(text); DROP INDEX events_stored_at; "
        "ALTER TABLE stations DROP COLUMN last_sync_at; "
        "DROP TABLE officers; ALTER TABLE agencies DROP COLUMN version; "
        "DROP TABLE calendar_years; DROP TABLE procedures; DROP SEQUENCE reference_version;"
    )
