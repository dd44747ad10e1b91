"""The digitisation count reads the compact checklist of a received event (issues 12/16).

Revision ID: 0015
Revises: 0012

A ``received`` event may carry its papers by reference to the catalogue checklist
(``checklist`` + ``papers``, sync_protocol/events.py) instead of ``documents``. For
``refresh_digitisation`` (r0006) a paper given by its index is handed over unless it says
``"received": false``; a paper typed by the officer is read as before. A paper given by its
index has no name here, so a scan belongs to it by position (the counter names the paper, and
numbers components by position in the same list). Old events read as before. Every dossier is
recounted.
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE OR REPLACE FUNCTION refresh_digitisation(targets uuid[]) RETURNS void
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
                    CASE WHEN jsonb_typeof(c.payload->'papers') = 'array'
                         THEN c.payload->'papers' END,
                    '[]'::jsonb) AS documents
                FROM created c
            ),
            items AS (
                SELECT k.dossier_uuid, t.n - 1 AS position,
                       CASE WHEN jsonb_typeof(t.d) = 'object' THEN t.d->>'name' END AS name,
                       CASE WHEN jsonb_typeof(t.d) = 'number' THEN true
                            WHEN jsonb_typeof(t.d) = 'object' AND t.d ? 'name'
                                THEN t.d->'received' = 'true'::jsonb
                            WHEN jsonb_typeof(t.d) = 'object' AND t.d ? 'ref'
                                THEN t.d->'received' IS DISTINCT FROM 'false'::jsonb
                            ELSE false END AS required
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
                       AND i.position = s.component AND (s.name = '' OR i.name IS NULL))
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
    """The r0006 function reads compact checklists as empty; keep this one."""
