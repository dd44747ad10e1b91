"""API-level test helpers: a station enrolled over HTTP only (no counter database), and a
digest of every table (to show that a refused request changed nothing)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx
import psycopg

from province_server.testing import ServerProcess
from sync_protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from tests.server.conftest import IssueCode

PROTOCOL = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
# Tables a refused request may change by design: the lookup page counts wrong keys (a wrong
# key is refused *and* counted, see province_server/pages/throttle.py).
CHANGED_BY_REFUSALS = frozenset({"lookup_throttle"})


@dataclass(frozen=True, slots=True)
class ApiStation:
    token: str
    station_id: str
    agency_id: str
    prefix: str

    @property
    def headers(self) -> dict[str, str]:
        return {**PROTOCOL, "Authorization": f"Bearer {self.token}"}


def enrol_over_http(server: ServerProcess, issue_code: IssueCode, agency: str) -> ApiStation:
    issued = issue_code(agency)
    answer = httpx.post(
        f"{server.url}/api/v1/enrol",
        headers=PROTOCOL,
        content=json.dumps({"code": issued.code, "app_version": "test"}),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return ApiStation(body["token"], body["station_id"], body["agency_id"], body["station_prefix"])


def table_digests(conn: psycopg.Connection) -> dict[str, str]:
    """``table -> md5 of its rows`` for every table of the public schema (one query)."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
        if row[0] not in CHANGED_BY_REFUSALS
    ]
    query = " UNION ALL ".join(
        f"SELECT '{name}', count(*)::text || ':' || "
        f"coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {name} t"
        for name in tables
    )
    return {name: digest for name, digest in conn.execute(query).fetchall()}
