"""The slip archive: every printed slip kept byte for byte, its shared parts stored once
(issue 12, item 7: an archived A5 receipt <= 30 KB).

Every slip embeds the same fonts (fonts.py: fixed subsets, so byte-identical font programs,
character maps and font dictionaries in every PDF): about three quarters of each PDF. The
archive keeps a slip as a small *compact file* (``.cpdf``) holding the slip's own bytes and,
in place of each font object, the SHA-256 of that object's bytes; the object itself is a
*shared part* in ``<slips>/shared/<2 hex>/<sha256>``, written once for every slip that uses it.

Guarantees:

- :func:`read_archived` gives back the exact bytes of the PDF that was archived (the compact
  file holds the PDF's SHA-256 and length; every shared part is checked against its name and
  the whole against that digest), or raises :class:`SlipArchiveError`: never other bytes;
- a plain PDF in the archive (a slip archived before compact files, or a test slip) is read
  as it is: old stations' archives stay readable, and :func:`compact_file` turns one into a
  compact file (the migration);
- durability as for every archived file: the shared parts are written (temporary name,
  fsync, rename, fsync of the folder) *before* the compact file that names them, so a compact
  file on disk always has its parts; a shared part is never changed nor deleted. One found
  missing or damaged is written again by the next slip that has it (the fonts' objects are
  the same in every slip), which makes the older compact files that name it readable again.

Compact file: ``%QMC-SLIP 1\\n`` then zlib of: the PDF's SHA-256 (32 bytes) and length
(4 bytes, big-endian), then segments in order, each ``L`` + length (4 bytes) + bytes (the
slip's own bytes) or ``R`` + SHA-256 (32 bytes) + length (4 bytes) (a shared part). Which
objects are shared is the writer's choice (:func:`_shared_spans`); the reader takes any.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

from counter_app.printing.printer import write_durably

MAGIC = b"%QMC-SLIP 1\n"
PDF_MAGIC = b"%PDF-"
COMPACT_SUFFIX = ".cpdf"
SHARED_DIR = "shared"
MIN_SHARED_BYTES = 400
_DIGEST = 32
_LENGTH = struct.Struct(">I")
_OBJECT = re.compile(rb"(?:^|\n)\d+ 0 obj\n")
_STREAM_LENGTH = re.compile(rb"/Length (\d+)\b")


class SlipArchiveError(Exception):
    """An archived slip cannot be given back as it was printed: a shared part is missing or
    changed, the compact file is cut or changed, or the file is neither format."""


# --- Packing ------------------------------------------------------------------------------------


def _object_body(pdf: bytes, start: int) -> int | None:
    """The end (exclusive, before ``endobj``) of the object whose body starts at ``start``,
    or None when it does not look as reportlab writes objects."""
    if pdf.startswith(b"<<", start):
        dict_end = pdf.find(b"\n>>\n", start)
        if dict_end < 0:
            return None
        after = dict_end + 4
        if pdf.startswith(b"stream\n", after):
            length = _STREAM_LENGTH.search(pdf, start, dict_end)
            if length is None:
                return None
            end = after + len(b"stream\n") + int(length.group(1))
            if not pdf.startswith(b"endstream\n", end):
                return None
            end += len(b"endstream\n")
        else:
            end = after
    else:
        end = pdf.find(b"\nendobj\n", start)
        if end < 0:
            return None
        end += 1
    return end if pdf.startswith(b"endobj\n", end) else None


def _is_font_part(body: bytes) -> bool:
    """A font program (``/Length1``), a character map (``/CIDInit``) or a font dictionary."""
    head = body[: body.find(b"\n>>\n") + 1] if body.startswith(b"<<") else b""
    if b"/Length1 " in head:
        return True
    if b"/BaseFont " in head and b"/Widths " in head:
        return True
    if head and b"/FlateDecode" in head and b"stream\n" in body[len(head) : len(head) + 12]:
        data = body[len(head) + len(b">>\nstream\n") : -len(b"endstream\n")]
        try:
            return zlib.decompressobj().decompress(data, 16).startswith(b"/CIDInit")
        except zlib.error:
            return False
    return False


def _shared_spans(pdf: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of the object bodies to store as shared parts: the fonts' objects of at
    least :data:`MIN_SHARED_BYTES`; the same in every slip (fonts.py, fixed subsets)."""
    position = 0
    while (found := _OBJECT.search(pdf, position)) is not None:
        start = found.end()
        end = _object_body(pdf, start)
        if end is None:
            position = start
            continue
        if end - start >= MIN_SHARED_BYTES and _is_font_part(pdf[start:end]):
            yield start, end
        position = end


def pack(pdf: bytes, *, share: bool = True) -> tuple[bytes, dict[str, bytes]]:
    """(compact file, shared parts by SHA-256 hex) of ``pdf``; ``unpack`` gives ``pdf`` back.
    ``share=False``: no shared part (a PDF of an older version, whose per-document font
    subsets no other slip has), the compact file is the PDF compressed."""
    segments = [hashlib.sha256(pdf).digest(), _LENGTH.pack(len(pdf))]
    parts: dict[str, bytes] = {}
    position = 0
    for start, end in _shared_spans(pdf) if share else ():
        segments += [b"L", _LENGTH.pack(start - position), pdf[position:start]]
        body = pdf[start:end]
        digest = hashlib.sha256(body).digest()
        parts[digest.hex()] = body
        segments += [b"R", digest, _LENGTH.pack(len(body))]
        position = end
    segments += [b"L", _LENGTH.pack(len(pdf) - position), pdf[position:]]
    return MAGIC + zlib.compress(b"".join(segments), 9), parts


