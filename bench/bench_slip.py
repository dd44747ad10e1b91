"""Save-to-PDF-ready cost of the receipt (Mẫu 01, two copies, Code 128 and QR) (DESIGN §9).

Run: ``python bench/bench_slip.py``. Receives one demo dossier (3 documents) in a temporary
station, then prints one JSON object: the median milliseconds of ``services.slips.render``
over RUNS runs for each paper size (a5, a4, a4x2, 80mm), a baseline measured in the same run
(reportlab writing a one-page PDF with a single ``drawString``), each size's ratio to it and
whether the 50 ms target is met. Takes a few seconds.
"""

from __future__ import annotations

import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportlab.pdfgen.canvas import Canvas

from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.models import VN_TZ, Applicant, DocumentForm, DocumentItem
from counter_app.printing.printer import PaperSize
from counter_app.services import intake, slips

RUNS = 50
WARMUP = 3
TARGET_MS = 50.0
APPLICANT = Applicant(
    name="Nguyễn Văn Đức",
    id_number="001090123456",
    address="Thôn Đông, xã Minh Hòa",
    phone="0912345678",
)
DOCUMENTS = (
    DocumentItem("Tờ khai đăng ký khai sinh theo mẫu", DocumentForm.ORIGINAL, 1, True),
    DocumentItem("Giấy chứng sinh", DocumentForm.ORIGINAL, 1, True),
    DocumentItem("Văn bản ủy quyền", DocumentForm.CERTIFIED_COPY, 1, True),
)


def median_ms(call: Callable[[], object]) -> float:
    """Median milliseconds of ``call`` over RUNS runs after WARMUP calls."""
    for _ in range(WARMUP):
        call()
    runs = []
    for _ in range(RUNS):
        started = time.perf_counter()
        call()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def baseline_pdf() -> bytes:
    """The baseline: a one-line reportlab PDF."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.drawString(72, 720, "000.00.19.H56-260213-000001")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def main() -> None:
    global RUNS, WARMUP
    if "--smoke" in sys.argv[1:]:  # tiny sizes, run by tests/bench/test_bench_smoke.py
        RUNS, WARMUP = 2, 1
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("COUNTER_APP_MIRROR_DIR", str(Path(folder) / "mirror"))
        clock = FixedClock(datetime(2026, 2, 13, 10, 0, tzinfo=VN_TZ))
        ctx = open_station(Path(folder) / "station", clock=clock)
        request = intake.ReceptionRequest(
            procedure_code="1.001193", applicant=APPLICANT, documents=DOCUMENTS
        )
        dossier, _ = intake.receive_dossier(ctx, request, officer="canbo")
        baseline = median_ms(baseline_pdf)
        medians = {
            size.value: median_ms(
                lambda size=size: slips.render(  # type: ignore[misc]
                    ctx, dossier, form=slips.SlipForm.RECEIPT, size=size
                )
            )
            for size in PaperSize
        }
        ctx.store.close()
    report = {
        "python": platform.python_version(),
        "runs": RUNS,
        "what": "services.slips.render, receipt (2 copies, Code 128 + QR), demo dossier",
        "baseline_one_line_pdf_ms": round(baseline, 3),
        "median_ms": {name: round(value, 2) for name, value in medians.items()},
        "ratio_to_baseline": {name: round(v / baseline, 1) for name, v in medians.items()},
        "target_ms": TARGET_MS,
        "meets_target": all(v <= TARGET_MS for v in medians.values()),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
