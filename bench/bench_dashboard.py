"""Response time of the leaders' dashboard (issue 14 item 2) over a province of 300 offices and a
year of dossiers.

A throw-away PostgreSQL database, migrated; a province written straight into the tables the
dashboard reads (``agencies``, ``stations``: two per office, some silent; ``dossiers`` and
their projected ``dossier_states`` with the report's days, Alembic r0019, and
``dossier_digitisation`` with its daily counts, the triggers off for the bulk load as a
migration's backfill would; a day of ``events`` stored today): ``--offices`` offices ×
``--per-office`` dossiers received over the last 365 days (4,000 each by default: 1.2 M
dossiers, about what a province's commune centres receive in a year), due 1–15 days after
reception, 97 % finished 0–20 days after it, ratings and open conflicts sprinkled; ANALYZE.
Then a real ``province-server serve`` (uvicorn) and, interleaved over ``--repeats`` rounds:

- **dashboard_month**: ``GET /dashboard?month=<last month>`` (Bearer token): stations,
  Biểu 06 per office, charts, the offices' current state, digitisation, rendered;
- **dashboard_year**: the same for the whole last 365 days (``from``/``to``);
- **export_month**: ``GET /dashboard/export.xlsx?month=<last month>`` (the workbook);
- **office_month**: one office's drill-down (``/dashboard/office``);
- **baseline_python_month**: the same month's Biểu 06 counted the way the rules are written:
  every counted dossier's days read into Python and classified by
  ``sync_protocol.statistics.tally`` (what the counters' reference report does); its figures
  must equal the SQL's (checked: ``equal``).

Output (JSON): medians and maxima in ms, the ratio of each to the baseline, and
``meets_target`` (the month's dashboard ≤ 1 s, the issue's target). ``--smoke``: 5 offices ×
200 dossiers, 2 rounds (seconds; tests/bench runs it).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import psycopg

from province_server.pages.html import VN_TZ
from province_server.pages.leaders import Span, province_figures
from province_server.testing import ServerProcess, ThrowawayDatabase
from sync_protocol.statistics import CLOSED_KINDS, COLUMNS, ReportDays, tally

TOKEN = "bench-dashboard-token-0123456789"

_PROVINCE_SQL = """
SELECT setseed(0.14);
INSERT INTO agencies (id, unit_name)
SELECT format('000.%s.%s.H56', lpad((i / 100)::text, 2, '0'), lpad((i % 100)::text, 2, '0')),
       'UBND xã số ' || i
FROM generate_series(1, %(offices)s) AS i;
INSERT INTO stations (id, agency_id, prefix, enrolled_at, last_sync_at, token_hash)
SELECT gen_random_uuid(), a.id, lpad((2 * a.n - 2 + s)::text, 3, '0'),
       now() - interval '400 days',
       now() - make_interval(hours => CASE WHEN a.n %% 17 = 0 THEN 100
                                           WHEN a.n %% 11 = 0 THEN 30 ELSE 1 END),
       md5(a.id || s)
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM agencies) AS a,
     generate_series(1, 2) AS s;
CREATE TEMP TABLE st AS
SELECT agency_id, array_agg(id ORDER BY prefix) AS ids FROM stations GROUP BY agency_id;
CREATE TEMP TABLE g AS
SELECT gen_random_uuid() AS u, a.id AS agency, st.ids[1 + n %% 2] AS station,
       (current_date - (random() * 364)::int) AS rday,
       (1 + (random() * 14)::int) AS due_in,
       (random() * 20)::int AS took,
       random() AS r1, random() AS r2, random() AS r3
FROM agencies AS a JOIN st ON st.agency_id = a.id, generate_series(1, %(per_office)s) AS n;
INSERT INTO dossiers (uuid, agency_id, code, station_id, owner_agency)
SELECT u, agency, NULL, station, agency FROM g;
INSERT INTO dossier_states (dossier_uuid, owner_agency, status, due_at, paused, open_conflicts,
    received_day, finished_day, stats_due_day, channel, closed_as, rating, received_at,
    finished_at, code, procedure_code, procedure_name, applicant_name)
SELECT u, agency,
       CASE WHEN fin IS NULL THEN 'received' WHEN r2 < 0.02 THEN 'withdrawn'
            WHEN r2 < 0.03 THEN 'stopped' ELSE 'returned' END,
       (rday + due_in)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' + interval '17 hours',
       fin IS NULL AND r3 < 0.1,
       CASE WHEN r3 > 0.999 THEN 1 ELSE 0 END,
       rday, fin, rday + due_in, CASE WHEN r1 < 0.3 THEN 2 ELSE 1 END,
       CASE WHEN fin IS NULL THEN '' WHEN r2 < 0.02 THEN 'withdrawn'
            WHEN r2 < 0.03 THEN 'stopped' ELSE '' END,
       CASE WHEN r3 < 0.2 THEN 'hai_long' WHEN r3 < 0.25 THEN 'khong_hai_long' END,
       rday::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' + interval '9 hours',
       fin::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh' + interval '15 hours',
       agency || '-' || to_char(rday, 'YYMMDD') || '-' || substr(u::text, 1, 7),
       '1.001193', 'Đăng ký khai sinh', 'Nguyễn Văn An'
FROM (SELECT *, CASE WHEN r1 > 0.03 AND rday + took <= current_date THEN rday + took END AS fin
      FROM g) AS x;
