"""Document scanners behind one small interface (issue 6).

Public API (everything else in this package is an implementation detail)::

    list_scanners() -> list[ScannerInfo]          # the scanners this computer sees now
    open_scanner(scanner_id: str) -> Scanner       # ScannerInfo.id, e.g. "test:0" or a WIA id
    Scanner.scan(*, dpi=200, colour=False, max_pages=None, feeder=None)
        -> list[PIL.Image.Image]                   # one image per page, in feeding order

``scan`` returns greyscale (``"L"``) or colour (``"RGB"``) 8-bit images whose
``info["dpi"]`` is the resolution the device really used. From a document feeder it scans
until the feeder is empty (or ``max_pages``); from a flatbed it scans one page. ``feeder``
chooses the source: ``True`` feeder, ``False`` flatbed, ``None`` the device's current source.
Failures raise ``DomainError`` (``SCANNER_NOT_FOUND``, ``SCANNER_FAILED``,
``SCANNER_FEEDER_EMPTY``, ``SCANNER_UNSUPPORTED``); pages are only returned all together.

Back ends, chosen by ``sys.platform``: SANE through python-sane on Linux and other Unixes
(:mod:`counter_app.scanning.sane_backend`; libsane is initialised once per process, so
``SANE_CONFIG_DIR`` must be set before the first call), and Windows Image Acquisition through
pywin32 on Windows (:mod:`counter_app.scanning.wia_backend`, not exercised by the test suite).
Scanning is slow: call it from a background worker, never on the GUI thread.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from counter_app.domain.errors import DomainError, ErrorCode

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["Scanner", "ScannerInfo", "list_scanners", "open_scanner"]


@dataclass(frozen=True, slots=True)
class ScannerInfo:
    """A scanner the officer can pick: a stable ``id`` for ``open_scanner`` and a label."""

    id: str
    label: str


class Scanner(Protocol):
    """One opened scanner; each ``scan`` call is a complete acquisition."""

    @property
    def info(self) -> ScannerInfo:
        """Which scanner this is."""
        ...

    def scan(
        self,
        *,
        dpi: int = 200,
        colour: bool = False,
        max_pages: int | None = None,
        feeder: bool | None = None,
    ) -> list[Image]:
        """Acquire pages; see the package docstring for the guarantees."""
        ...


def find_scanner(scanners: list[ScannerInfo], scanner_id: str) -> ScannerInfo:
    """The entry of ``scanner_id`` among ``scanners``; ``SCANNER_NOT_FOUND`` if absent."""
    for info in scanners:
        if info.id == scanner_id:
            return info
    raise DomainError(ErrorCode.SCANNER_NOT_FOUND, scanner=scanner_id)


def page_limit(max_pages: int | None, *, from_feeder: bool) -> int:
    """How many pages one ``scan`` may take: one from a flatbed, ``max_pages`` (or all)
    from a feeder."""
    if not from_feeder:
        return 1
    return max_pages if max_pages is not None else 10_000


def list_scanners() -> list[ScannerInfo]:
    """The scanners visible now (an empty list when there are none, never an error)."""
    if sys.platform == "win32":
        from counter_app.scanning import wia_backend

        return wia_backend.list_scanners()
    from counter_app.scanning import sane_backend

    try:
        return sane_backend.list_scanners()
    except ImportError:
        return []


def open_scanner(scanner_id: str) -> Scanner:
    """Open the scanner ``scanner_id`` (from :func:`list_scanners`).

    Raises ``DomainError(SCANNER_NOT_FOUND)`` when it is not connected any more, and
    ``DomainError(SCANNER_UNSUPPORTED)`` when this computer has no scanner interface.
    """
    if sys.platform == "win32":
        from counter_app.scanning import wia_backend

        return wia_backend.open_scanner(scanner_id)
    try:
        from counter_app.scanning import sane_backend
    except ImportError as exc:  # python-sane or libsane missing
        raise DomainError(ErrorCode.SCANNER_UNSUPPORTED) from exc
    return sane_backend.open_scanner(scanner_id)
