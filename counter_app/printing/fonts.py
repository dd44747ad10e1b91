"""The bundled Liberation fonts, registered with reportlab once per process.

Guarantees: after :func:`register_fonts` the family names :data:`SERIF` and :data:`SANS` are
usable in canvases and paragraph styles (``<b>``/``<i>`` map to the right faces); the fonts
are embedded (subset, without hinting: font_subset.py) in every PDF, so a slip looks the
same on every station. Calling it again costs nothing.

Fixed subsets (issue 12, item 7): every document's first subset of each face is the same,
whatever the text: ASCII, the whole Vietnamese alphabet, the usual punctuation, then other
characters of the face in code-point order until the subset's 256 codes are full
(:data:`FIXED_CHARACTERS`, pre-assigned in that order before the document's own text). So
every slip embeds byte-identical font programs, character maps and widths, which the slip
archive stores once (printing/slip_archive.py); a character outside them (rare) goes to a
second, per-document subset. :func:`dynamic_subsets` turns this off (the bench's baseline).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


# The 134 letters of the Vietnamese alphabet with their tones (Latin-1 letters, the Latin
# Extended ones and the block U+1EA0-U+1EF9), as code points (no non-ASCII literal here).
_VIETNAMESE_UPPER_LATIN1 = (
    *range(0xC0, 0xC4), *range(0xC8, 0xCB), 0xCC, 0xCD, *range(0xD2, 0xD6), 0xD9, 0xDA, 0xDD,
)  # fmt: skip
VIETNAMESE_LETTERS = (
    *_VIETNAMESE_UPPER_LATIN1,
    *(c + 0x20 for c in _VIETNAMESE_UPPER_LATIN1),
    *(0x102, 0x103, 0x110, 0x111, 0x128, 0x129, 0x168, 0x169, 0x1A0, 0x1A1, 0x1AF, 0x1B0),
    *range(0x1EA0, 0x1EFA),
)
# Guillemets, ellipsis, curly quotes, dashes, middle dot, bullet, degree, times, numero...
PUNCTUATION = (0xAB, 0xBB, 0x2026, 0x201C, 0x201D, 0x2018, 0x2019, 0x2014, 0x2013, 0xB7,
               0x2022, 0xB0, 0xD7, 0x2116, 0xA7, 0xB1, 0x2264, 0x2265, 0x2192)  # fmt: skip
# What fills the rest of the first subset, in this order, where the face has it.
_FILLERS = (*range(0xA1, 0x100), *range(0x100, 0x250), *range(0x2000, 0x2070))
_SUBSET_CODES = 256
_fixed = True


def fixed_characters(face: Any) -> str:
    """The characters pre-assigned, in order, to the first subset of ``face`` (a reportlab
    ``TTFontFace``): Vietnamese letters and punctuation it has, then fillers until the 256
    codes are full (0 and the 96 ASCII codes 32-127 are reportlab's own)."""
    mapping = face.charToGlyph
    chosen = [c for c in (*VIETNAMESE_LETTERS, *PUNCTUATION) if c in mapping]
    room = _SUBSET_CODES - 1 - 96  # code 0 is .notdef, 32-127 are ASCII
    for code in _FILLERS:
        if len(chosen) >= room:
            break
        if code in mapping and code not in chosen and code != 0xA0:  # nbsp is drawn as space
            chosen.append(code)
    return "".join(map(chr, chosen[:room]))


class FixedSubsetFont(TTFont):  # type: ignore[misc]
    """A ``TTFont`` whose first subset in every document is :func:`fixed_characters`."""

    def splitString(self, text: str, doc: Any, encoding: str = "utf-8") -> Any:  # noqa: N802
        if _fixed and doc not in self.state:
            self.state[doc] = TTFont.State(self._asciiReadable, self)
            TTFont.splitString(self, self._fixed_text, doc, encoding)
        return TTFont.splitString(self, text, doc, encoding)

    @functools.cached_property
    def _fixed_text(self) -> str:
        return fixed_characters(self.face)


@contextlib.contextmanager
def dynamic_subsets() -> Iterator[None]:
    """Inside: documents started now get reportlab's own per-document subsets (what every
    slip had before issue 12 item 7; the slip archive bench's baseline)."""
    global _fixed
    saved, _fixed = _fixed, False
    try:
        yield
    finally:
        _fixed = saved


def fonts_dir() -> Path:
    """``<repository>/resources/fonts`` (beside the package, also inside a frozen bundle)."""
    return Path(__file__).resolve().parents[2] / "resources" / "fonts"


@functools.cache
def register_fonts() -> tuple[str, ...]:
    """Register every bundled face and the family mappings; returns the registered names."""
    folder = fonts_dir()
    rl_config.useA85 = 0  # streams stay binary (Flate): ASCII85 adds a quarter to each
    for name, file_name in FONT_FILES.items():
        pdfmetrics.registerFont(compact(FixedSubsetFont(name, str(folder / file_name))))
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
