"""Import and compress a 10-page scan into one PDF (issue 6; target ≤ 2 s).

Run: ``python bench/bench_digitise.py [--runs 5]``. Makes 10 synthetic grey-scale A4 pages at
200 dpi as a scanner delivers them (Vietnamese text in Liberation Serif 14 pt at 1.3 line
spacing, a slightly grey paper with sensor noise, a light blur), each a PNG file, then times
the whole digitisation path of ``services.digitisation.ScanDraft``: ``add_file`` of the 10
files (decode) and ``to_pdf`` (grey detection, background whitening, JPEG, PDF). The baseline
measured in the same run is Pillow saving the same 10 images as PNG. Prints one JSON object:
median seconds of both, their ratio, bytes per page of the PDF (and of the PNG baseline),
and whether the 2 s target is met. Takes under a minute.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pypdf
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from counter_app.services.digitisation import ScanDraft

ROOT = Path(__file__).resolve().parents[1]
FONT = ROOT / "resources" / "fonts" / "LiberationSerif-Regular.ttf"
PAGES = 10
A4_200DPI = (1654, 2339)
TARGET_S = 2.0
WORDS = [
    "Cộng",
    "hòa",
    "xã",
    "hội",
    "chủ",
    "nghĩa",
    "Việt",
    "Nam",
    "độc",
    "lập",
    "tự",
    "do",
    "hạnh",
    "phúc",
    "tờ",
    "khai",
    "đăng",
    "ký",
    "khai",
    "sinh",
    "họ",
    "chữ",
    "đệm",
    "tên",
    "ngày",
    "tháng",
    "năm",
    "sinh",
    "nơi",
    "cư",
    "trú",
    "giấy",
    "tờ",
    "tùy",
    "thân",
    "người",
    "yêu",
    "cầu",
    "quan",
    "hệ",
    "với",
    "người",
    "được",
    "khai",
    "sinh",
    "đề",
    "nghị",
    "cơ",
    "quan",
    "đăng",
    "ký",
    "cam",
    "đoan",
    "nội",
    "dung",
    "đúng",
    "sự",
    "thật",
]


FORM_LINES = 15  # a typical filled-in form (tờ khai): a third of the page is text


def scanned_page(seed: int, lines: int | None = None) -> Image.Image:
    """A grey A4 page at 200 dpi: 14 pt text, 1.3 spacing, 20/30/15 mm margins, noise.

    ``lines``: stop after that many lines of text (a filled-in form is about 15; the default
    fills the whole page, the worst case)."""
    rnd = random.Random(seed)
    font = ImageFont.truetype(str(FONT), 39)  # 14 pt at 200 dpi
    image = Image.new("L", A4_200DPI, 236)
    draw = ImageDraw.Draw(image)
    y = 157  # 20 mm
    while y < A4_200DPI[1] - 200 and (lines is None or lines > 0):
        if lines is not None:
            lines -= 1
        line, x = [], 0
        while True:
            word = rnd.choice(WORDS)
            x += int(draw.textlength(word + " ", font=font))
            if x > 1299:  # 165 mm of text width
                break
            line.append(word)
        draw.text((236, y), " ".join(line), fill=rnd.randint(20, 40), font=font)
        y += 51  # 1.3 × 39 px
    noise = Image.effect_noise(A4_200DPI, 10)
    noisy = ImageChops.add(image, noise, 1.0, -128)
    return noisy.filter(ImageFilter.GaussianBlur(0.7))


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(200, 200))
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (tests)")
    args = parser.parse_args()
    if args.smoke:  # run by tests/bench/test_bench_smoke.py
        args.runs = 1
    global PAGES
    if args.smoke:
        PAGES = 2
    print("making pages…", file=sys.stderr)
    images = [scanned_page(seed) for seed in range(PAGES)]
    files = [_png(image) for image in images]

    def digitise() -> bytes:
        draft = ScanDraft()
        for number, data in enumerate(files, 1):
            draft.add_file(data, f"scan-{number:02d}.png")
        return draft.to_pdf()

    def baseline() -> int:
        return sum(len(_png(image)) for image in images)

    digitise()  # warm-up (imports, font caches)
    times, base_times = [], []
    pdf, png_bytes = b"", 0
    for _ in range(args.runs):
        started = time.perf_counter()
        pdf = digitise()
        times.append(time.perf_counter() - started)
        started = time.perf_counter()
        png_bytes = baseline()
        base_times.append(time.perf_counter() - started)
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    form = ScanDraft()
    for seed in range(PAGES):
        form.add_file(_png(scanned_page(seed, lines=FORM_LINES)), f"form-{seed:02d}.png")
    form_pdf = form.to_pdf()
    median, base = statistics.median(times), statistics.median(base_times)
    result = {
        "benchmark": "digitise_10_page_scan",
        "pages": pages,
        "runs": args.runs,
        "median_s": round(median, 3),
        "baseline_png_save_median_s": round(base, 3),
        "ratio_to_baseline": round(median / base, 2),
        "pdf_bytes": len(pdf),
        "pdf_bytes_per_page": len(pdf) // pages,
        "form_page_lines": FORM_LINES,
        "form_pdf_bytes_per_page": len(form_pdf) // PAGES,
        "input_png_bytes_per_page": sum(len(f) for f in files) // PAGES,
        "baseline_png_bytes_per_page": png_bytes // PAGES,
        "target_s": TARGET_S,
        "target_met": median <= TARGET_S,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
