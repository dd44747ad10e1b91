"""Bytes per archived A5 receipt (Mẫu 01, two copies, Code 128 and QR) (issue 12, item 7).

Run: ``python bench/bench_slip_archive.py [--count N] [--smoke]``. Receives N dossiers (100 by
default) of the demo catalogue in a temporary station (procedures and applicants varied),
archives each one's A5 receipt through the real ``prepare_slip`` and prints one JSON object:

- ``bytes_on_disk_per_receipt``: every byte of the station's ``slips/`` folder (the compact
  files *and* the shared parts, the fonts stored once) divided by N: the figure the 30 KB
  target is about; ``compact_file_bytes_*``: the compact files alone; ``shared_bytes``;
- ``printed_pdf_bytes_median``: the PDF the printer gets (fixed font subsets);
- ``read_back_exact``: how many archived receipts ``services.archive.read_archived`` gave
  back byte for byte as printed (and with the SHA-256 of the print record): must be N;
- the baselines of the same run: ``baseline_bytes_median``, the same receipts as every slip
  was before issue 12 (reportlab's own per-document subsets, hinting kept, ASCII85 streams);
  ``before_compact_archive_bytes_median``, as archived before the compact archive (per-
  document subsets without hinting, binary streams: one plain PDF per receipt);
- ``pixels_equal_at_100dpi``: the first three receipts read back from the archive and their
  baseline drawn with pdftoppm at 100 dpi (when installed), compared pixel for pixel.

``--smoke``: 2 receipts, seconds (run by ``tests/bench/test_bench_smoke.py``).
"""

from __future__ import annotations

import argparse
import hashlib
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
from counter_app.services import archive, intake, slips

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
    """The receipt with reportlab's own subsets and ASCII85 (the state before issue 12)."""
    saved = {}
    for name in fonts.FONT_FILES:
        face = pdfmetrics.getFont(name).face
        saved[name] = face.makeSubset
        face.makeSubset = TTFontFace.makeSubset.__get__(face)
    rl_config.useA85 = 1
    try:
        with fonts.dynamic_subsets():
            return slips.render(ctx, dossier, form=slips.SlipForm.RECEIPT, size=PaperSize.A5)
    finally:
        rl_config.useA85 = 0
        for name, method in saved.items():
            pdfmetrics.getFont(name).face.makeSubset = method


def _before_compact_archive(ctx: Any, dossier: Any) -> bytes:
    """The receipt as archived before the compact archive: per-document subsets (no
    hinting), one plain PDF per receipt."""
    with fonts.dynamic_subsets():
        return slips.render(ctx, dossier, form=slips.SlipForm.RECEIPT, size=PaperSize.A5)


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


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
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--smoke", action="store_true", help="2 receipts, seconds")
    args = parser.parse_args()
    if args.smoke:
        args.count = 2
    with isolated_dirs() as tmp:
        clock = FixedClock(datetime(2026, 2, 13, 10, 0, tzinfo=VN_TZ))
        ctx = open_station(tmp / "station", clock=clock)
        try:
            fonts.register_fonts()
            sizes, printed, before, head, same = [], [], [], [], []
            exact = 0
            for index in range(args.count):
                dossier = _receive(ctx, index)
                prepared = slips.prepare_slip(
                    ctx, dossier, form=slips.SlipForm.RECEIPT, size=PaperSize.A5, officer="canbo"
                )
                sizes.append(prepared.path.stat().st_size)
                printed.append(len(prepared.pdf))
                back = archive.read_archived(ctx.store.data_dir, prepared.record.path)
                digest = hashlib.sha256(back).hexdigest()
                exact += back == prepared.pdf and digest == prepared.record.sha256
                old = _baseline(ctx, dossier)
                before.append(len(old))
                head.append(len(_before_compact_archive(ctx, dossier)))
                if index < 3:
                    same.append(_same_pixels(old, back, Path(tempfile.mkdtemp(dir=tmp))))
            slips_dir = ctx.store.data_dir / slips.SLIP_DIR
            on_disk = _folder_bytes(slips_dir)
            shared = _folder_bytes(slips_dir / "shared")
        finally:
            ctx.store.close()
    per_receipt = on_disk / args.count
    out = {
        "receipts": args.count,
        "bytes_on_disk_per_receipt": int(per_receipt),
        "compact_file_bytes_median": int(statistics.median(sizes)),
        "compact_file_bytes_max": max(sizes),
        "shared_bytes": shared,
        "printed_pdf_bytes_median": int(statistics.median(printed)),
        "read_back_exact": exact,
        "baseline_bytes_median": int(statistics.median(before)),
        "before_compact_archive_bytes_median": int(statistics.median(head)),
        "ratio_baseline_over_new": round(statistics.median(before) / per_receipt, 2),
        "target_bytes": TARGET_BYTES,
        "target_met": per_receipt <= TARGET_BYTES
        and max(sizes) <= TARGET_BYTES
        and exact == args.count,
        "pixels_equal_at_100dpi": same,
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
