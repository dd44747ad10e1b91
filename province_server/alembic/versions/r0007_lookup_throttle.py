"""Wrong keys on the citizen lookup page, counted per client address and per dossier code.

Revision ID: 0007
Revises: 0006

``lookup_throttle`` holds one row per subject (a SHA-256 digest of ``ip:<address>`` or
``code:<dossier code>``, never the address itself): the start of its current window and the
wrong tries in it. A wrong try is one upsert (a window older than the limit restarts at 1),
so every server process sees the same counts (the server stays stateless); rows of finished
windows are deleted as wrong tries come in (index on ``window_start``).
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TABLE lookup_throttle ("
        " subject text PRIMARY KEY,"
        " window_start timestamptz NOT NULL,"
        " failures integer NOT NULL)"
    )
    op.execute("CREATE INDEX lookup_throttle_window ON lookup_throttle (window_start)")


def downgrade() -> None:
    op.execute("DROP TABLE lookup_throttle")
