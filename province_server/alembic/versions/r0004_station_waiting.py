"""Events waiting at each station, as it reported on its last push (for the dashboard).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE stations ADD COLUMN waiting integer NOT NULL DEFAULT 0,"
        " ADD COLUMN waiting_at timestamptz"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE stations DROP COLUMN waiting, DROP COLUMN waiting_at")
