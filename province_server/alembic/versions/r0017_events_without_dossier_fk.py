"""Events no longer carry a foreign key to their dossier (sync push throughput, issue 12).

Revision ID: 0017
Revises: 0016

Every push already checks, under the office's advisory lock, that each follow-up event names
a dossier the server holds for the pushing station's office (``UNKNOWN_DOSSIER`` otherwise,
province_server/sync/service.py ``_verdicts``), and a creating event inserts its dossier row
in the same transaction before the event; dossier rows are never deleted. The key's check
locked each event's dossier row (FOR KEY SHARE) and made every status event rewrite a dossier
page: about 40 % of the event insert's time, for no guarantee the push does not give itself.
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE events DROP CONSTRAINT IF EXISTS events_dossier_uuid_fkey")


def downgrade() -> None:
    op.execute(
        "ALTER TABLE events ADD CONSTRAINT events_dossier_uuid_fkey "
        "FOREIGN KEY (dossier_uuid) REFERENCES dossiers(uuid)"
    )
