"""USB sync bundles (issue 15 item 2).

Revision ID: 0021
Revises: 0020

- ``station_bundle_keys``: the Ed25519 key each station signs its bundles with (registered at
  the first bundle imported, proven by an HMAC keyed by the station token's digest; a new key
  with a valid proof replaces the old one: a station whose secrets were lost).
- ``bundle_imports``: every station bundle imported (by its id), when, by whom (``cli`` or
  ``dashboard``) and what it did; importing one again adds a row with ``repeat`` set and
  changes nothing else (its events are duplicates).
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE station_bundle_keys (
            station_id uuid PRIMARY KEY REFERENCES stations (id),
            signing_key bytea NOT NULL CHECK (length(signing_key) = 32),
            registered_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE bundle_imports (
            id bigserial PRIMARY KEY,
            bundle_id uuid NOT NULL,
            station_id uuid NOT NULL REFERENCES stations (id),
            agency_id text NOT NULL,
            number integer NOT NULL,
            imported_at timestamptz NOT NULL DEFAULT now(),
            via text NOT NULL,
            events integer NOT NULL,
            accepted integer NOT NULL,
            duplicates integer NOT NULL,
            rejected integer NOT NULL,
            repeat boolean NOT NULL
        );
        CREATE INDEX bundle_imports_bundle ON bundle_imports (bundle_id);
        CREATE INDEX bundle_imports_time ON bundle_imports (imported_at DESC);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE bundle_imports; DROP TABLE station_bundle_keys;")
