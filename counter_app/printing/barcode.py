"""Code 128 of the dossier code, drawn as vector bars.

python-barcode computes the module pattern (it picks code sets B/C to keep the symbol short);
the bars are filled rectangles, one per run of dark modules, so the symbol is sharp at any
printer resolution. Guarantees: module width ≥ :data:`MIN_MODULE_MM` (0.33 mm, two pixels of a
150 dpi scan), quiet zones of :data:`QUIET_MODULES` modules on both sides, and the symbol
decodes to exactly the given text.
"""

from __future__ import annotations

import functools

from barcode.codex import Code128
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

MIN_MODULE_MM = 0.33
QUIET_MODULES = 10


@functools.lru_cache(maxsize=64)
def code128_modules(text: str) -> str:
    """The symbol's modules as a string of ``1`` (bar) and ``0`` (space), without quiet zones."""
    return str(Code128(text).build()[0])


def bar_runs(modules: str) -> list[tuple[int, int]]:
    """(start, width) of every run of dark modules."""
    runs: list[tuple[int, int]] = []
    start = -1
    for index, module in enumerate(modules + "0"):
        if module == "1" and start < 0:
            start = index
        elif module != "1" and start >= 0:
            runs.append((start, index - start))
            start = -1
    return runs


class Code128Bars(Flowable):  # type: ignore[misc]
    """A Code 128 symbol with its quiet zones; ``vertical`` turns it 90° (bars horizontal)."""

    def __init__(
        self, text: str, *, module_mm: float = MIN_MODULE_MM, height_mm: float, vertical: bool
    ) -> None:
        super().__init__()
        self.text = text
        self.module = max(module_mm, MIN_MODULE_MM) * mm
        self.bar_height = height_mm * mm
        self.vertical = vertical
        self.modules = code128_modules(text)
        self.length = (len(self.modules) + 2 * QUIET_MODULES) * self.module

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if self.vertical:
            return self.bar_height, self.length
        return self.length, self.bar_height

    def draw(self) -> None:
        draw_code128(
            self.canv,
            modules=self.modules,
            module=self.module,
            height=self.bar_height,
            vertical=self.vertical,
        )


def draw_code128(
    canvas: Canvas, *, modules: str, module: float, height: float, vertical: bool
) -> None:
    """Draw the bars at the current origin (lower-left corner of the quiet zone)."""
    path = canvas.beginPath()
    offset = QUIET_MODULES * module
    total = (len(modules) + 2 * QUIET_MODULES) * module
    for start, width in bar_runs(modules):
        position = offset + start * module
        if vertical:  # the symbol reads top to bottom, bars run across the roll
            path.rect(0, total - position - width * module, height, width * module)
        else:
            path.rect(position, 0, width * module, height)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
