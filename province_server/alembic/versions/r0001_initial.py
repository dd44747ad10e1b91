"""Initial schema: agencies, stations, enrolment codes, dossiers and their events.

Revision ID: 0001
Revises:
Create Date: 2026-02-13

``events.seq`` is the server sequence pull cursors refer to. Pushes of one agency are
serialised by an advisory lock (see province_server/sync/service.py), so within an agency
sequence order is commit order and a cursor never skips an event committed later.
"""

from __future__ import annotations

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE agencies (
            id          text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 35),
            parent_body text NOT NULL DEFAULT '',
            unit_name   text NOT NULL DEFAULT '',
            place_name  text NOT NULL DEFAULT '',
            created_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE stations (
            id          uuid PRIMARY KEY,
            agency_id   text NOT NULL REFERENCES agencies(id),
            prefix      text NOT NULL UNIQUE CHECK (prefix ~ '^[0-9]{2}$' AND prefix <> '00'),
            token_hash  text UNIQUE,
            enrolled_at timestamptz,
            revoked_at  timestamptz,
            created_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE enrolment_codes (
            code_hash   text PRIMARY KEY,
            station_id  uuid NOT NULL REFERENCES stations(id),
            issued_at   timestamptz NOT NULL DEFAULT now(),
            expires_at  timestamptz NOT NULL,
            used_at     timestamptz
        );
        CREATE TABLE dossiers (
            uuid        uuid PRIMARY KEY,
            agency_id   text NOT NULL,
            code        text,
            station_id  uuid NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE UNIQUE INDEX dossiers_code ON dossiers (code);
        CREATE INDEX dossiers_agency ON dossiers (agency_id);
        CREATE TABLE events (
            seq          bigserial PRIMARY KEY,
            uuid         uuid NOT NULL UNIQUE,
            dossier_uuid uuid NOT NULL REFERENCES dossiers(uuid),
            agency_id    text NOT NULL,
            kind         text NOT NULL,
            station_id   uuid NOT NULL,
            station_seq  bigint NOT NULL,
            officer      text NOT NULL,
            at           timestamptz NOT NULL,
            at_text      text NOT NULL,
            payload      jsonb NOT NULL,
            batch_id     uuid NOT NULL,
            stored_at    timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX events_agency_seq ON events (agency_id, seq);
        CREATE INDEX events_dossier ON events (dossier_uuid, seq);
        """
    )


def downgrade() -> None:
    op.execute(
        "DROP TABLE events; DROP TABLE dossiers; DROP TABLE enrolment_codes; "
        "DROP TABLE stations; DROP TABLE agencies;"
    )
