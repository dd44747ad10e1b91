"""Draws the application icon (a counter desk with the figure 1) as PNG and Windows ICO.

The files in ``installers/icons/`` are made by this script and committed; run it again after
changing the drawing: ``.venv/bin/python installers/make_icon.py``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ICONS = Path(__file__).resolve().parent / "icons"
FONT = Path(__file__).resolve().parents[1] / "resources" / "fonts" / "LiberationSans-Bold.ttf"
SIZE = 256
RED = (178, 34, 34, 255)
GOLD = (255, 205, 0, 255)
WHITE = (255, 255, 255, 255)


def draw(size: int = SIZE) -> Image.Image:
    """The icon at ``size`` pixels: a red rounded square, a gold desk, a white "1"."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    unit = size / 16
    pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=int(3 * unit), fill=RED)
    pen.rectangle((2 * unit, 11 * unit, 14 * unit, 12.5 * unit), fill=GOLD)
    pen.rectangle((3 * unit, 12.5 * unit, 4.5 * unit, 14.5 * unit), fill=GOLD)
    pen.rectangle((11.5 * unit, 12.5 * unit, 13 * unit, 14.5 * unit), fill=GOLD)
    font = ImageFont.truetype(str(FONT), int(9.5 * unit))
    pen.text((size / 2, 6 * unit), "1", font=font, fill=WHITE, anchor="mm")
    return image


def main() -> None:
    ICONS.mkdir(exist_ok=True)
    icon = draw()
    icon.save(ICONS / "quay-mot-cua.png", optimize=True)
    icon.save(ICONS / "quay-mot-cua.ico", sizes=[(16, 16), (32, 32), (48, 48), (256, 256)])


if __name__ == "__main__":
    main()
