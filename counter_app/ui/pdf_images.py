"""PDF pages as QImages (pypdfium2), for previews and for painting on a QPrinter."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtGui import QImage

from counter_app.domain.errors import DomainError, ErrorCode

POINTS_PER_INCH = 72


def page_images(pdf: bytes | Path, *, dpi: int) -> list[tuple[QImage, float, float]]:
    """Every page rendered at ``dpi`` on white: ``(image, width_pt, height_pt)``.

    Safe on a worker thread (QImage is not a widget); never modifies the file. A file that is
    not a readable PDF raises ``PRINTER_FAILED``.
    """
    source = str(pdf) if isinstance(pdf, Path) else pdf
    try:
        document = pdfium.PdfDocument(source)
    except (pdfium.PdfiumError, OSError) as exc:
        raise DomainError(ErrorCode.PRINTER_FAILED, detail=str(exc)) from None
    pages: list[tuple[QImage, float, float]] = []
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            bitmap = page.render(scale=dpi / POINTS_PER_INCH, rev_byteorder=True)
            image = QImage(
                bitmap.buffer,
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_RGB888
                if bitmap.n_channels == 3
                else QImage.Format.Format_RGBA8888,
            ).copy()
            image.setDotsPerMeterX(round(dpi / 0.0254))
            image.setDotsPerMeterY(round(dpi / 0.0254))
            pages.append((image, width, height))
            bitmap.close()
            page.close()
    finally:
        document.close()
    return pages
