"""Pages per copy of the receipt (Mẫu 01) over the whole catalogue, every paper ticked (issue 11).

Run: ``python bench/bench_slip_pages.py [--limit N]``. In a temporary demo station, every
procedure of the shipped catalogue is received once through ``intake.receive_dossier`` with
its whole checklist handed over (a procedure without a catalogue time gets 5 working days)
and a submitter (the longest applicant block), then its receipt is rendered by
``services.slips.render`` on A5, A4, A4x2 and 80 mm and read back with pypdfium2.

Output (one JSON object): for A5 and A4 the share of procedures whose every copy fits on one
sheet (target ≥ 95 %), also per catalogue level (``xa`` = commune, the counters' own
procedures), the distribution of pages per copy, and the worst procedures; for
A4x2 the halves per copy; for 80 mm the roll length per copy (mm: median, p95, max) since a
roll copy is always one page; the median render time per size over the catalogue and, as a
baseline measured in the same run, a one-line reportlab PDF. Takes 2-4 minutes.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pypdfium2 as pdfium
from bench_slip import baseline_pdf, median_ms

from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.models import VN_TZ, Applicant
from counter_app.domain.processing_time import ProcessingTime, TimeUnit
from counter_app.printing.printer import PaperSize
from counter_app.printing.templates import RECEIPT
from counter_app.services import intake, slips

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "resources" / "catalogue" / "procedures.json"
COPIES = len(RECEIPT.copies)
MM_PER_PT = 25.4 / 72
TARGET_SHARE = 0.95
APPLICANT = Applicant(
    name="Nguyễn Thị Phương Thảo",
    id_number="001190123456",
    address="Số 12, ngõ 34, thôn Đông Hòa, xã Minh Hòa, tỉnh Ninh Bình",
    phone="0912345678",
)
SUBMITTER = Applicant(
    name="Trần Văn Bình", id_number="001090654321", address="Thôn Tây, xã Minh Hòa"
)
FALLBACK_TIME = ProcessingTime(TimeUnit.WORKING_DAYS, 5)


def _pages(pdf: bytes) -> list[float]:
    """The height (mm) of every page."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [document[i].get_height() * MM_PER_PT for i in range(len(document))]
    finally:
        document.close()


def _quantile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N procedures")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (tests)")
    args = parser.parse_args()
    if args.smoke:  # run by tests/bench/test_bench_smoke.py
        args.limit = 3
    catalogue = json.loads(CATALOGUE.read_text("utf-8"))
    codes = [r["code"] for r in catalogue]
    level_of = {r["code"]: r.get("level") or "" for r in catalogue}
    if args.limit:
        codes = codes[: args.limit]
    pages: dict[str, dict[str, int]] = {s.value: {} for s in PaperSize}
    roll_mm: list[float] = []
    times: dict[str, list[float]] = collections.defaultdict(list)
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("COUNTER_APP_MIRROR_DIR", str(Path(folder) / "mirror"))
        clock = FixedClock(datetime(2026, 12, 2, 9, 30, tzinfo=VN_TZ))
        ctx = open_station(Path(folder) / "station", clock=clock)
        baseline = median_ms(baseline_pdf)
        for number, code in enumerate(codes, 1):
            procedure = intake.procedure_or_error(ctx, code)
            documents = tuple(replace(d, received=True) for d in procedure.documents)
            unknown = procedure.processing_time.unit is TimeUnit.UNKNOWN
            request = intake.ReceptionRequest(
                procedure_code=code,
                applicant=APPLICANT,
                submitter=SUBMITTER,
                documents=documents,
                time=FALLBACK_TIME if unknown else None,
            )
            dossier, _ = intake.receive_dossier(ctx, request, officer="canbo")
            for size in PaperSize:
                started = time.perf_counter()
                pdf = slips.render(ctx, dossier, form=slips.SlipForm.RECEIPT, size=size)
                times[size.value].append((time.perf_counter() - started) * 1000)
                heights = _pages(pdf)
                if size is PaperSize.THERMAL_80MM:
                    roll_mm += heights
                    pages[size.value][code] = len(heights) // COPIES
                elif size is PaperSize.A4X2:
                    pages[size.value][code] = -(-len(heights) * 2 // COPIES)  # halves per copy
                else:
                    pages[size.value][code] = len(heights) // COPIES
            if number % 100 == 0:
                print(f"{number}/{len(codes)}", file=sys.stderr)
        ctx.store.close()
    report: dict[str, object] = {
        "procedures": len(codes),
        "what": "receipt, every catalogue paper ticked, with a submitter; pages per copy",
        "baseline_one_line_pdf_ms": round(baseline, 3),
    }
    for size in PaperSize:
        per_copy = pages[size.value]
        spread = collections.Counter(per_copy.values())
        one = spread.get(1, 0) / len(per_copy)
        entry: dict[str, object] = {
            "one_sheet_per_copy_share": round(one, 4),
            "pages_per_copy": {str(k): v for k, v in sorted(spread.items())},
            "worst": sorted(per_copy, key=lambda c: -per_copy[c])[:5],
            "render_median_ms": round(statistics.median(times[size.value]), 2),
            "render_p95_ms": round(_quantile(times[size.value], 0.95), 2),
        }
        if size in (PaperSize.A5, PaperSize.A4):
            entry["meets_target"] = one >= TARGET_SHARE
            levels = collections.defaultdict(list)
            for code, count in per_copy.items():
                levels[level_of[code]].append(count == 1)
            entry["one_sheet_share_by_level"] = {
                level: {"procedures": len(v), "share": round(sum(v) / len(v), 4)}
                for level, v in sorted(levels.items())
            }
        if size is PaperSize.THERMAL_80MM:
            entry["roll_mm_per_copy"] = {
                "median": round(statistics.median(roll_mm), 1),
                "p95": round(_quantile(roll_mm, 0.95), 1),
                "max": round(max(roll_mm), 1),
            }
        report[size.value] = entry
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
