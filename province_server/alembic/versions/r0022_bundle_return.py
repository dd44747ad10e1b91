"""USB sync bundles: keep each import's return bundle (issue 15 item 2).

Revision ID: 0022
Revises: 0021

``bundle_imports.return_bundle``: the return bundle built for the import, downloaded from
``/dashboard/bundles/<id>/return`` (the upload form's answer links it).
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE bundle_imports ADD COLUMN return_bundle bytea")


def downgrade() -> None:
    op.execute("ALTER TABLE bundle_imports DROP COLUMN return_bundle")
