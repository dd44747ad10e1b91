"""Bytes on the wire to upload the attachments of a typical digitised dossier (issue 6).

Run: ``python bench/bench_attachments.py [--dossiers 10] [--dpi 150]``. Needs PostgreSQL
(``PROVINCE_TEST_ADMIN_URL``, as the server tests). It creates a throwaway database, starts
the real server (``province-server serve``, uvicorn, one process) on a loopback port and a
real station in a temporary folder, then for each dossier:

- builds its attachments as a digitising counter would: 4 components (application form, ID
  card, birth certificate, household paper), each a 2-page PDF (reportlab) of grey A4 scans
  (Pillow: a paper-grey page with lines of dark strokes like typed text, a stamp and a
  signature, slight noise; JPEG in the PDF, quality chosen so a page is ~100 KB at 150 dpi).
  Every page differs (seeded), so nothing is deduplicated by accident;
- stores them in the station (``BlobRepository.put``, queued for upload) and times
  ``upload_pending`` (the uploader, the HTTP client, the server's row lock, chunk insert
  and final SHA-256 check in PostgreSQL) until the queue is empty;
- measures every request and answer on the wire (request line, headers, body as sent).

Baseline in the same run: the same PDF bytes inserted bare with psycopg into a ``bytea``
table, one transaction per dossier (what PostgreSQL alone costs). Also measured: a second
round with nothing to send, and a second station of the office holding the same files
(status requests only: "never twice").

Prints one JSON object: payload bytes per dossier, bytes sent / received per dossier, the
ratio sent / payload (the protocol overhead), requests per dossier, seconds per dossier (median)
against the baseline.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import psycopg
from PIL import Image, ImageDraw, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from counter_app.services.station import StationContext
from counter_app.storage.station_secrets import station_token
from counter_app.sync.attachment_client import HttpAttachmentClient
from counter_app.sync.attachments import upload_pending
from counter_app.sync.client import HttpSyncClient
from province_server.testing import ServerProcess, ThrowawayDatabase
from sync_protocol.attachments import CHUNK_SIZE

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_sync import WireMeter, _enrolled

COMPONENTS = 4
PAGES = 2
PAGE_TARGET_BYTES = 100_000


def scanned_page(rng: random.Random, dpi: int, quality: int) -> bytes:
    """A grey A4 scan as JPEG: paper tone, text lines, a stamp, a signature, scanner noise."""
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    page = Image.effect_noise((width, height), 6).point(lambda v: 226 + (v - 128) // 8)
    draw = ImageDraw.Draw(page)
    line_h = max(8, dpi // 7)
    y = dpi // 2
    while y < height - dpi:
        x = dpi // 2 + rng.randrange(0, dpi // 3)
        end = width - dpi // 2 - rng.randrange(0, width // 3)
        while x < end:
            word = rng.randrange(line_h, line_h * 5)
            shade = rng.randrange(20, 80)
            draw.rectangle((x, y, x + word, y + line_h * 2 // 3), fill=shade)
            x += word + line_h // 2
        y += line_h + rng.randrange(line_h // 3, line_h)
    cx, cy, r = width * 2 // 3, height - dpi * 2, dpi // 2
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=90, width=max(2, dpi // 40))
    points = [(cx - r + i * 6, cy + rng.randrange(-r // 2, r // 2)) for i in range(r // 3)]
    draw.line(points, fill=30, width=max(1, dpi // 75))
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    out = io.BytesIO()
    page.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def calibrate(dpi: int) -> int:
    """The JPEG quality whose page is closest to ~100 KB at this resolution."""
    best = min(
        range(30, 91, 5),
        key=lambda q: abs(len(scanned_page(random.Random(0), dpi, q)) - PAGE_TARGET_BYTES),
    )
    return best


def component_pdf(rng: random.Random, dpi: int, quality: int) -> bytes:
    """One digitised paper: a PDF of ``PAGES`` grey scans (the JPEG bytes embedded as is)."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    for _ in range(PAGES):
        jpeg = scanned_page(rng, dpi, quality)
        pdf.drawImage(ImageReader(io.BytesIO(jpeg)), 0, 0, width=A4[0], height=A4[1])
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def _put(ctx: StationContext, files: list[bytes]) -> None:
    with ctx.store.db.atomic():
        for data in files:
            ctx.store.blobs.put(data, "application/pdf", at=ctx.clock.now())