ALTER TABLE dossier_digitisation DISABLE TRIGGER USER;
INSERT INTO dossier_digitisation (dossier_uuid, owner_agency, station_id, received_at, paper,
    required, scanned, digitised)
SELECT u, agency, station, rday::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh', r1 >= 0.3, 2,
       CASE WHEN r2 < 0.7 THEN 2 ELSE 1 END, r2 < 0.7
FROM g;
INSERT INTO digitisation_daily (day, owner_agency, station_id, paper, digitised)
SELECT (received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, owner_agency, station_id,
       count(*), count(*) FILTER (WHERE digitised)
FROM dossier_digitisation WHERE paper GROUP BY 1, 2, 3;
ALTER TABLE dossier_digitisation ENABLE TRIGGER USER;
INSERT INTO events (uuid, dossier_uuid, agency_id, kind, station_id, station_seq, officer, at,
                    at_text, payload, batch_id)
SELECT gen_random_uuid(), u, agency, 'slip_printed', station, 1, 'canbo', now(),
       now()::text, '{}'::jsonb, gen_random_uuid()
FROM g WHERE rday = current_date;
"""

_DAYS_SQL = """
SELECT owner_agency, received_day, finished_day, stats_due_day, channel, closed_as
FROM dossier_states
WHERE received_day <= %(e)s AND (finished_day IS NULL OR finished_day >= %(s)s)
"""


def build(url: str, offices: int, per_office: int) -> float:
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        sql = _PROVINCE_SQL.replace("%(offices)s", str(offices)).replace(
            "%(per_office)s", str(per_office)
        )
        conn.execute(sql.replace("%%", "%"))
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def python_month(url: str, span: Span) -> dict[str, int]:
    """The baseline: every counted dossier's days into Python, tallied by the shared rules."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(_DAYS_SQL, {"s": span.start, "e": span.end}).fetchall()
    by_office: dict[str, list[ReportDays]] = {}
    for agency, received, finished, due, channel, closed in rows:
        by_office.setdefault(agency, []).append(
            ReportDays(received, finished, due, channel == 2, bool(closed), closed)
        )
    total = dict.fromkeys((*COLUMNS, *CLOSED_KINDS), 0)
    for items in by_office.values():
        for key, value in tally(items, start=span.start, end=span.end).items():
            total[key] += value
    return total


def sql_month(url: str, span: Span) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        total = province_figures(conn, span).total
    out = dict(zip(COLUMNS, total.columns(), strict=True))
    out.update({k: getattr(total, k) for k in CLOSED_KINDS})
    return out


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(samples) * 1000, 1),
        "max_ms": round(max(samples) * 1000, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=300)
    parser.add_argument("--per-office", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.offices, args.per_office, args.repeats = 5, 200, 2

    database = ThrowawayDatabase(prefix="bench_dashboard")
    url = database.create()
    server = ServerProcess(url, env={"PROVINCE_ADMIN_TOKEN": TOKEN})
    try:
        built = build(url, args.offices, args.per_office)
        today = datetime.now(VN_TZ).date()
        last_month_end = date(today.year, today.month, 1) - timedelta(days=1)
        month = f"{last_month_end:%Y-%m}"
        span = Span.parse(month, None, None)
        year = {"from": (today - timedelta(days=364)).isoformat(), "to": today.isoformat()}
        with psycopg.connect(url) as conn:
            (agency,) = conn.execute("SELECT min(id) FROM agencies").fetchone() or ("",)
        server.start()
        headers = {"Authorization": f"Bearer {TOKEN}"}
        client = httpx.Client(base_url=server.url, headers=headers, timeout=120)

        def get(path: str, params: dict[str, str]) -> None:
            answer = client.get(path, params=params)
            if answer.status_code != 200:
                raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:300]}")

        runs: dict[str, Any] = {
            "dashboard_month": lambda: get("/dashboard", {"month": month}),
            "dashboard_year": lambda: get("/dashboard", year),
            "export_month": lambda: get("/dashboard/export.xlsx", {"month": month}),
            "office_month": lambda: get("/dashboard/office", {"agency": agency, "month": month}),
            "baseline_python_month": lambda: python_month(url, span),
        }
        for run in runs.values():  # warm: connections, plans, caches
            run()
        samples: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.repeats):
            for name, run in runs.items():
                started = time.perf_counter()
                run()
                samples[name].append(time.perf_counter() - started)
        client.close()
        equal = sql_month(url, span) == python_month(url, span)
        with psycopg.connect(url) as conn:
            (dossiers,) = conn.execute("SELECT count(*) FROM dossier_states").fetchone() or (0,)
    finally:
        server.stop()
        database.drop()

    results = {name: summary(values) for name, values in samples.items()}
    base = results["baseline_python_month"]["median_ms"]
    for result in results.values():
        result["ratio_to_baseline"] = round(result["median_ms"] / base, 3) if base else None
    out = {
        "bench": "dashboard",
        "smoke": args.smoke,
        "offices": args.offices,
        "dossiers": dossiers,
        "month": month,
        "build_s": round(built, 1),
        "results": results,
        "equal": equal,
        "target_ms": 1000,
        "meets_target": results["dashboard_month"]["max_ms"] <= 1000,
    }
    print(json.dumps(out, ensure_ascii=False))
    return 0 if equal else 1


if __name__ == "__main__":
    raise SystemExit(main())
