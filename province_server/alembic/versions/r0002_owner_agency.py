"""Dossiers belong to the receiving office: ``dossiers.owner_agency``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-02-20

Since Decree 118/2025 a commune centre receives dossiers for any deciding agency of the
province, and the dossier code carries the deciding agency (``dossiers.agency_id``, kept).
Access is scoped by the office that received the dossier: the agency its station enrolled
for, stored here as ``owner_agency``. ``events.agency_id`` was always the pushing station's
agency, which the push rules keep equal to the dossier's owner office: it is the owner
office of the event's dossier, what pulls are scoped by.

Existing rows: the owner is the office of the station that created the dossier.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE dossiers ADD COLUMN owner_agency text;
        UPDATE dossiers d SET owner_agency = s.agency_id FROM stations s
            WHERE s.id = d.station_id;
        UPDATE dossiers SET owner_agency = agency_id WHERE owner_agency IS NULL;
        ALTER TABLE dossiers ALTER COLUMN owner_agency SET NOT NULL;
        CREATE INDEX dossiers_owner ON dossiers (owner_agency);
        COMMENT ON COLUMN dossiers.agency_id IS 'deciding agency (the one in the dossier code)';
        COMMENT ON COLUMN dossiers.owner_agency IS 'office of the station that received it';
        COMMENT ON COLUMN events.agency_id IS 'owner office of the event''s dossier';
        """
    )


def downgrade() -> None:
    op.execute("DROP INDEX dossiers_owner; ALTER TABLE dossiers DROP COLUMN owner_agency;")
