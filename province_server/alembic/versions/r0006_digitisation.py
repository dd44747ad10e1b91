"""Digitisation of paper dossiers at reception (Decree 118/2025), for the dashboard's rate.

Revision ID: 0006
Revises: 0005

``dossier_digitisation`` holds one row per dossier created by a ``received`` event: the
receiving office and station, the reception time (the event's ``at``), whether it is a paper
dossier (channel direct or postal; online dossiers are electronic already, Circular 03/2025
Art. 5.2) and whether it is digitised. The push recomputes the row of every dossier whose
``received``, ``corrected`` or ``component_digitised`` event it stores, with
``refresh_digitisation(uuid[])`` from all the dossier's stored events, so the result does not
depend on the order events arrive in, and a re-scan of a component changes nothing in the
counts. Pushes of one office are serialised (advisory lock), and a dossier belongs to one
office, so two pushes never refresh the same row at once.

The rules are those of the counter (``counter_app/domain/digitisation.py``):

- the checklist is the ``documents`` of the latest ``corrected`` event that changes them,
  else those of the ``received`` event; the required components are the items ticked
  ``"received": true``;
- a component keeps its latest ``component_digitised`` event (replay order: ``at``, station,
  station sequence, uuid); the scan belongs to the checklist item at its position with its
  name, else to the first item with its name, else (a scan without a name) to the item at its
  position, else to none (the item is gone);
- digitised: at least one item has a scan, and every required item has one.

A malformed payload never fails a push: it counts as an empty checklist or no scan.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE dossier_digitisation (
            dossier_uuid uuid PRIMARY KEY REFERENCES dossiers(uuid),
            owner_agency text NOT NULL,
            station_id   uuid NOT NULL,
            received_at  timestamptz NOT NULL,
            paper        boolean NOT NULL,
            required     integer NOT NULL,
            scanned      integer NOT NULL,
            digitised    boolean NOT NULL,
            updated_at   timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX dossier_digitisation_period
            ON dossier_digitisation (received_at) INCLUDE (owner_agency, station_id, digitised)
            WHERE paper;
        COMMENT ON TABLE dossier_digitisation IS
            'per received dossier: paper or not, digitised or not (see refresh_digitisation)';
        COMMENT ON COLUMN dossier_digitisation.required IS
            'checklist items ticked as received';
        COMMENT ON COLUMN dossier_digitisation.scanned IS
            'checklist items with a scan (required or not)';

        CREATE FUNCTION refresh_digitisation(targets uuid[]) RETURNS void
            LANGUAGE sql VOLATILE AS $$
            WITH created AS (
                SELECT DISTINCT ON (e.dossier_uuid) e.dossier_uuid, e.at, e.payload
                FROM events e
                WHERE e.dossier_uuid = ANY(targets) AND e.kind = 'received'
                ORDER BY e.dossier_uuid, e.at, e.station_id, e.station_seq, e.uuid
            ),
            checklist AS (
                SELECT c.dossier_uuid, COALESCE(
                    (SELECT e.payload->'changes'->'documents' FROM events e
                     WHERE e.dossier_uuid = c.dossier_uuid AND e.kind = 'corrected'
                       AND jsonb_typeof(e.payload->'changes'->'documents') = 'array'
                     ORDER BY e.at DESC, e.station_id DESC, e.station_seq DESC, e.uuid DESC
                     LIMIT 1),
                    CASE WHEN jsonb_typeof(c.payload->'documents') = 'array'
                         THEN c.payload->'documents' END,
                    '[]'::jsonb) AS documents
                FROM created c
            ),
            items AS (
                SELECT k.dossier_uuid, t.n - 1 AS position,
                       CASE WHEN jsonb_typeof(t.d) = 'object' THEN t.d->>'name' END AS name,
                       jsonb_typeof(t.d) = 'object' AND t.d->'received' = 'true'::jsonb
                           AS required
                FROM checklist k, jsonb_array_elements(k.documents) WITH ORDINALITY AS t(d, n)
            ),
            scans AS (
                SELECT DISTINCT ON (e.dossier_uuid, (e.payload->>'component')::numeric)
                       e.dossier_uuid, (e.payload->>'component')::numeric AS component,
                       COALESCE(e.payload->>'name', '') AS name
                FROM events e
                WHERE e.dossier_uuid = ANY(targets) AND e.kind = 'component_digitised'
                  AND jsonb_typeof(e.payload) = 'object'
                  AND jsonb_typeof(e.payload->'component') = 'number'
                ORDER BY e.dossier_uuid, (e.payload->>'component')::numeric,
                         e.at DESC, e.station_id DESC, e.station_seq DESC, e.uuid DESC
            ),
            matched AS (
                SELECT DISTINCT s.dossier_uuid, COALESCE(
                    (SELECT i.position FROM items i WHERE i.dossier_uuid = s.dossier_uuid
                       AND i.position = s.component AND i.name = s.name),
                    (SELECT min(i.position) FROM items i WHERE i.dossier_uuid = s.dossier_uuid
                       AND i.name = s.name),
                    (SELECT i.position FROM items i WHERE i.dossier_uuid = s.dossier_uuid
                       AND i.position = s.component AND s.name = '')
                ) AS position
                FROM scans s
            ),
            counted AS (
                SELECT c.dossier_uuid,
                       count(*) FILTER (WHERE i.required) AS required,
                       count(*) FILTER (WHERE i.required AND m.position IS NOT NULL)
                           AS required_scanned,
                       count(m.position) AS scanned
                FROM created c
                LEFT JOIN items i ON i.dossier_uuid = c.dossier_uuid
                LEFT JOIN matched m ON m.dossier_uuid = i.dossier_uuid
                                   AND m.position = i.position
                GROUP BY c.dossier_uuid
            )
            INSERT INTO dossier_digitisation AS t
                (dossier_uuid, owner_agency, station_id, received_at, paper, required,
                 scanned, digitised)
            SELECT c.dossier_uuid, d.owner_agency, d.station_id, c.at,
                   c.payload->'channel' IS DISTINCT FROM '2'::jsonb,
                   n.required, n.scanned,
                   n.scanned > 0 AND n.required_scanned = n.required
            FROM created c
            JOIN dossiers d ON d.uuid = c.dossier_uuid
            JOIN counted n ON n.dossier_uuid = c.dossier_uuid
            ON CONFLICT (dossier_uuid) DO UPDATE SET
                received_at = EXCLUDED.received_at, paper = EXCLUDED.paper,
                required = EXCLUDED.required, scanned = EXCLUDED.scanned,
                digitised = EXCLUDED.digitised, updated_at = now()
            WHERE (t.received_at, t.paper, t.required, t.scanned, t.digitised)
                IS DISTINCT FROM (EXCLUDED.received_at, EXCLUDED.paper, EXCLUDED.required,
                                  EXCLUDED.scanned, EXCLUDED.digitised)
            $$;

        SELECT refresh_digitisation(array_agg(uuid)) FROM dossiers;
        """
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION refresh_digitisation(uuid[]); DROP TABLE dossier_digitisation;")
