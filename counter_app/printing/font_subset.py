"""Compact font subsets for slips (issue 12, item 7: an archived A5 receipt <= 30 KB).

reportlab embeds a subset of each TrueType face a slip uses, but copies the font's hinting
with it: the TrueType programs (``fpgm``, ``prep``, ``cvt ``) and every glyph's own
instructions, which in the Liberation fonts are about half of each glyph, plus the whole
``name`` table (licence text). Hinting only moves outlines to the pixel grid of a screen at
small sizes; printers, PDF viewers and poppler draw the outlines as they are. So
:func:`strip_hinting` keeps the outlines, metrics and character map byte for byte and drops
the rest: the slip draws the same, in about half the bytes.

:func:`compact` installs it on a registered reportlab ``TTFont``.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Callable
from typing import Any

DROPPED = frozenset({b"fpgm", b"prep", b"cvt ", b"hdmx", b"LTSH", b"VDMX", b"kern", b"gasp"})
_ARGS_ARE_WORDS = 0x0001
_HAVE_SCALE = 0x0008
_MORE = 0x0020
_HAVE_XY_SCALE = 0x0040
_HAVE_TWO_BY_TWO = 0x0080
_HAVE_INSTRUCTIONS = 0x0100
# A name table with no record: valid, and what a PDF's embedded program needs of it.
_EMPTY_NAME = struct.pack(">HHH", 0, 0, 6)


def _tables(font: bytes) -> dict[bytes, bytes]:
    (count,) = struct.unpack_from(">H", font, 4)
    found = {}
    for i in range(count):
        tag, _check, offset, length = struct.unpack_from(">4sIII", font, 12 + 16 * i)
        found[tag] = font[offset : offset + length]
    return found


def _glyph_without_instructions(data: bytes) -> bytes:
    if len(data) < 10:
        return data
    (contours,) = struct.unpack_from(">h", data, 0)
    if contours >= 0:
        at = 10 + 2 * contours
        (length,) = struct.unpack_from(">H", data, at)
        return data[:at] + b"\0\0" + data[at + 2 + length :]
    out = bytearray(data)
    at, flags = 10, _MORE
    last = at
    while flags & _MORE:
        last = at
        (flags,) = struct.unpack_from(">H", data, at)
        at += 4 + (4 if flags & _ARGS_ARE_WORDS else 2)
        if flags & _HAVE_SCALE:
            at += 2
        elif flags & _HAVE_XY_SCALE:
            at += 4
        elif flags & _HAVE_TWO_BY_TWO:
            at += 8
    if flags & _HAVE_INSTRUCTIONS:
        struct.pack_into(">H", out, last, flags & ~_HAVE_INSTRUCTIONS)
    return bytes(out[:at])


def _glyf_and_loca(tables: dict[bytes, bytes]) -> tuple[bytes, bytes, int]:
    """The glyphs without their instructions, and the new index (format 0 or 1)."""
    long_format = struct.unpack_from(">h", tables[b"head"], 50)[0] == 1
    loca, glyf = tables[b"loca"], tables[b"glyf"]
    width = 4 if long_format else 2
    offsets = [
        struct.unpack_from(">I" if long_format else ">H", loca, i)[0] * (1 if long_format else 2)
        for i in range(0, len(loca), width)
    ]
    parts, new_offsets, pos = [], [], 0
    for start, end in itertools.pairwise(offsets):
        glyph = _glyph_without_instructions(glyf[start:end]) if end > start else b""
        glyph += b"\0" * (-len(glyph) % 4)
        new_offsets.append(pos)
        parts.append(glyph)
        pos += len(glyph)
    new_offsets.append(pos)
    if pos // 2 <= 0xFFFF:
        return (
            b"".join(parts),
            struct.pack(f">{len(new_offsets)}H", *(o // 2 for o in new_offsets)),
            0,
        )
    return b"".join(parts), struct.pack(f">{len(new_offsets)}I", *new_offsets), 1


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    words: tuple[int, ...] = struct.unpack(f">{len(padded) // 4}I", padded)
    return sum(words) & 0xFFFFFFFF


def _assemble(tables: dict[bytes, bytes]) -> bytes:
    tags = sorted(tables)
    count = len(tags)
    power = 1
    while power * 2 <= count:
        power *= 2
    header = struct.pack(">IHHHH", 0x00010000, count, power * 16, power.bit_length() - 1,
                         count * 16 - power * 16)  # fmt: skip
    offset = 12 + 16 * count
    directory, body, where = [], [], {}
    for tag in tags:
        data = tables[tag]
        directory.append(struct.pack(">4sIII", tag, _checksum(data), offset, len(data)))
        where[tag] = offset
        padded = data + b"\0" * (-len(data) % 4)
        body.append(padded)
        offset += len(padded)
    font = bytearray(header + b"".join(directory) + b"".join(body))
    adjustment = (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF
    struct.pack_into(">I", font, where[b"head"] + 8, adjustment)
    return bytes(font)


def strip_hinting(font: bytes) -> bytes:
    """``font`` (a TrueType file, e.g. reportlab's subset) without hinting nor naming: the
    same outlines, advance widths and character map; no ``fpgm``/``prep``/``cvt ``, no glyph
    instructions, an empty ``name`` table."""
    tables = _tables(font)
    if b"glyf" not in tables or b"loca" not in tables or b"head" not in tables:
        return font
    glyf, loca, loca_format = _glyf_and_loca(tables)
    kept = {tag: data for tag, data in tables.items() if tag not in DROPPED}
    head = bytearray(kept[b"head"])
    struct.pack_into(">I", head, 8, 0)  # checkSumAdjustment, set once assembled
    struct.pack_into(">h", head, 50, loca_format)
    kept.update({b"glyf": glyf, b"loca": loca, b"head": bytes(head), b"name": _EMPTY_NAME})
    return _assemble(kept)


_CACHED_SUBSETS = 64


def compact(font: Any) -> Any:
    """Make the registered reportlab ``TTFont`` embed its subsets without hinting. The last
    subsets made are kept (the fixed first subset of fonts.py is the same in every slip: it
    is made once per face and process)."""
    face = font.face
    original: Callable[[Any], bytes] = face.makeSubset
    made: dict[tuple[int, ...], bytes] = {}

    def make(subset: Any) -> bytes:
        key = tuple(subset)
        if key not in made:
            if len(made) >= _CACHED_SUBSETS:
                made.clear()
            made[key] = strip_hinting(original(subset))
        return made[key]

    face.makeSubset = make
    return font
