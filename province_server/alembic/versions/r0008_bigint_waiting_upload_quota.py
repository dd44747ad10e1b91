"""``stations.waiting`` as bigint; bytes uploaded per station and per day (blob quotas).

Revision ID: 0008
Revises: 0007

The protocol lets a push report up to 2^63 - 1 waiting events; an ``integer`` column made a
report above 2^31 - 1 end in a server error, so the column becomes ``bigint``.

``attachment_usage`` holds, per station and per UTC day, the bytes of attachment chunks it
stored (every stored chunk counts, also one of an upload later restarted): the quota of
:mod:`province_server.attachments.service` is checked against it in the chunk's transaction,
so every server process sees the same total (the server stays stateless).
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE stations ALTER COLUMN waiting TYPE bigint")
    op.execute(
        "CREATE TABLE attachment_usage ("
        " station_id uuid NOT NULL REFERENCES stations(id),"
        " day date NOT NULL,"
        " bytes bigint NOT NULL CHECK (bytes >= 0),"
        " PRIMARY KEY (station_id, day))"
    )


def downgrade() -> None:
    op.execute("DROP TABLE attachment_usage")
    op.execute("ALTER TABLE stations ALTER COLUMN waiting TYPE integer")
