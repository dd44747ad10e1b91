"""Scans through a real SANE backend: the ``test`` device of sane-backends."""

from __future__ import annotations

import pytest
from PIL import Image

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.scanning import ScannerInfo, list_scanners, open_scanner

# The test device's default scan area is 80 mm x 100 mm.
WIDTH_MM, HEIGHT_MM = 80, 100


def _pixels(mm: float, dpi: int) -> int:
    return int(mm / 25.4 * dpi)


def test_list_scanners_includes_the_test_device() -> None:
    scanners = list_scanners()
    ids = [info.id for info in scanners]
    assert "test:0" in ids
    assert all(isinstance(info, ScannerInfo) and info.label for info in scanners)


def test_flatbed_scan_gives_one_grey_page_at_the_requested_dpi() -> None:
    pages = open_scanner("test:0").scan(dpi=200, colour=False, feeder=False)
    assert len(pages) == 1
    page = pages[0]
    assert isinstance(page, Image.Image)
    assert page.mode == "L"
    assert page.size == (_pixels(WIDTH_MM, 200), _pixels(HEIGHT_MM, 200)) == (629, 787)
    assert page.info["dpi"] == (200, 200)
    # The default test picture is solid black: the pixels really came from the backend.
    assert page.getextrema() == (0, 0)


def test_colour_scan_at_another_dpi_changes_mode_and_size() -> None:
    (page,) = open_scanner("test:1").scan(dpi=100, colour=True, feeder=False)
    assert page.mode == "RGB"
    assert page.size == (_pixels(WIDTH_MM, 100), _pixels(HEIGHT_MM, 100))
    assert page.info["dpi"] == (100, 100)


def test_feeder_scans_until_empty_or_the_page_limit() -> None:
    scanner = open_scanner("test:0")
    # The test backend's feeder "holds" 10 sheets and is refilled when the device reopens.
    assert len(scanner.scan(dpi=50, feeder=True)) == 10
    assert len(scanner.scan(dpi=50, feeder=True, max_pages=3)) == 3


def test_unknown_scanner_is_a_domain_error() -> None:
    with pytest.raises(DomainError) as caught:
        open_scanner("test:9")
    assert caught.value.code is ErrorCode.SCANNER_NOT_FOUND
