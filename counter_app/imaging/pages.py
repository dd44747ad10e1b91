"""Pages read from files (PDF, JPEG, PNG, TIFF) or from a scanner, with their rotation.

Guarantees of :func:`load_pages`:

* the file type is decided by its first bytes, not by its name; a file that is none of the
  four types raises SCAN_FILE_TYPE_UNSUPPORTED, a file that claims to be one of them (by its
  bytes or its suffix) but cannot be decoded raises SCAN_FILE_UNREADABLE — in both cases no
  page is returned, so a caller's page list is unchanged;
* images are decoded completely at load time (a truncated JPEG fails here, not later), EXIF
  orientation is applied (a phone photo taken sideways stands upright), every frame of a
  multi-page TIFF is a page, and pages come out in grey-scale (``L``) or colour (``RGB``)
  with transparency flattened onto white;
* PDF pages are kept as PDF (text and vector drawings stay sharp and small) unless the file
  is heavy for its page count (a scanner's uncompressed output), in which case its pages are
  rasterised at 200 dpi and recompressed by :func:`~counter_app.imaging.compose.compose_pdf`.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field, replace
from pathlib import PurePath

import pypdf
import pypdfium2
from PIL import Image, ImageOps, ImageSequence

from counter_app.domain.errors import DomainError, ErrorCode

TARGET_DPI = 200
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_PIXELS = 60_000_000  # per page: an A0 scan at 300 dpi, far above any office paper
HEAVY_PDF_PAGE_BYTES = 400 * 1024  # a PDF heavier than this per page is recompressed
SUPPORTED_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".jpe", ".png", ".tif", ".tiff")

_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"II+\x00", "tiff"),  # BigTIFF
    (b"MM\x00+", "tiff"),
)


@dataclass(frozen=True, eq=False)
class Page:
    """One page of a scan draft: a raster image, or page ``pdf_index`` of the PDF ``pdf``.

    ``rotation`` is clockwise, in degrees (0, 90, 180 or 270), applied when the page is
    composed or previewed; the image itself is never modified. ``dpi`` is the image's
    resolution when known (0 = unknown: the page is then taken as A4-sized at most).
    """

    image: Image.Image | None = None
    pdf: bytes | None = None
    pdf_index: int = 0
    rotation: int = 0
    dpi: float = 0.0
    source: str = ""
    _key: object = field(default_factory=object, repr=False)

    @property
    def is_pdf(self) -> bool:
        return self.pdf is not None

    def rotated(self, degrees: int) -> Page:
        """This page turned by ``degrees`` more (clockwise; negative turns back)."""
        if degrees % 90:
            raise DomainError(ErrorCode.SCAN_ROTATION_INVALID, degrees=degrees)
        return replace(self, rotation=(self.rotation + degrees) % 360)

    def upright_image(self) -> Image.Image:
        """The raster image with the rotation applied (only for image pages)."""
        if self.image is None:
            raise ValueError("a PDF page has no image; render it with compose.render_page")
        return _rotate(self.image, self.rotation)


def _rotate(image: Image.Image, rotation: int) -> Image.Image:
    steps = {
        0: None,
        90: Image.Transpose.ROTATE_270,  # PIL rotates counter-clockwise
        180: Image.Transpose.ROTATE_180,
        270: Image.Transpose.ROTATE_90,
    }
    step = steps[rotation % 360]
    return image if step is None else image.transpose(step)


def detect_type(data: bytes) -> str | None:
    """``pdf``, ``jpeg``, ``png`` or ``tiff`` from the file's first bytes, else None."""
    head = data[:1024]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if b"%PDF-" in head:  # PDF allows junk before the header
        return "pdf"
    return None


def _normalise(image: Image.Image) -> Image.Image:
    """Grey-scale (``L``) or colour (``RGB``); transparency flattened onto white."""
    if image.mode in ("L", "RGB"):
        return image
    if image.mode == "1":
        return image.convert("L")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return image.point(lambda v: v / 256).convert("L")
    if image.mode in ("LA", "PA", "RGBA", "P") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat = Image.alpha_composite(white, rgba).convert("RGB")
        return flat.convert("L") if image.mode in ("LA",) else flat
    return image.convert("RGB")  # CMYK, YCbCr, LAB, F…


def _too_large(filename: str) -> DomainError:
    return DomainError(
        ErrorCode.SCAN_FILE_TOO_LARGE,
        filename=filename,
        limit_mb=MAX_FILE_BYTES // (1024 * 1024),
        limit_mp=MAX_PIXELS // 1_000_000,
    )


def from_image(image: Image.Image, *, dpi: float = 0.0, source: str = "") -> Page:
    """A page from an image already in memory (a scanner driver's result): copied, upright
    by its EXIF orientation, normalised to ``L`` or ``RGB``."""
    if image.width * image.height > MAX_PIXELS:
        raise _too_large(source)
    upright = ImageOps.exif_transpose(image) or image
    page_image = _normalise(upright)
    if page_image is image:
        page_image = image.copy()
    return Page(image=page_image, dpi=dpi, source=source)


def _image_dpi(image: Image.Image) -> float:
    raw = image.info.get("dpi")
    try:
        value = float(raw[0]) if raw else 0.0
    except (TypeError, ValueError, IndexError):
        return 0.0
    return value if 50 <= value <= 2400 else 0.0  # 72 or 1 is "unknown" in practice


def _load_images(data: bytes, name: str) -> list[Page]:
    pages = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as image:
            for frame in ImageSequence.Iterator(image):
                if frame.width * frame.height > MAX_PIXELS:
                    raise Image.DecompressionBombError(name)
                frame.load()
                page = from_image(frame, dpi=_image_dpi(frame), source=name)
                pages.append(page)
    return pages


def _load_pdf(data: bytes, name: str) -> list[Page]:
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
        raise DomainError(ErrorCode.SCAN_PDF_ENCRYPTED, filename=name)
    count = len(reader.pages)
    for page in reader.pages:  # parse every page now: a broken one fails here
        _ = page.mediabox
        page.get_contents()
    if count and len(data) / count > HEAVY_PDF_PAGE_BYTES and not reader.is_encrypted:
        return _rasterise_pdf(data, name)
    return [Page(pdf=data, pdf_index=i, source=name) for i in range(count)]


def _rasterise_pdf(data: bytes, name: str) -> list[Page]:
    document = pypdfium2.PdfDocument(data)
    try:
        pages = []
        for index in range(len(document)):
            bitmap = document[index].render(scale=TARGET_DPI / 72, grayscale=False)
            pages.append(Page(image=bitmap.to_pil().convert("RGB"), dpi=TARGET_DPI, source=name))
        return pages
    finally:
        document.close()


def load_pages(data: bytes, filename: str) -> list[Page]:
    """The pages of one file, in file order (see the module docstring for the guarantees)."""
    name = PurePath(filename).name or filename
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(name)
    kind = detect_type(data)
    if kind is None:
        code = (
            ErrorCode.SCAN_FILE_UNREADABLE
            if PurePath(name).suffix.lower() in SUPPORTED_SUFFIXES
            else ErrorCode.SCAN_FILE_TYPE_UNSUPPORTED
        )
        raise DomainError(code, filename=name)
    try:
        pages = _load_pdf(data, name) if kind == "pdf" else _load_images(data, name)
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_large(name) from None
    except Exception:  # any decoder failure (OSError, SyntaxError, pypdf errors…)
        raise DomainError(ErrorCode.SCAN_FILE_UNREADABLE, filename=name) from None
    if not pages:
        raise DomainError(ErrorCode.SCAN_FILE_UNREADABLE, filename=name)
    return pages
