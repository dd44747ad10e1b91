"""Three-digit station prefixes (room for 999 stations) and the prefixes a station had before.

Revision ID: 0012
Revises: 0011

A province enrols up to 999 stations: station N holds prefix ``f"{N:03d}"`` (issue 12 item 4,
``sync_protocol.codes``). A station enrolled with a 2-digit prefix (``07``) continues with
``007``; ``07`` stays its *former* prefix in ``station_prefixes`` (kind ``legacy``), so its old
codes (``…-261122-070051``) stay valid and its own. ``until_day`` is the day it became former:
a widened old code (``0710000``, more than 9,999 in a day) is the station's only for days up
to then, so it can never take station 071's codes of a later day. Offline prefixes
(``000NN``) a station minted with before it enrolled are added at its enrolment (kind
``offline``). ``000`` and anything starting with it is never assigned.
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE stations DROP CONSTRAINT IF EXISTS stations_prefix_check")
    op.execute(
        "CREATE TABLE station_prefixes ("
        " station_id uuid NOT NULL REFERENCES stations (id),"
        " prefix text NOT NULL CHECK (prefix ~ '^[0-9]{2,5}$'),"
        " kind text NOT NULL CHECK (kind IN ('legacy', 'offline')),"
        " until_day date,"
        " added_at timestamptz NOT NULL DEFAULT now(),"
        " PRIMARY KEY (station_id, prefix))"
    )
    op.execute(
        "INSERT INTO station_prefixes (station_id, prefix, kind, until_day) "
        "SELECT id, prefix, 'legacy', current_date FROM stations WHERE prefix ~ '^[0-9]{2}$'"
    )
    # The station id an offline set-up gave itself, declared at enrolment: its earlier events
    # carry it and stay the enrolled station's (``ownership.add_offline_prefixes``).
    op.execute(
        "CREATE TABLE station_aliases ("
        " alias uuid PRIMARY KEY,"
        " station_id uuid NOT NULL REFERENCES stations (id),"
        " added_at timestamptz NOT NULL DEFAULT now())"
    )
    # Every pull answers the station's marks of recent days (a few rows, by this index).
    op.execute("CREATE INDEX code_high_water_recent ON code_high_water (station_id, day)")
    op.execute("UPDATE stations SET prefix = '0' || prefix WHERE prefix ~ '^[0-9]{2}$'")
    op.execute(
        "ALTER TABLE stations ADD CONSTRAINT stations_prefix_check"
        " CHECK (prefix ~ '^[0-9]{3}$' AND prefix NOT LIKE '000%')"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE stations DROP CONSTRAINT IF EXISTS stations_prefix_check")
    op.execute(
        "UPDATE stations s SET prefix = p.prefix FROM station_prefixes p "
        "WHERE p.station_id = s.id AND p.kind = 'legacy'"
    )
    op.execute("DROP TABLE station_prefixes")
    op.execute("DROP TABLE station_aliases")
    op.execute("DROP INDEX IF EXISTS code_high_water_recent")
    op.execute(
        "ALTER TABLE stations ADD CONSTRAINT stations_prefix_check"
        " CHECK (prefix ~ '^[0-9]{2,3}$' AND prefix <> '00')"
    )