def _baseline(db_url: str, dossiers: list[list[bytes]]) -> list[float]:
    """Seconds per dossier to insert its PDFs bare into a bytea table (one transaction)."""
    times = []
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_files (id bigserial PRIMARY KEY, data bytea NOT NULL)")
        for files in dossiers:
            started = time.perf_counter()
            with conn.transaction():
                for data in files:
                    conn.execute("INSERT INTO bench_files (data) VALUES (%s)", (data,))
            times.append(time.perf_counter() - started)
    return times


def run(count: int, dpi: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-attachments-"))
    os.environ["COUNTER_APP_MIRROR_DIR"] = str(work / "mirror")
    quality = calibrate(dpi)
    rng = random.Random(20260613)
    dossiers = [[component_pdf(rng, dpi, quality) for _ in range(COMPONENTS)] for _ in range(count)]
    payload = [sum(len(f) for f in files) for files in dossiers]
    database = ThrowawayDatabase(prefix="province_bench")
    db_url = database.create()
    server = ServerProcess(db_url)
    server.start()
    meter = WireMeter()
    hooks: dict[str, list[Callable[..., Any]]] = {
        "request": [meter.on_request],
        "response": [meter.on_response],
    }
    times: list[float] = []
    try:
        with httpx.Client(timeout=60) as plain, httpx.Client(timeout=60, event_hooks=hooks) as http:
            station = _enrolled(work / "a", server, db_url, 1, plain)
            token = station_token(station.store.data_dir)
            client = HttpAttachmentClient(HttpSyncClient(server.url, token, http))
            for files in dossiers:
                _put(station, files)
                started = time.perf_counter()
                report = upload_pending(station, client)
                times.append(time.perf_counter() - started)
                assert report.error is None and report.uploaded == COMPONENTS, report
            upload = (meter.sent, meter.received, meter.requests)
            idle = upload_pending(station, client)
            idle_requests = meter.requests - upload[2]
            assert idle.chunks == 0
            twin = _enrolled(work / "b", server, db_url, 2, plain)
            twin_client = HttpAttachmentClient(
                HttpSyncClient(server.url, station_token(twin.store.data_dir), http)
            )
            _put(twin, dossiers[0])
            held = upload_pending(twin, twin_client)
            assert held.already_held == COMPONENTS and held.chunks == 0
            twin_sent = meter.sent - upload[0]
            station.store.close()
            twin.store.close()
        baseline = _baseline(db_url, dossiers)
    finally:
        server.stop()
        database.drop()
        shutil.rmtree(work, ignore_errors=True)
    sent, received, requests = upload
    per_payload = sum(payload) / count
    median_s = statistics.median(times)
    baseline_s = statistics.median(baseline)
    return {
        "python": platform.python_version(),
        "dossiers": count,
        "dossier": {
            "components": COMPONENTS,
            "pages_per_component": PAGES,
            "dpi": dpi,
            "jpeg_quality": quality,
            "payload_bytes_median": round(statistics.median(payload)),
            "payload_bytes_min_max": [min(payload), max(payload)],
        },
        "chunk_bytes": CHUNK_SIZE,
        "upload": {
            "sent_bytes_per_dossier": round(sent / count),
            "received_bytes_per_dossier": round(received / count),
            "sent_over_payload": round(sent / sum(payload), 4),
            "overhead_bytes_per_dossier": round(sent / count - per_payload),
            "requests_per_dossier": round(requests / count, 1),
            "seconds_per_dossier_median": round(median_s, 4),
            "mb_per_s": round(per_payload / median_s / 1e6, 1),
        },
        "baseline_bare_bytea_insert": {
            "seconds_per_dossier_median": round(baseline_s, 4),
            "upload_cost_ratio": round(median_s / baseline_s, 1),
        },
        "second_round_requests": idle_requests,
        "same_files_at_another_station": {
            "sent_bytes": twin_sent,
            "chunks": held.chunks,
            "already_held": held.already_held,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=10)
    parser.add_argument("--dpi", type=int, default=150)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (tests)")
    args = parser.parse_args()
    if args.smoke:  # run by tests/bench/test_bench_smoke.py
        args.dossiers, args.dpi = 1, 50
    print(json.dumps(run(args.dossiers, args.dpi), indent=2))


if __name__ == "__main__":
    main()
