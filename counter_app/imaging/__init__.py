"""Scans and files turned into pages, and pages into one PDF per document component.

No Qt and no SQL here (import-linter): Pillow decodes and compresses images, pypdf keeps the
pages of PDF files, pypdfium2 rasterises a PDF page for a preview or recompression. Bad input
raises :class:`~counter_app.domain.errors.DomainError` with a SCAN_* code.
"""

from __future__ import annotations

from counter_app.imaging.compose import compose_pdf, pdf_page_count, thumbnail
from counter_app.imaging.pages import (
    MAX_FILE_BYTES,
    SUPPORTED_SUFFIXES,
    Page,
    from_image,
    load_pages,
)

__all__ = [
    "MAX_FILE_BYTES",
    "SUPPORTED_SUFFIXES",
    "Page",
    "compose_pdf",
    "from_image",
    "load_pages",
    "pdf_page_count",
    "thumbnail",
]
