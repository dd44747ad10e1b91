"""The QR code of the lookup URL, drawn as vector squares.

segno computes the matrix (error correction level M, smallest version that fits); each run of
dark modules in a row becomes one filled rectangle, so the PDF stays small and sharp and the
drawing costs well under a millisecond. Guarantees: a quiet zone of :data:`QUIET_MODULES`
modules on each side, module size ≥ :data:`MIN_MODULE_MM`, and the symbol decodes to exactly
the given text.
"""

from __future__ import annotations

import functools
from urllib.parse import quote

import segno
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

MIN_MODULE_MM = 0.5
QUIET_MODULES = 4


def lookup_url(*, base: str, code: str, key: str) -> str:
    """``<base>?code=<code>&key=<key>`` (``&`` if the base already has a query)."""
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}code={quote(code, safe='.-')}&key={quote(key, safe='')}"


@functools.lru_cache(maxsize=64)
def qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """The QR matrix of ``text``, without quiet zone: rows of dark (True) / light modules."""
    symbol = segno.make_qr(text, error="m", boost_error=False)
    return tuple(tuple(bool(m) for m in row) for row in symbol.matrix)


class QrSquares(Flowable):  # type: ignore[misc]
    """A QR symbol ``size_mm`` wide including its quiet zone."""

    def __init__(self, text: str, *, size_mm: float) -> None:
        super().__init__()
        self.text = text
        self.matrix = qr_matrix(text)
        count = len(self.matrix) + 2 * QUIET_MODULES
        self.module = max(size_mm * mm / count, MIN_MODULE_MM * mm)
        self.size = self.module * count

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        canvas = self.canv
        path = canvas.beginPath()
        rows = len(self.matrix)
        for row_index, row in enumerate(self.matrix):
            y = (QUIET_MODULES + rows - 1 - row_index) * self.module
            for start, width in _runs(row):
                x = (QUIET_MODULES + start) * self.module
                path.rect(x, y, width * self.module, self.module)
        canvas.saveState()
        canvas.setFillColorRGB(0, 0, 0)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()


def _runs(row: tuple[bool, ...]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start = -1
    for index, dark in enumerate((*row, False)):
        if dark and start < 0:
            start = index
        elif not dark and start >= 0:
            runs.append((start, index - start))
            start = -1
    return runs
