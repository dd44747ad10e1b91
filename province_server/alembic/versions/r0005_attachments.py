"""Attachments (issue 6): scans and signed files of an office, content-addressed by SHA-256.

Revision ID: 0005
Revises: 0004

Stored in PostgreSQL itself (``bytea`` chunks, not large objects, not files): an upload's
chunk and its progress commit in one transaction, the bytes are backed up and replicated
with the database, and no large-object permissions or orphan files can go wrong. A blob is
kept once per office (``agency_id`` is the office of the uploading station): a station reads
only its own office's attachments. ``received`` is the number of leading bytes stored, so
chunks are ``(byte_offset, data)`` rows with ``byte_offset`` the sum of the previous sizes.
The chunks' storage is EXTERNAL: scans and PDFs are already compressed, so PostgreSQL does
not try again.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE attachments (
            agency_id    text NOT NULL REFERENCES agencies(id),
            sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
            size         bigint NOT NULL CHECK (size >= 0),
            mime         text NOT NULL,
            uploaded_by  uuid NOT NULL REFERENCES stations(id),
            received     bigint NOT NULL DEFAULT 0 CHECK (received BETWEEN 0 AND size),
            complete     boolean NOT NULL DEFAULT false,
            created_at   timestamptz NOT NULL DEFAULT now(),
            completed_at timestamptz,
            PRIMARY KEY (agency_id, sha256),
            CHECK (NOT complete OR received = size)
        );
        CREATE TABLE attachment_chunks (
            agency_id   text NOT NULL,
            sha256      text NOT NULL,
            byte_offset bigint NOT NULL CHECK (byte_offset >= 0),
            data        bytea NOT NULL,
            PRIMARY KEY (agency_id, sha256, byte_offset),
            FOREIGN KEY (agency_id, sha256) REFERENCES attachments ON DELETE CASCADE
        );
        ALTER TABLE attachment_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE attachment_chunks; DROP TABLE attachments")
