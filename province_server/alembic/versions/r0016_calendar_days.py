"""Each published calendar day may carry its name, source and whether it is announced (issue 13
item 5).

Revision ID: 0016
Revises: 0015

``calendar_years.days`` is a JSON list of ``{date, kind, name, source, announced}``
(sync_protocol ``CalendarDayWire``); years published before keep an empty list and are read as
before (every day announced when the year is confirmed).
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE calendar_years ADD COLUMN days jsonb NOT NULL DEFAULT '[]'::jsonb")


def downgrade() -> None:
    op.execute("ALTER TABLE calendar_years DROP COLUMN days")
