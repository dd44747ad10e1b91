"""Bytes per archived A5 receipt (Mẫu 01, two copies, Code 128 and QR) (issue 12, item 7).

Run: ``python bench/bench_slip_archive.py [--count N] [--smoke]``. Receives N dossiers of the
demo catalogue in a temporary station (procedures and applicants varied), archives each one's
A5 receipt through the real ``prepare_slip`` and prints one JSON object: median and max bytes
per archived receipt, and the baseline of the same run: the same receipts rendered with
reportlab's own font subsets (hinting kept, ASCII85 streams: what every slip was before),
with the ratio and whether the 30 KB target is met. Both renderings are also drawn with
pdftoppm at 100 dpi when it is installed, and the bench says whether the pixels are equal.
``--smoke``: 2 receipts, seconds (run by ``tests/bench/test_bench_smoke.py``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFontFace

from bench.fixtures import isolated_dirs
from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.models import VN_TZ, Applicant
from counter_app.printing import fonts
from counter_app.printing.printer import PaperSize
from counter_app.services import intake, slips

TARGET_BYTES = 30 * 1024
PROCEDURES = ("1.001193", "1.001022", "2.000488", "1.000894", "1.004946")
NAMES = ("Nguyễn Văn Đức", "Trần Thị Hồng Nhung", "Lê Quang Vĩnh", "Phạm Ngọc Ánh")


def _receive(ctx: Any, index: int) -> Any:
    applicant = Applicant(
        name=NAMES[index % len(NAMES)],
        id_number=f"0010901234{index % 100:02d}",
        address="Thôn Đông, xã Minh Hòa",
        phone="0912345678",
    )
    for offset in range(len(PROCEDURES)):
        code = PROCEDURES[(index + offset) % len(PROCEDURES)]
        try:
            request = intake.ReceptionRequest(procedure_code=code, applicant=applicant)
            return intake.receive_dossier(ctx, request, officer="canbo")[0]
        except Exception:  # a procedure the demo catalogue lacks: the next one
            continue
    raise RuntimeError("no demo procedure could be received")


def _baseline(ctx: Any, dossier: Any) -> bytes:
    """The receipt with reportlab's own subsets and ASCII85 (the state before)."""
    saved = {}
    for name in fonts.FONT_FILES:
        face = pdfmetrics.getFont(name).face
        saved[name] = face.makeSubset
        face.makeSubset = TTFontFace.makeSubset.__get__(face)
    rl_config.useA85 = 1
    try:
        return slips.render(ctx, dossier, form=slips.SlipForm.RECEIPT, size=PaperSize.A5)
    finally:
        rl_config.useA85 = 0
        for name, method in saved.items():
            pdfmetrics.getFont(name).face.makeSubset = method


def _same_pixels(old: bytes, new: bytes, work: Path) -> bool | None:
    if shutil.which("pdftoppm") is None:
        return None
    images = []
    for name, data in (("old", old), ("new", new)):
        (work / f"{name}.pdf").write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-r", "100", "-gray", work / f"{name}.pdf", work / name], check=True
        )
        images.append(sorted(p.read_bytes() for p in work.glob(f"{name}-*.pgm")))
    return images[0] == images[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--smoke", action="store_true", help="2 receipts, seconds")
    args = parser.parse_args()
    if args.smoke:
        args.count = 2
    with isolated_dirs() as tmp:
        clock = FixedClock(datetime(2026, 2, 13, 10, 0, tzinfo=VN_TZ))
        ctx = open_station(tmp / "station", clock=clock)
        try:
            fonts.register_fonts()
            sizes, before, same = [], [], []
            for index in range(args.count):
                dossier = _receive(ctx, index)
                prepared = slips.prepare_slip(
                    ctx, dossier, form=slips.SlipForm.RECEIPT, size=PaperSize.A5, officer="canbo"
                )
                archived = prepared.path.read_bytes()
                sizes.append(len(archived))
                old = _baseline(ctx, dossier)
                before.append(len(old))
                if index < 3:
                    new = slips.render(ctx, dossier, form=slips.SlipForm.RECEIPT, size=PaperSize.A5)
                    same.append(_same_pixels(old, new, Path(tempfile.mkdtemp(dir=tmp))))
        finally:
            ctx.store.close()
    median = statistics.median(sizes)
    out = {
        "receipts": args.count,
        "bytes_per_archived_receipt_median": int(median),
        "bytes_max": max(sizes),
        "baseline_bytes_median": int(statistics.median(before)),
        "ratio_baseline_over_new": round(statistics.median(before) / median, 2),
        "target_bytes": TARGET_BYTES,
        "target_met": max(sizes) <= TARGET_BYTES,
        "pixels_equal_at_100dpi": same,
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
