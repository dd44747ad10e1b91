"""Per station, the highest code counter seen per deciding agency per day (``code_high_water``).

Revision ID: 0009
Revises: 0008

A dossier code is ``<deciding agency>-<YYMMDD>-<station prefix><daily counter>`` (DESIGN §4).
The push keeps one row per (station, deciding agency, day) with the highest counter of the
codes that station got accepted (:mod:`province_server.stations.ownership`), so a station that
lost its database and ledger can learn where to continue (issue 12). The upgrade fills it from
the dossiers already stored whose code carries their station's prefix.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE TABLE code_high_water ("
        " station_id uuid NOT NULL REFERENCES stations (id),"
        " agency_id text NOT NULL,"
        " day date NOT NULL,"
        " high bigint NOT NULL,"
        " PRIMARY KEY (station_id, agency_id, day))"
    )
    op.execute(
        "INSERT INTO code_high_water (station_id, agency_id, day, high) "
        "SELECT d.station_id, d.agency_id,"
        " to_date(split_part(right(d.code, length(d.code) - length(d.agency_id) - 1), '-', 1),"
        " 'YYMMDD'),"
        " max(substr(split_part(right(d.code, length(d.code) - length(d.agency_id) - 1), '-', 2),"
        " length(s.prefix) + 1)::bigint) "
        "FROM dossiers d JOIN stations s ON s.id = d.station_id "
        "WHERE d.code ~ ('^' || replace(d.agency_id, '.', '\\.') || '-[0-9]{6}-' || s.prefix"
        " || '[0-9]{4,18}$') "
        "GROUP BY 1, 2, 3"
    )


def downgrade() -> None:
    op.execute("DROP TABLE code_high_water")
