"""Office LAN sync (issue 15): each office's LAN secret.

Revision ID: 0020
Revises: 0019

``agencies.lan_secret``: the secret the counters of one office authenticate each other with
on their LAN (``sync_protocol.lan``), made at the first enrolment of one of its stations and
given to every station of the office at its enrolment (``EnrolResponse.office_secret``). It
is given back, so it is kept as it is (not a digest), like the office's other settings.
"""

from __future__ import annotations

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE agencies ADD COLUMN lan_secret text")


def downgrade() -> None:
    op.execute("ALTER TABLE agencies DROP COLUMN lan_secret")
