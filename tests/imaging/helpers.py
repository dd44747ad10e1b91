"""Test files made on the spot: images with Pillow, a PDF with reportlab."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from reportlab.pdfgen.canvas import Canvas


def text_page(size: tuple[int, int] = (400, 560), *, colour: bool = False) -> Image.Image:
    """A page with a few dark lines; a red stamp when ``colour``."""
    image = Image.new("RGB", size, (245, 245, 245))
    draw = ImageDraw.Draw(image)
    for y in range(40, size[1] - 40, 30):
        draw.rectangle((30, y, size[0] - 30, y + 8), fill=(20, 20, 20))
    if colour:
        draw.ellipse((size[0] - 150, size[1] - 150, size[0] - 30, size[1] - 30), fill=(200, 0, 0))
    return image


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def jpeg_with_orientation(orientation: int = 6) -> bytes:
    """A landscape-stored JPEG (wider than tall) whose EXIF says: turn it to stand upright."""
    stored = Image.new("RGB", (300, 200), "white")
    ImageDraw.Draw(stored).rectangle((0, 0, 60, 200), fill="black")  # dark band on the left
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(stored, "JPEG", exif=exif.tobytes(), quality=90)


def multipage_tiff(pages: int = 3) -> bytes:
    frames = [text_page((300, 420)).convert("L") for _ in range(pages)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:], dpi=(300, 300))
    return buffer.getvalue()


def reportlab_pdf(pages: int = 2) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, 842), invariant=1)
    for number in range(pages):
        canvas.drawString(72, 770, f"Page {number + 1}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
