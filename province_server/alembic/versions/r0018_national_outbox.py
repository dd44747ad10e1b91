"""The national portal connector's durable state (issue 14 item 1).

Revision ID: 0018
Revises: 0017

- ``national_cursors``: per office (``events.agency_id``), the last ``events.seq`` the worker
  has turned into outbox rows. Pushes of one office are serialised by its advisory lock, so
  within an office the sequence follows commit order and the cursor never steps over an
  event committed later; the push itself pays nothing.
- ``national_outbox``: one row per dossier to send: the newest event seq seen (``wanted_seq``)
  and the one last acknowledged by the portal (``synced_seq``), whether the portal holds the
  dossier (``portal_created``) and whether a create was ever attempted (``create_tried``: a
  crash between DongBoHoSoMC and its record is settled by TraCuuHoSo), the back-off
  (``attempts``, ``next_attempt_at``), the last error and the portal's answer, and what the
  portal acknowledged last (status code, reception month) for the reconciliation.
- ``national_steps``: the processing steps (events) the portal acknowledged.
- ``national_status_map`` / ``national_procedure_map``: local status -> national code
  (seeded from ``sync_protocol.status.NATIONAL``), local procedure code -> national MaTTHC
  (none: identity), editable by ``province-server national-map``.
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# The default status mapping as it stood at this revision (sync_protocol.status.NATIONAL):
# copied, not imported, so that replaying the migration later seeds the same rows.
_STATUSES = {
    "online_submitted": 1,
    "received": 2,
    "guided": 3,
    "refused": 3,
    "in_progress": 4,
    "supplement_requested": 5,
    "awaiting_payment": 6,
    "withdrawn": 7,
    "stopped": 8,
    "resolved": 9,
    "returned": 10,
}


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE national_cursors (
            agency_id text PRIMARY KEY,
            seq       bigint NOT NULL DEFAULT 0
        );
        CREATE TABLE national_outbox (
            dossier_uuid    uuid PRIMARY KEY,
            agency_id       text NOT NULL,
            wanted_seq      bigint NOT NULL,
            synced_seq      bigint NOT NULL DEFAULT 0,
            portal_created  boolean NOT NULL DEFAULT false,
            create_tried    boolean NOT NULL DEFAULT false,
            attempts        integer NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL DEFAULT now(),
            last_error      text,
            last_answer     text,
            last_error_at   timestamptz,
            acked_status    text,
            acked_month     text,
            acked_at        timestamptz
        );
        CREATE INDEX national_outbox_due ON national_outbox (next_attempt_at)
            WHERE synced_seq < wanted_seq;
        CREATE INDEX national_outbox_errors ON national_outbox (agency_id)
            WHERE last_error IS NOT NULL;
        CREATE TABLE national_steps (
            event_uuid   uuid PRIMARY KEY,
            dossier_uuid uuid NOT NULL,
            sent_at      timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX national_steps_dossier ON national_steps (dossier_uuid);
        CREATE TABLE national_status_map (
            local_status  text PRIMARY KEY,
            national_code text NOT NULL CHECK (national_code ~ '^([1-9]|10)?$')
        );
        CREATE TABLE national_procedure_map (
            local_code    text PRIMARY KEY,
            national_code text NOT NULL,
            checked_at    timestamptz,
            check_answer  text
        );
        """
    )
    values = ", ".join(f"('{k}', '{v}')" for k, v in _STATUSES.items())
    op.execute(f"INSERT INTO national_status_map VALUES {values}")


def downgrade() -> None:
    op.execute(
        "DROP TABLE national_procedure_map; DROP TABLE national_status_map; "
        "DROP TABLE national_steps; DROP TABLE national_outbox; DROP TABLE national_cursors;"
    )
