"""A synthetic year of one province's events in PostgreSQL, one table vs monthly partitions
(docs/national-deployment.md takes its figures from here).

Run: ``python bench/bench_national.py [--dossiers 590000] [--offices 300]``; ``--smoke`` runs in
seconds (5,000 dossiers). Needs PostgreSQL as the server tests (``PROVINCE_TEST_ADMIN_URL``);
works in a throwaway database, dropped at the end.

20 million dossiers a year over 34 provinces is about 590,000 dossiers per province per year;
each gets 4 events (received, handed over, result received, returned) spread over the year
in time order, 300 offices with 3 counters each. The ``received`` payload is a ~1 KB JSON
(issue 16's target per dossier; today's real one is about 3.5 KB, so sizes scale up by ~2.5×,
query times do not much: every query below reads a handful of rows through an index).

Two layouts of the same rows, both with the server's indexes:

- ``one_table``: ``events`` as today (unique ``uuid``, ``(agency_id, seq)``, ``(dossier_uuid,
  seq)``);
- ``monthly``: ``PARTITION BY RANGE (at)``, one partition per month of the event's own time
  (the station's instant: a re-sent event lands in the same partition, so the unique key
  ``(uuid, at)`` still makes a push idempotent), same indexes per partition.

Measured on each, first on the freshly loaded tables with no statistics (autovacuum off:
nothing ever analyses them), then after ``ANALYZE``: a pull by a station that is up to date
(cursor a minute behind the newest event), a pull from cursor 0 (a station rebuilding its
office's history), the events of one dossier, one office's counts of one month, the whole
province's counts of one month (the dashboard and the monthly report), and pushes of
4-event batches (one transaction each, ``ON CONFLICT DO NOTHING``) into the full year. Also:
the plan of the pull (EXPLAIN) and the size on disk. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from psycopg import sql

from province_server.testing import admin_url

COLUMNS = (
    "seq bigint NOT NULL, uuid uuid NOT NULL, dossier_uuid uuid NOT NULL, agency_id text NOT NULL,"
    " kind text NOT NULL, station_id uuid NOT NULL, station_seq bigint NOT NULL,"
    " officer text NOT NULL, at timestamptz NOT NULL, at_text text NOT NULL,"
    " payload jsonb NOT NULL, batch_id uuid NOT NULL, stored_at timestamptz NOT NULL"
)
KINDS = ("received", "handed_over", "result_received", "returned")
YEAR_START = "2026-01-01 00:00:00+07"
PAYLOAD = {
    "agency_id": "",
    "code": "",
    "procedure_code": "1.001193",
    "procedure_name": "Đăng ký khai sinh",
    "catalogue_version": "2026.1",
    "channel": 1,
    "applicant": {
        "full_name": "Nguyễn Văn An",
        "id_number": "001090012345",
        "birth_date": "1990-05-12",
        "address": "Số 12, thôn Đông, xã Minh Hòa, tỉnh Hưng Yên",
        "phone": "0912345678",
    },
    "documents": [{"ref": i, "form": "copy", "count": 1, "received": True} for i in range(6)],
    "sets": 1,
    "return_method": "counter",
    "fee": 0,
    "received_at": "2026-02-13T10:00:00+07:00",
    "due_at": "2026-02-17T10:00:00+07:00",
    "rules_version": "118/2025",
    "note": "Hồ sơ nộp trực tiếp tại bộ phận một cửa; công dân đã được hướng dẫn bổ sung.",
}
PULL = (
    "SELECT seq, json_build_object('uuid', uuid, 'dossier_uuid', dossier_uuid, 'kind', kind,"
    " 'station_id', station_id, 'seq', station_seq, 'officer', officer, 'at', at_text,"
    " 'payload', payload)::text FROM {t} WHERE agency_id = %s AND seq > %s"
    " ORDER BY agency_id, seq LIMIT 501"
)


def _agency(office: int) -> str:
    return f"000.{office // 100:02d}.{office % 100:02d}.H56"


def _load(conn: psycopg.Connection, dossiers: int, offices: int) -> None:
    """``one_table`` filled in time order (seq follows ``at``), then ``monthly`` from it."""
    conn.execute(f"CREATE UNLOGGED TABLE raw ({COLUMNS})")
    conn.execute(
        """
        INSERT INTO raw
        SELECT 0, gen_random_uuid(), d.du, d.agency, k.kind, d.station, g * 4 + k.n, 'canbo',
               t.at, to_char(t.at AT TIME ZONE 'Asia/Ho_Chi_Minh',
                             'YYYY-MM-DD"T"HH24:MI:SS"+07:00"'),
               CASE WHEN k.n = 0 THEN jsonb_set(jsonb_set(%(payload)s::jsonb, '{agency_id}',
                        to_jsonb(d.agency)), '{code}', to_jsonb(d.agency || '-260213-' ||
                        lpad(((g %% 3) + 1)::text, 3, '0') || lpad(g::text, 6, '0')))
                    ELSE jsonb_build_object('note', '', 'to', 'Công chức Tư pháp - Hộ tịch')
               END,
               gen_random_uuid(), t.at
        FROM generate_series(0, %(n)s - 1) AS g
        CROSS JOIN LATERAL (SELECT md5('d' || g)::uuid AS du,
            '000.' || lpad(((g %% %(offices)s) / 100)::text, 2, '0') || '.'
                   || lpad(((g %% %(offices)s) %% 100)::text, 2, '0') || '.H56' AS agency,
            md5('s' || (g %% (%(offices)s * 3)))::uuid AS station) AS d
        CROSS JOIN LATERAL (VALUES (0, 'received'), (1, 'handed_over'),
            (2, 'result_received'), (3, 'returned')) AS k(n, kind)
        CROSS JOIN LATERAL (SELECT %(start)s::timestamptz
            + (g::float8 / %(n)s) * interval '365 days'
            + k.n * interval '2 days' AS at) AS t
        """,
        {
            "payload": json.dumps(PAYLOAD, ensure_ascii=False),
            "n": dossiers,
            "offices": offices,
            "start": YEAR_START,
        },
    )
    conn.execute(f"CREATE TABLE one_table ({COLUMNS})")
    conn.execute(
        "INSERT INTO one_table SELECT row_number() OVER (ORDER BY at, uuid), uuid, dossier_uuid,"
        " agency_id, kind, station_id, station_seq, officer, at, at_text, payload, batch_id,"
        " stored_at FROM raw ORDER BY at, uuid"
    )
    conn.execute("DROP TABLE raw")
    conn.execute(f"CREATE TABLE monthly ({COLUMNS}) PARTITION BY RANGE (at)")
    for month in range(12):
        conn.execute(
            f"CREATE TABLE monthly_{month + 1:02d} PARTITION OF monthly FOR VALUES FROM"
            f" ('{YEAR_START}'::timestamptz + interval '{month} month') TO"
            f" ('{YEAR_START}'::timestamptz + interval '{month + 1} month')"
        )
    conn.execute("CREATE TABLE monthly_later PARTITION OF monthly DEFAULT")
    conn.execute("INSERT INTO monthly SELECT * FROM one_table")
    for table, unique in (("one_table", "(uuid)"), ("monthly", "(uuid, at)")):
        conn.execute(f"CREATE UNIQUE INDEX {table}_uuid ON {table} {unique}")
        conn.execute(f"CREATE INDEX {table}_agency_seq ON {table} (agency_id, seq)")
        conn.execute(f"CREATE INDEX {table}_dossier ON {table} (dossier_uuid, seq)")
    conn.execute("CREATE UNIQUE INDEX one_table_seq ON one_table (seq)")


def _timed(conn: psycopg.Connection, query: str, params_list: list[tuple[Any, ...]]) -> float:
    """Median ms of ``query`` over ``params_list`` (rows fetched)."""
    times = []
    for params in params_list:
        started = time.perf_counter()
        conn.execute(query, params).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 3)


def _queries(conn: psycopg.Connection, table: str, offices: int) -> dict[str, float]:
    top = conn.execute("SELECT max(seq) FROM one_table").fetchone()
    assert top is not None
    newest = int(top[0])
    agencies = [_agency(o) for o in range(0, offices, max(1, offices // 100))]
    dossiers = [
        (row[0],)
        for row in conn.execute(
            "SELECT dossier_uuid::text FROM one_table WHERE seq % 9973 = 0 LIMIT 100"
        ).fetchall()
    ]
    month = ("2026-06-01 00:00:00+07", "2026-07-01 00:00:00+07")
    out = {
        "pull_up_to_date_ms": _timed(
            conn, PULL.format(t=table), [(a, newest - 2000) for a in agencies]
        ),
        "pull_from_zero_ms": _timed(conn, PULL.format(t=table), [(a, 0) for a in agencies]),
        "dossier_events_ms": _timed(
            conn, f"SELECT * FROM {table} WHERE dossier_uuid = %s ORDER BY seq", dossiers
        ),
        "office_month_counts_ms": _timed(
            conn,
            f"SELECT kind, count(*) FROM {table} WHERE agency_id = %s AND at >= %s AND at < %s"
            " GROUP BY kind",
            [(a, *month) for a in agencies[:20]],
        ),
        "province_month_counts_ms": _timed(
            conn,
            f"SELECT agency_id, kind, count(*) FROM {table} WHERE at >= %s AND at < %s"
            " GROUP BY agency_id, kind",
            [month] * 3,
        ),
    }
    return out


def _pushes(conn: psycopg.Connection, table: str, batches: int) -> float:
    """Median ms of one 4-event batch insert (its own transaction), events of December."""
    conflict = "(uuid)" if table == "one_table" else "(uuid, at)"
    top = conn.execute("SELECT max(seq) FROM one_table").fetchone()
    assert top is not None
    seq = int(top[0]) + 1_000_000 if table == "monthly" else int(top[0]) + 1
    payload = json.dumps(PAYLOAD, ensure_ascii=False)
    times = []
    for batch in range(batches):
        rows = []
        dossier = str(uuid.uuid4())
        for n in range(4):
            rows.append(
                (
                    seq,
                    str(uuid.uuid4()),
                    dossier,
                    _agency(batch % 300),
                    KINDS[n],
                    str(uuid.uuid4()),
                    seq,
                    "canbo",
                    "2026-12-20T10:00:00+07:00",
                    "2026-12-20T10:00:00+07:00",
                    payload,
                    str(uuid.uuid4()),
                )
            )
            seq += 1
        started = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {table} VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s, now())"
                f" ON CONFLICT {conflict} DO NOTHING",
                rows,
            )
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 3)


def _plan(conn: psycopg.Connection, query: str, params: tuple[Any, ...]) -> list[str]:
    """The scan lines of EXPLAIN (first 4): which index, or a sequential scan."""
    rows = conn.execute("EXPLAIN " + query, params).fetchall()
    return [row[0].strip() for row in rows if "Scan" in row[0] or "Append" in row[0]][:4]


def _sizes(conn: psycopg.Connection) -> dict[str, int]:
    rows = conn.execute(
        "SELECT 'one_table', pg_total_relation_size('one_table') UNION ALL "
        "SELECT 'monthly', sum(pg_total_relation_size(inhrelid)) FROM pg_inherits "
        "WHERE inhparent = 'monthly'::regclass"
    ).fetchall()
    return {name: int(size) // (1024 * 1024) for name, size in rows}


def run(dossiers: int, offices: int, batches: int) -> dict[str, Any]:
    name = f"province_national_{uuid.uuid4().hex[:8]}"
    admin = admin_url()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = admin.rpartition("/")[0] + "/" + name
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '256MB'")
            started = time.perf_counter()
            _load(conn, dossiers, offices)
            load_s = time.perf_counter() - started
            top = conn.execute("SELECT max(seq) FROM one_table").fetchone()
            assert top is not None
            result: dict[str, Any] = {
                "dossiers": dossiers,
                "events": int(top[0]),
                "offices": offices,
                "load_s": round(load_s, 1),
                "size_mb": _sizes(conn),
                "without_statistics": {},
                "after_analyze": {},
            }
            for phase in ("without_statistics", "after_analyze"):
                if phase == "after_analyze":
                    conn.execute("ANALYZE one_table")
                    conn.execute("ANALYZE monthly")
                for table in ("one_table", "monthly"):
                    figures: dict[str, Any] = _queries(conn, table, offices)
                    figures["push_batch_ms"] = _pushes(conn, table, batches)
                    figures["pull_plan"] = _plan(
                        conn, PULL.format(t=table), (_agency(7), int(top[0]) - 2000)
                    )
                    figures["dossier_plan"] = _plan(
                        conn,
                        f"SELECT * FROM {table} WHERE dossier_uuid = %s ORDER BY seq",
                        (str(uuid.uuid4()),),
                    )
                    figures["duplicate_check_plan"] = _plan(
                        conn, f"SELECT 1 FROM {table} WHERE uuid = %s", (str(uuid.uuid4()),)
                    )
                    result[phase][table] = figures
            return result
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=590_000)
    parser.add_argument("--offices", type=int, default=300)
    parser.add_argument("--batches", type=int, default=300)
    parser.add_argument("--smoke", action="store_true", help="5,000 dossiers: seconds")
    args = parser.parse_args()
    if args.smoke:
        args.dossiers, args.batches = 5_000, 20
    print(json.dumps(run(args.dossiers, args.offices, args.batches), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
