"""Fetching a scan made at another counter of the office, on demand (issue 12 item 5).

Run: ``python bench/bench_scan_fetch.py [--files 8] [--mb 5]``. Needs PostgreSQL
(``PROVINCE_TEST_ADMIN_URL``, as the server tests). It creates a throwaway database, starts the
real server (uvicorn, one process) on a loopback port and two real stations of one office:
station A stores ``--files`` blobs of ``--mb`` MB (random bytes: incompressible, like JPEG
scans) and uploads them; station B then fetches each one with ``sync.attachments.fetch_blob``
(streamed download with progress and a cancellation check per 64 KiB piece, SHA-256 check,
stored in B's blob store in one transaction, fsync'ed), timed per file.

Baseline in the same run: the same bytes fetched with a bare ``httpx`` GET of the same
endpoint (one request, body read whole, nothing checked or stored). Also: a second open at B
(the cached copy: no request).

Prints one JSON object: seconds per file (median) and MB/s for both, the ratio fetch /
baseline, and the cached open's median.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from bench_sync import _enrolled

from counter_app.storage.station_secrets import station_token
from counter_app.sync.attachment_client import HttpAttachmentClient
from counter_app.sync.attachments import fetch_blob, upload_pending
from counter_app.sync.client import API, HttpSyncClient
from province_server.testing import ServerProcess, ThrowawayDatabase
from sync_protocol import PROTOCOL_HEADER, PROTOCOL_VERSION


def run(files: int, megabytes: float) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-scan-fetch-"))
    os.environ["COUNTER_APP_MIRROR_DIR"] = str(work / "mirror")
    rng = random.Random(20261202)
    blobs = [rng.randbytes(int(megabytes * 1_000_000)) for _ in range(files)]
    database = ThrowawayDatabase(prefix="province_bench")
    db_url = database.create()
    server = ServerProcess(db_url)
    server.start()
    fetch_s: list[float] = []
    bare_s: list[float] = []
    cached_s: list[float] = []
    progress_calls = 0
    try:
        with httpx.Client(timeout=60) as http:
            a = _enrolled(work / "a", server, db_url, 1, http)
            b = _enrolled(work / "b", server, db_url, 2, http)
            shas = []
            with a.store.db.atomic():
                for data in blobs:
                    shas.append(a.store.blobs.put(data, "application/pdf", at=a.clock.now()))
            a_client = HttpAttachmentClient(
                HttpSyncClient(server.url, station_token(a.store.data_dir), http)
            )
            report = upload_pending(a, a_client, max_bytes=1 << 40)
            assert report.error is None and report.waiting == 0, report
            token_b = station_token(b.store.data_dir)
            b_client = HttpAttachmentClient(HttpSyncClient(server.url, token_b, http))
            headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {token_b}",
                       "Accept-Encoding": "identity"}  # fmt: skip

            def progress(_received: int, _total: int | None) -> None:
                nonlocal progress_calls
                progress_calls += 1

            for sha, data in zip(shas, blobs, strict=True):
                started = time.perf_counter()
                bare = http.get(f"{server.url}{API}/attachments/{sha}/content", headers=headers)
                bare_s.append(time.perf_counter() - started)
                assert bare.status_code == 200 and len(bare.content) == len(data)
                started = time.perf_counter()
                got = fetch_blob(
                    b, sha, transport=b_client, progress=progress, cancelled=lambda: False
                )
                fetch_s.append(time.perf_counter() - started)
                assert got == data
                started = time.perf_counter()
                assert fetch_blob(b, sha, transport=b_client) == data  # cached: no request
                cached_s.append(time.perf_counter() - started)
            a.store.close()
            b.store.close()
    finally:
        server.stop()
        database.drop()
        shutil.rmtree(work, ignore_errors=True)
    size = len(blobs[0])
    fetch, bare, cached = (statistics.median(v) for v in (fetch_s, bare_s, cached_s))
    return {
        "python": platform.python_version(),
        "files": files,
        "bytes_per_file": size,
        "fetch_on_demand": {
            "seconds_per_file_median": round(fetch, 4),
            "mb_per_s": round(size / fetch / 1e6, 1),
            "progress_calls_per_file": round(progress_calls / files, 1),
        },
        "baseline_bare_httpx_get": {
            "seconds_per_file_median": round(bare, 4),
            "mb_per_s": round(size / bare / 1e6, 1),
        },
        "fetch_over_baseline": round(fetch / bare, 2),
        "cached_open_seconds_median": round(cached, 5),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (tests)")
    args = parser.parse_args()
    if args.smoke:  # run by tests/bench/test_bench_smoke.py
        args.files, args.mb = 2, 0.3
    print(json.dumps(run(args.files, args.mb), indent=2))


if __name__ == "__main__":
    main()
