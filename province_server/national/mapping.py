"""The mapping tables (Alembic r0018): local status -> national status code (one-stop-rules
§9.2; "" = never sent), local procedure code -> national MaTTHC (no row: the same code)."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from province_server.errors import AdminError

NATIONAL_CODES = frozenset(str(n) for n in range(1, 11))


@dataclass(frozen=True, slots=True)
class Maps:
    statuses: dict[str, str]
    procedures: dict[str, str]

    def status(self, local: str | None) -> str:
        return self.statuses.get(local or "", "")

    def procedure(self, local: str) -> str:
        return self.procedures.get(local, local)


def load(conn: psycopg.Connection) -> Maps:
    sql = "SELECT local_status, national_code FROM national_status_map"
    statuses: dict[str, str] = dict(conn.execute(sql))
    procedures: dict[str, str] = dict(
        conn.execute("SELECT local_code, national_code FROM national_procedure_map")
    )
    return Maps(statuses, procedures)


def set_status(conn: psycopg.Connection, local: str, code: str) -> None:
    if code not in NATIONAL_CODES and code != "":
        raise AdminError("the national status code must be 1..10 (or empty: never sent)")
    conn.execute(
        "INSERT INTO national_status_map VALUES (%s, %s) ON CONFLICT (local_status)"
        " DO UPDATE SET national_code = EXCLUDED.national_code",
        (local.strip(), code),
    )


def set_procedure(conn: psycopg.Connection, local: str, code: str) -> None:
    if not local.strip() or not code.strip():
        raise AdminError("give both the local and the national procedure code")
    conn.execute(
        "INSERT INTO national_procedure_map (local_code, national_code) VALUES (%s, %s)"
        " ON CONFLICT (local_code) DO UPDATE SET national_code = EXCLUDED.national_code,"
        " checked_at = NULL, check_answer = NULL",
        (local.strip(), code.strip()),
    )


def record_check(conn: psycopg.Connection, local: str, national: str, answer: str) -> None:
    conn.execute(
        "INSERT INTO national_procedure_map VALUES (%s, %s, now(), %s) ON CONFLICT (local_code)"
        " DO UPDATE SET checked_at = now(), check_answer = EXCLUDED.check_answer",
        (local, national, answer),
    )


def used_procedures(conn: psycopg.Connection) -> list[str]:
    """Local procedure codes of the catalogue and of the mapping table."""
    rows = conn.execute(
        "SELECT code FROM procedures UNION SELECT local_code FROM national_procedure_map ORDER BY 1"
    )
    return [r[0] for r in rows]
