"""The projected state of every dossier, by the projection the counters run (issue 12).

Revision ID: 0011
Revises: 0010

``dossier_states`` holds, per dossier, what ``sync_protocol.projection.project_state`` makes
of all its stored events (the counters' order by hybrid logical clock, status machine,
conflicts and settlements): status (NULL: no creating event could be applied), due date,
paused (a supplement requested and not received), how many events are in conflict (and
which, as JSON records) and how many were settled. The push refreshes the rows of the
dossiers it stored events for (``province_server/sync/projection.py``); the dashboard reads
them. Rows of the dossiers stored before are computed here, by the same Python code.
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_BATCH = 500


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE dossier_states (
            dossier_uuid   uuid PRIMARY KEY REFERENCES dossiers(uuid),
            owner_agency   text NOT NULL,
            status         text,
            due_at         timestamptz,
            paused         boolean NOT NULL DEFAULT false,
            open_conflicts integer NOT NULL DEFAULT 0,
            settled        integer NOT NULL DEFAULT 0,
            conflicts      jsonb NOT NULL DEFAULT '[]'::jsonb,
            projected_at   timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX dossier_states_agency ON dossier_states (owner_agency)
            INCLUDE (status, due_at, paused, open_conflicts);
        COMMENT ON TABLE dossier_states IS
            'per dossier: sync_protocol.projection of all its events (refreshed by each push)';
        """
    )
    _backfill()


def _backfill() -> None:
    from province_server.sync.projection import UPSERT_R0011, refresh_all

    conn = op.get_bind().connection.driver_connection  # the psycopg connection, in the txn
    assert conn is not None
    refresh_all(conn, batch=_BATCH, upsert=UPSERT_R0011)  # r0019 recomputes with its columns


def downgrade() -> None:
    op.execute("DROP TABLE dossier_states")
