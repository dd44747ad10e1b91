"""The bundled Liberation fonts, registered with reportlab once per process.

Guarantees: after :func:`register_fonts` the family names :data:`SERIF` and :data:`SANS` are
usable in canvases and paragraph styles (``<b>``/``<i>`` map to the right faces); the fonts
are embedded (subset, without hinting: font_subset.py) in every PDF, so a slip looks the
same on every station. Calling it again costs nothing.
"""

from __future__ import annotations

import functools
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from counter_app.printing.font_subset import compact

SERIF = "LiberationSerif"
SERIF_BOLD = "LiberationSerif-Bold"
SERIF_ITALIC = "LiberationSerif-Italic"
SERIF_BOLD_ITALIC = "LiberationSerif-BoldItalic"
SANS = "LiberationSans"
SANS_BOLD = "LiberationSans-Bold"

FONT_FILES = {
    SERIF: "LiberationSerif-Regular.ttf",
    SERIF_BOLD: "LiberationSerif-Bold.ttf",
    SERIF_ITALIC: "LiberationSerif-Italic.ttf",
    SERIF_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
    SANS: "LiberationSans-Regular.ttf",
    SANS_BOLD: "LiberationSans-Bold.ttf",
}


def fonts_dir() -> Path:
    """``<repository>/resources/fonts`` (beside the package, also inside a frozen bundle)."""
    return Path(__file__).resolve().parents[2] / "resources" / "fonts"


@functools.cache
def register_fonts() -> tuple[str, ...]:
    """Register every bundled face and the family mappings; returns the registered names."""
    folder = fonts_dir()
    rl_config.useA85 = 0  # streams stay binary (Flate): ASCII85 adds a quarter to each
    for name, file_name in FONT_FILES.items():
        pdfmetrics.registerFont(compact(TTFont(name, str(folder / file_name))))
    addMapping(SERIF, 0, 0, SERIF)
    addMapping(SERIF, 1, 0, SERIF_BOLD)
    addMapping(SERIF, 0, 1, SERIF_ITALIC)
    addMapping(SERIF, 1, 1, SERIF_BOLD_ITALIC)
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
    addMapping(SANS, 0, 1, SANS)
    addMapping(SANS, 1, 1, SANS_BOLD)
    return tuple(FONT_FILES)


def missing_glyphs(text: str, *, font: str = SERIF) -> set[str]:
    """The characters of ``text`` (other than spaces and line breaks) ``font`` cannot draw."""
    register_fonts()
    face = pdfmetrics.getFont(font).face
    mapping: dict[int, int] = face.charToGlyph
    return {ch for ch in text if ch not in " \n\t" and ord(ch) not in mapping}
