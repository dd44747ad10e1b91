"""Pages joined into one PDF, and previews of pages.

Guarantees of :func:`compose_pdf`:

* one PDF page per :class:`~counter_app.imaging.pages.Page`, in the given order, each turned
  by its ``rotation``;
* raster pages at (at most) 200 dpi: a finer scan is scaled down, a page of unknown
  resolution is taken as A4-sized (its long side 297 mm) and scaled down past 200 dpi;
* a colour image whose pixels are all (nearly) grey is stored in grey-scale; grey pages have
  their paper background whitened (scanner noise and paper tint cost bytes and add nothing),
  then are JPEG-compressed (:data:`GREY_QUALITY`; kept lossless with Flate instead when that
  is smaller, as for a clean born-digital page): a filled-in A4 form (15 lines of text)
  at 200 dpi comes to about 105 KB, a page dense with text from top to bottom to about
  250 KB (see ``bench/bench_digitise.py``); colour pages use :data:`COLOUR_QUALITY`;
* PDF pages are copied as they are (text stays text), with the rotation added;
* the output is deterministic for the same pages (no timestamps, fixed ids), and the JPEG
  bytes are embedded as they are (no second compression by the PDF writer).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence

import pypdf
import pypdfium2
from PIL import Image, ImageChops

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.imaging.pages import TARGET_DPI, Page, _rotate

GREY_QUALITY = 25
COLOUR_QUALITY = 40
WHITE_POINT = 215  # grey levels from here up become paper white
A4_LONG_INCH = 297 / 25.4
COLOUR_CHROMA = 24  # |Cb-128| or |Cr-128| above this is a coloured pixel
COLOUR_SHARE = 0.002  # more than 0.2 % coloured pixels (a stamp, a photo) keeps the colour
_WHITEN = [min(255, round(v * 255 / WHITE_POINT)) for v in range(256)]


def is_colour(image: Image.Image) -> bool:
    """True when a meaningful share of the image's pixels is coloured (not grey)."""
    if image.mode != "RGB":
        return False
    small = image.copy()
    small.thumbnail((400, 400))
    _, cb, cr = small.convert("YCbCr").split()
    chroma = ImageChops.lighter(
        ImageChops.difference(cb, Image.new("L", cb.size, 128)),
        ImageChops.difference(cr, Image.new("L", cr.size, 128)),
    )
    histogram = chroma.histogram()
    coloured = sum(histogram[COLOUR_CHROMA + 1 :])
    return coloured > COLOUR_SHARE * small.width * small.height


def prepared_image(page: Page) -> tuple[Image.Image, float]:
    """The page's image as it goes into the PDF (upright, ≤ 200 dpi, grey when grey) and its
    resolution in dpi."""
    image = page.upright_image()
    dpi = page.dpi
    if dpi <= 0:
        dpi = max(image.width, image.height) / A4_LONG_INCH
    if dpi > TARGET_DPI * 1.02:
        factor = TARGET_DPI / dpi
        size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
        dpi = TARGET_DPI
    if image.mode == "RGB" and not is_colour(image):
        image = image.convert("L")
    if image.mode == "L":
        image = image.point(_WHITEN)
    return image, dpi


def encode_jpeg(image: Image.Image) -> bytes:
    """The image as a baseline JPEG (grey or colour quality); optimised Huffman tables."""
    buffer = io.BytesIO()
    quality = GREY_QUALITY if image.mode == "L" else COLOUR_QUALITY
    image.save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def encode_image(image: Image.Image) -> tuple[bytes, bytes]:
    """(PDF filter, data) of the image: the JPEG, or — when smaller, as for a clean page
    born digital with large flat areas — the lossless Flate-compressed pixels."""
    jpeg = encode_jpeg(image)
    flate = zlib.compress(image.tobytes(), 1)
    return (b"/FlateDecode", flate) if len(flate) < len(jpeg) else (b"/DCTDecode", jpeg)


def _image_pages_pdf(pages: Sequence[Page]) -> bytes:
    """A PDF of raster pages, written directly: each page one JPEG image XObject embedded as
    it is (DCTDecode, no ASCII85), sized by its resolution."""
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: page tree (filled at the end)
    kids = []
    for page in pages:
        image, dpi = prepared_image(page)
        kind, data = encode_image(image)
        width, height = image.width * 72 / dpi, image.height * 72 / dpi
        space = b"/DeviceGray" if image.mode == "L" else b"/DeviceRGB"
        image_id, content_id, page_id = len(objects) + 1, len(objects) + 2, len(objects) + 3
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s"
            b" /BitsPerComponent 8 /Filter %s /Length %d >>\nstream\n%s\nendstream"
            % (image.width, image.height, space, kind, len(data), data)
        )
        draw = b"q %.4f 0 0 %.4f 0 0 cm /Im0 Do Q" % (width, height)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(draw), draw))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.4f %.4f]"
            b" /Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>"
            % (width, height, image_id, content_id)
        )
        kids.append(b"%d 0 R" % page_id)
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def compose_pdf(pages: Sequence[Page]) -> bytes:
    """One PDF of ``pages`` (see the module docstring). Raises SCAN_NO_PAGES when empty."""
    if not pages:
        raise DomainError(ErrorCode.SCAN_NO_PAGES)
    images = [p for p in pages if not p.is_pdf]
    rendered = _image_pages_pdf(images) if images else b""
    if len(images) == len(pages):
        return rendered
    writer = pypdf.PdfWriter()
    image_reader = pypdf.PdfReader(io.BytesIO(rendered)) if images else None
    readers: dict[int, pypdf.PdfReader] = {}
    next_image = 0
    for page in pages:
        if page.pdf is None:
            assert image_reader is not None
            writer.add_page(image_reader.pages[next_image])
            next_image += 1
            continue
        reader = readers.get(id(page.pdf))
        if reader is None:
            reader = readers[id(page.pdf)] = pypdf.PdfReader(io.BytesIO(page.pdf), strict=False)
            if reader.is_encrypted:
                reader.decrypt("")
        added = writer.add_page(reader.pages[page.pdf_index])
        if page.rotation:
            added.rotate(page.rotation)
    writer.add_metadata({"/Producer": "counter_app"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def render_page(page: Page, *, max_px: int) -> Image.Image:
    """The upright page as an image whose longer side is at most ``max_px`` pixels."""
    if page.pdf is None:
        image = page.upright_image().copy()
        image.thumbnail((max_px, max_px))
        return image
    document = pypdfium2.PdfDocument(page.pdf)
    try:
        pdf_page = document[page.pdf_index]
        width, height = pdf_page.get_size()
        if pdf_page.get_rotation() % 180:
            width, height = height, width
        scale = max_px / max(width, height, 1.0)
        image = pdf_page.render(scale=scale).to_pil()
    finally:
        document.close()
    return _rotate(image, page.rotation)


def thumbnail(page: Page, max_px: int = 256) -> bytes:
    """A PNG preview of the upright page (longer side ``max_px``), for the scan list."""
    buffer = io.BytesIO()
    render_page(page, max_px=max_px).save(buffer, "PNG")
    return buffer.getvalue()


def pdf_page_count(data: bytes) -> int:
    """The number of pages of a PDF; SIGNED_PDF_INVALID when ``data`` is no readable PDF."""
    try:
        return len(pypdf.PdfReader(io.BytesIO(data), strict=False).pages)
    except Exception:
        raise DomainError(ErrorCode.SIGNED_PDF_INVALID) from None
