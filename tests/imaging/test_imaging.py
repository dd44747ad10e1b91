"""Files of every accepted type become pages, and pages one PDF (read back with pypdf and
pdftoppm)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.imaging import compose_pdf, from_image, load_pages, thumbnail
from counter_app.imaging.compose import encode_image, encode_jpeg, is_colour, prepared_image
from tests.imaging.helpers import (
    encode,
    jpeg_with_orientation,
    multipage_tiff,
    reportlab_pdf,
    text_page,
)


def _reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def test_every_accepted_type_joins_into_one_pdf_with_the_right_page_count() -> None:
    pages = (
        load_pages(encode(text_page(), "PNG"), "trang.png")
        + load_pages(encode(text_page(), "JPEG"), "trang.jpg")
        + load_pages(multipage_tiff(3), "ba-trang.tif")
        + load_pages(jpeg_with_orientation(6), "xoay.jpg")
        + load_pages(reportlab_pdf(2), "hai-trang.pdf")
    )
    assert len(pages) == 1 + 1 + 3 + 1 + 2
    pdf = compose_pdf(pages)
    reader = _reader(pdf)
    assert len(reader.pages) == 8
    assert "Page 2" in reader.pages[7].extract_text()  # PDF pages stay text


def test_exif_orientation_stands_the_photo_upright() -> None:
    (page,) = load_pages(jpeg_with_orientation(6), "photo.jpg")
    assert page.image is not None
    assert page.image.size == (200, 300)  # stored 300×200, orientation 6 = turn 90° clockwise
    # the dark band that was on the left of the stored image is now at the top
    assert page.image.convert("L").getpixel((100, 10)) < 60
    assert page.image.convert("L").getpixel((100, 290)) > 200


def test_multipage_tiff_keeps_every_frame_and_its_resolution() -> None:
    pages = load_pages(multipage_tiff(4), "scan.tiff")
    assert len(pages) == 4 and all(p.dpi == 300 for p in pages)
    reader = _reader(compose_pdf(pages))
    assert len(reader.pages) == 4
    # 300 px at 300 dpi, scaled to 200 dpi: 1 inch wide = 72 pt
    assert float(reader.pages[0].mediabox.width) == pytest.approx(72, abs=0.5)


def test_rotation_turns_the_composed_page() -> None:
    (page,) = load_pages(encode(text_page((400, 560)), "PNG", dpi=(200, 200)), "a.png")
    upright, turned = _reader(compose_pdf([page, page.rotated(90)])).pages
    size = (float(upright.mediabox.width), float(upright.mediabox.height))
    assert size == pytest.approx((144.0, 201.6), abs=0.01)  # 400×560 px at 200 dpi
    size = (float(turned.mediabox.width), float(turned.mediabox.height))
    assert size == pytest.approx((201.6, 144.0), abs=0.01)
    (pdf_page,) = load_pages(reportlab_pdf(1), "x.pdf")
    assert _reader(compose_pdf([pdf_page.rotated(-90)])).pages[0].rotation == 270
    with pytest.raises(DomainError) as caught:
        page.rotated(45)
    assert caught.value.code is ErrorCode.SCAN_ROTATION_INVALID


def test_grey_pages_are_stored_grey_and_colour_pages_in_colour(tmp_path: Path) -> None:
    grey = from_image(text_page())
    colour = from_image(text_page(colour=True))
    assert not is_colour(grey.upright_image()) and is_colour(colour.upright_image())
    assert prepared_image(grey)[0].mode == "L"
    assert prepared_image(colour)[0].mode == "RGB"
    pdf = compose_pdf([grey, colour])
    images = [p.images[0].image for p in _reader(pdf).pages]
    assert [i.mode for i in images] == ["L", "RGB"]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_the_composed_pdf_renders_with_poppler(tmp_path: Path) -> None:
    pdf = compose_pdf(load_pages(multipage_tiff(2), "a.tif"))
    (tmp_path / "out.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "50", "-gray", str(tmp_path / "out.pdf"), str(tmp_path / "p")],
        check=True,
    )
    rendered = sorted(tmp_path.glob("p-*.pgm"))
    assert len(rendered) == 2
    with Image.open(rendered[0]) as image:
        low, high = image.getextrema()
        assert low < 80 and high > 240  # text on white paper


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"just some notes\n", "ghi-chu.txt", ErrorCode.SCAN_FILE_TYPE_UNSUPPORTED),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "hong.jpg", ErrorCode.SCAN_FILE_UNREADABLE),
        (b"random bytes, not an image", "scan.png", ErrorCode.SCAN_FILE_UNREADABLE),
        (b"%PDF-1.7\n garbage", "hong.pdf", ErrorCode.SCAN_FILE_UNREADABLE),
        (b"", "trong.tif", ErrorCode.SCAN_FILE_UNREADABLE),
    ],
)
def test_bad_files_are_refused_with_a_code(data: bytes, name: str, code: ErrorCode) -> None:
    with pytest.raises(DomainError) as caught:
        load_pages(data, name)
    assert caught.value.code is code
    assert caught.value.params["filename"] == name


def test_a_truncated_jpeg_fails_at_load_not_later() -> None:
    whole = encode(text_page(), "JPEG")
    with pytest.raises(DomainError) as caught:
        load_pages(whole[: len(whole) // 2], "nua.jpg")
    assert caught.value.code is ErrorCode.SCAN_FILE_UNREADABLE


def test_nothing_to_compose_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        compose_pdf([])
    assert caught.value.code is ErrorCode.SCAN_NO_PAGES


def test_thumbnails_are_small_upright_pngs() -> None:
    (image_page,) = load_pages(jpeg_with_orientation(6), "p.jpg")
    (pdf_page,) = load_pages(reportlab_pdf(1), "p.pdf")
    for page, size in ((image_page, (85, 128)), (pdf_page.rotated(90), (128, 91))):
        with Image.open(io.BytesIO(thumbnail(page, 128))) as preview:
            assert preview.format == "PNG"
            assert preview.size == pytest.approx(size, abs=1)


def test_a_fine_grey_scan_is_reduced_to_200_dpi_and_embedded_without_overhead() -> None:
    page = text_page((2480, 3508)).convert("L")  # A4 at 300 dpi
    (loaded,) = load_pages(encode(page, "PNG", dpi=(300, 300)), "a4.png")
    image, dpi = prepared_image(loaded)
    assert dpi == 200 and image.size == (1653, 2339)
    kind, data = encode_image(image)
    pdf = compose_pdf([loaded])
    assert data in pdf  # embedded as it is: no second encoding, no ASCII85
    assert len(pdf) - len(data) < 1_000
    # a clean synthetic page: lossless Flate beats JPEG, and is what is kept
    assert kind == b"/FlateDecode" and len(data) < len(encode_jpeg(image)) / 5
    assert _reader(pdf).pages[0].images[0].image.tobytes() == image.tobytes()