def unpack(compact: bytes, part: Callable[[str], bytes]) -> bytes:
    """The PDF bytes of a compact file; ``part(sha256_hex)`` gives a shared part's bytes.
    Raises SlipArchiveError when anything does not check."""
    if not compact.startswith(MAGIC):
        raise SlipArchiveError("not a compact slip")
    try:
        payload = zlib.decompress(compact[len(MAGIC) :])
    except zlib.error as exc:
        raise SlipArchiveError(f"compact slip unreadable: {exc}") from None
    digest, (length,) = payload[:_DIGEST], _LENGTH.unpack_from(payload, _DIGEST)
    pieces, at = [], _DIGEST + _LENGTH.size
    try:
        while at < len(payload):
            kind = payload[at : at + 1]
            if kind == b"L":
                (size,) = _LENGTH.unpack_from(payload, at + 1)
                at += 1 + _LENGTH.size
                pieces.append(payload[at : at + size])
                at += size
            elif kind == b"R":
                name = payload[at + 1 : at + 1 + _DIGEST].hex()
                (size,) = _LENGTH.unpack_from(payload, at + 1 + _DIGEST)
                at += 1 + _DIGEST + _LENGTH.size
                body = part(name)
                if len(body) != size or hashlib.sha256(body).hexdigest() != name:
                    raise SlipArchiveError(f"shared part {name} changed")
                pieces.append(body)
            else:
                raise SlipArchiveError(f"compact slip: unknown segment at {at}")
    except struct.error:
        raise SlipArchiveError("compact slip cut short") from None
    pdf = b"".join(pieces)
    if len(pdf) != length or hashlib.sha256(pdf).digest() != digest:
        raise SlipArchiveError("compact slip does not give back the archived PDF")
    return pdf


# --- Files --------------------------------------------------------------------------------------


def shared_path(slips_dir: Path, sha256: str) -> Path:
    """Where the shared part ``sha256`` lives below the slips folder."""
    return slips_dir / SHARED_DIR / sha256[:2] / sha256


def compact_path(path: Path) -> Path:
    """The compact file of an archived slip named ``path`` (``….pdf`` -> ``….cpdf``)."""
    return path.with_suffix(COMPACT_SUFFIX)


def _read_part(slips_dir: Path) -> Callable[[str], bytes]:
    def read(sha256: str) -> bytes:
        try:
            return shared_path(slips_dir, sha256).read_bytes()
        except OSError:
            raise SlipArchiveError(f"shared part {sha256} missing") from None

    return read


def _intact(path: Path, sha256: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def _write_parts(slips_dir: Path, parts: dict[str, bytes]) -> None:
    """Write the parts not yet there. A part found missing or changed is written again: the
    next slip printed with the same fonts repairs every compact file that needs it."""
    for sha256, body in parts.items():
        target = shared_path(slips_dir, sha256)
        if not _intact(target, sha256):
            write_durably(target, body)


def write_archived(slips_dir: Path, target: Path, pdf: bytes, *, share: bool = True) -> None:
    """Archive ``pdf`` as the compact file ``target`` (below ``slips_dir``): its shared parts
    first, then the file; each durably. Checks that the compact file gives ``pdf`` back."""
    compact, parts = pack(pdf, share=share)
    if unpack(compact, parts.__getitem__) != pdf:  # pack is total: this never fails
        raise SlipArchiveError("compact slip does not give back the PDF")
    _write_parts(slips_dir, parts)
    write_durably(target, compact)


def read_archived(slips_dir: Path, path: Path) -> bytes:
    """The PDF bytes of the archived slip ``path``: a compact file reassembled and checked, or
    a plain PDF (archived before compact files) as it is. SlipArchiveError when neither works
    (a ``.pdf`` path whose compact file replaced it is read from that file)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if path.suffix == COMPACT_SUFFIX or not compact_path(path).is_file():
            raise SlipArchiveError(f"archived slip {path.name} missing") from None
        data = compact_path(path).read_bytes()
    except OSError as exc:
        raise SlipArchiveError(f"archived slip {path.name} unreadable: {exc}") from None
    if data.startswith(PDF_MAGIC):
        return data
    return unpack(data, _read_part(slips_dir))


def compact_file(slips_dir: Path, path: Path) -> Path:
    """Turn the plain archived PDF ``path`` into its compact file (the same bytes read back,
    checked before the PDF is removed); returns the compact file's path. A compact file
    already there (an interrupted earlier run) is written again. Its fonts are per-document
    subsets, shared by no other slip: it is compressed whole (``share=False``)."""
    pdf = path.read_bytes()
    target = compact_path(path)
    if not pdf.startswith(PDF_MAGIC):
        raise SlipArchiveError(f"{path.name} is not a PDF")
    write_archived(slips_dir, target, pdf, share=False)
    if read_archived(slips_dir, target) != pdf:
        raise SlipArchiveError(f"{target.name} does not give back {path.name}")
    path.unlink()
    return target
