"""The procedure field, keystroke by keystroke (issue 11: < 20 ms per keystroke, 946 procedures).

Run: ``python bench/bench_procedure_search.py [--passes 3]``. A fresh station is opened with
``open_station`` in a temporary folder (the shipped catalogue seeded), the picker's warm-up
query is run, then every query of the everyday ranking table
(tests/domain/test_procedure_search.py) is typed one character at a time through
``ReferenceRepository.find_procedures(prefix, limit=15)`` (the picker's call: SQL candidates,
then the domain's ranking), ``--passes`` times. Prints one JSON object: p50/p95/max (ms) per
keystroke, the number of keystrokes, and how many of the table's queries put the expected
procedure first.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from counter_app.app import open_station
from tests.domain.test_procedure_search import EVERYDAY_QUERIES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (tests)")
    args = parser.parse_args()
    if args.smoke:  # run by tests/bench/test_bench_smoke.py
        args.passes = 1
    with tempfile.TemporaryDirectory() as folder:
        ctx = open_station(Path(folder) / "station")
        reference = ctx.store.reference
        started = time.perf_counter()
        reference.find_procedures("a", limit=1)
        warm_up_ms = (time.perf_counter() - started) * 1000
        times = []
        for _ in range(args.passes):
            for typed, _expected in EVERYDAY_QUERIES:
                for end in range(1, len(typed) + 1):
                    started = time.perf_counter()
                    reference.find_procedures(typed[:end], limit=15)
                    times.append((time.perf_counter() - started) * 1000)
        first = sum(
            1
            for typed, expected in EVERYDAY_QUERIES
            if reference.find_procedures(typed, limit=1)[0].code == expected
        )
        ctx.store.close()
    times.sort()
    print(
        json.dumps(
            {
                "procedures": 946,
                "keystrokes": len(times),
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(times[int(len(times) * 0.95)], 2),
                "max_ms": round(times[-1], 2),
                "warm_up_ms": round(warm_up_ms, 1),
                "table_queries": len(EVERYDAY_QUERIES),
                "table_first_right": first,
                "machine": platform.machine(),
                "python": platform.python_version(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
