"""The last history-chain head each station pushed, and when its history was found rewritten.

Revision ID: 0010
Revises: 0009

A station chains its own events and audit entries by hash and sends the head with each push
(``sync_protocol.chain``). ``chain_pos``/``chain_hash`` keep the last head; ``chain_broken_at``
is set when a push's chain does not hold it (an edit in the station's file, or a restore from
an older backup) and shown on the dashboard. Stations of before have no head: the first push
sets it.
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE stations ADD COLUMN chain_pos bigint, ADD COLUMN chain_hash text,"
        " ADD COLUMN chain_broken_at timestamptz, ADD COLUMN chain_broken_pos bigint"
    )


def downgrade() -> None:
    op.execute(
        "ALTER TABLE stations DROP COLUMN chain_pos, DROP COLUMN chain_hash,"
        " DROP COLUMN chain_broken_at, DROP COLUMN chain_broken_pos"
    )
