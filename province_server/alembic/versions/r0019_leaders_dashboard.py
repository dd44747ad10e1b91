"""The leaders' dashboard (issue 14 item 2): accounts, sessions and the report's days.

Revision ID: 0019
Revises: 0018

- ``leader_accounts``: province administrators and viewers who sign in to ``/dashboard``
  (argon2id hash, role ``admin`` or ``viewer``; created by ``province-server add-admin``);
- ``leader_sessions``: their server-side sessions (the cookie holds a random value, the
  table its SHA-256; the form token against cross-site posts; an expiry); signing out
  deletes the row;
- ``dossier_states`` gains what the Biểu 06 figures are counted on, in Vietnam days
  (``sync_protocol.statistics.report_days``): the reception day (NULL for a dossier never
  received: guided, refused), the finish day, the statistics due day, the channel, how a
  finish without a result came about, the rating, the reception and finish instants
  (processing time), and the drill-down's code, procedure and applicant name (shown masked).
  One covering index serves the period's count (finish day first, like the counter's
  ``dossiers_report_days``), a partial one the offices' open conflicts. Existing rows are
  recomputed by the same Python code;
- ``digitisation_daily``: paper dossiers and digitised ones per Vietnam day of reception,
  office and station, kept by triggers on ``dossier_digitisation`` (which the push keeps), so
  the dashboard's digitisation figures read a few hundred rows a day, not every dossier of
  the year.
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE leader_accounts (
            username      text PRIMARY KEY CHECK (username ~ '^[a-z0-9._-]{3,40}$'),
            full_name     text NOT NULL DEFAULT '',
            role          text NOT NULL CHECK (role IN ('admin', 'viewer')),
            password_hash text NOT NULL,
            active        boolean NOT NULL DEFAULT true,
            created_at    timestamptz NOT NULL DEFAULT now(),
            updated_at    timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE leader_sessions (
            token_hash  text PRIMARY KEY,
            username    text NOT NULL REFERENCES leader_accounts(username) ON DELETE CASCADE,
            form_token  text NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT now(),
            expires_at  timestamptz NOT NULL
        );
        CREATE INDEX leader_sessions_expiry ON leader_sessions (expires_at);
        ALTER TABLE dossier_states
            ADD COLUMN received_day   date,
            ADD COLUMN finished_day   date,
            ADD COLUMN stats_due_day  date,
            ADD COLUMN channel        smallint NOT NULL DEFAULT 1,
            ADD COLUMN closed_as      text NOT NULL DEFAULT '',
            ADD COLUMN rating         text,
            ADD COLUMN received_at    timestamptz,
            ADD COLUMN finished_at    timestamptz,
            ADD COLUMN code           text,
            ADD COLUMN procedure_code text NOT NULL DEFAULT '',
            ADD COLUMN procedure_name text NOT NULL DEFAULT '',
            ADD COLUMN applicant_name text NOT NULL DEFAULT '';
        CREATE INDEX dossier_states_report ON dossier_states (finished_day, received_day)
            INCLUDE (owner_agency, stats_due_day, channel, closed_as, rating, received_at,
                     finished_at, status, paused, due_at);
        CREATE INDEX dossier_states_conflicted ON dossier_states (owner_agency)
            INCLUDE (open_conflicts) WHERE open_conflicts > 0;
        CREATE TABLE digitisation_daily (
            day          date NOT NULL,
            owner_agency text NOT NULL,
            station_id   uuid NOT NULL,
            paper        integer NOT NULL DEFAULT 0,
            digitised    integer NOT NULL DEFAULT 0,
            PRIMARY KEY (day, owner_agency, station_id)
        );
        COMMENT ON TABLE digitisation_daily IS
            'per Vietnam day of reception, office and station: paper dossiers and digitised '
            'ones of dossier_digitisation (kept by its triggers)';
        CREATE FUNCTION digitisation_daily_count() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.paper THEN
                UPDATE digitisation_daily
                   SET paper = paper - 1, digitised = digitised - OLD.digitised::int
                 WHERE day = (OLD.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
                   AND owner_agency = OLD.owner_agency AND station_id = OLD.station_id;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.paper THEN
                INSERT INTO digitisation_daily AS d (day, owner_agency, station_id, paper,
                                                     digitised)
                VALUES ((NEW.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
                        NEW.owner_agency, NEW.station_id, 1, NEW.digitised::int)
                ON CONFLICT (day, owner_agency, station_id) DO UPDATE
                   SET paper = d.paper + 1, digitised = d.digitised + EXCLUDED.digitised;
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER digitisation_daily_insert_delete
            AFTER INSERT OR DELETE ON dossier_digitisation
            FOR EACH ROW EXECUTE FUNCTION digitisation_daily_count();
        CREATE TRIGGER digitisation_daily_update
            AFTER UPDATE ON dossier_digitisation FOR EACH ROW
            WHEN (OLD.paper IS DISTINCT FROM NEW.paper
                  OR OLD.digitised IS DISTINCT FROM NEW.digitised
                  OR OLD.received_at IS DISTINCT FROM NEW.received_at
                  OR OLD.owner_agency IS DISTINCT FROM NEW.owner_agency
                  OR OLD.station_id IS DISTINCT FROM NEW.station_id)
            EXECUTE FUNCTION digitisation_daily_count();
        INSERT INTO digitisation_daily (day, owner_agency, station_id, paper, digitised)
        SELECT (received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, owner_agency, station_id,
               count(*), count(*) FILTER (WHERE digitised)
        FROM dossier_digitisation WHERE paper GROUP BY 1, 2, 3;
        COMMENT ON COLUMN dossier_states.received_day IS
            'Vietnam day of reception; NULL when never received (guided, refused)';
        """
    )
    _backfill()


def _backfill() -> None:
    from province_server.sync.projection import refresh_all

    conn = op.get_bind().connection.driver_connection  # the psycopg connection, in the txn
    assert conn is not None
    refresh_all(conn, batch=500)


def downgrade() -> None:
    op.execute(
        """
        DROP INDEX dossier_states_report;
        DROP INDEX dossier_states_conflicted;
        ALTER TABLE dossier_states
            DROP COLUMN received_day, DROP COLUMN finished_day, DROP COLUMN stats_due_day,
            DROP COLUMN channel, DROP COLUMN closed_as, DROP COLUMN rating,
            DROP COLUMN received_at, DROP COLUMN finished_at, DROP COLUMN code,
            DROP COLUMN procedure_code, DROP COLUMN procedure_name, DROP COLUMN applicant_name;
        DROP TRIGGER digitisation_daily_update ON dossier_digitisation;
        DROP TRIGGER digitisation_daily_insert_delete ON dossier_digitisation;
        DROP FUNCTION digitisation_daily_count();
        DROP TABLE digitisation_daily;
        DROP TABLE leader_sessions;
        DROP TABLE leader_accounts;
        """
    )
