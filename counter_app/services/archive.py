"""Reading the slip archive: the one way to the PDF of a slip that was archived.

Guarantees:

- :func:`read_archived` gives the exact bytes that were printed (checked against their
  SHA-256) from a compact file (printing/slip_archive.py, what :func:`slips.prepare_slip`
  writes), or from a plain PDF archived by an older version, or from the compact file that
  :func:`compact_archive` made of it; anything else is FILE_UNREADABLE (naming the file),
  never other bytes. The command line's ``slip --out``, the window's preview and printing
  and the tests read archived slips through it;
- :func:`printable` hands those bytes to a print spooler as a temporary PDF file;
- :func:`compact_archive` (the migration of stations that archived plain PDFs) turns each
  into a compact file, checked before the PDF is removed; the print records keep their
  ``….pdf`` paths, which :func:`read_archived` follows to the compact file.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.printing import slip_archive
from counter_app.services.slips import SLIP_DIR

# The month folders of the archive (``<yyyy>/<mm>/``), where printed slips are kept.
_ARCHIVED_PDFS = "[0-9][0-9][0-9][0-9]/[0-9][0-9]/*.pdf"


def read_archived(data_dir: Path, path: Path | str) -> bytes:
    """The PDF bytes of the archived slip ``path``: a print record's ``path`` (relative to
    ``data_dir``) or an absolute path (what ``prepare_slip`` and ``issue_slip`` return)."""
    absolute = Path(data_dir) / path
    try:
        return slip_archive.read_archived(Path(data_dir) / SLIP_DIR, absolute)
    except slip_archive.SlipArchiveError as exc:
        raise DomainError(ErrorCode.FILE_UNREADABLE, path=str(absolute), detail=str(exc)) from None


@contextlib.contextmanager
def printable(pdf: bytes, *, name: str) -> Iterator[Path]:
    """``pdf`` as the file ``<name>.pdf`` in a temporary folder, removed on leaving (what
    ``lp``, the folder printer and Qt's printer are given)."""
    with tempfile.TemporaryDirectory(prefix="slip-") as folder:
        path = Path(folder) / f"{name}.pdf"
        path.write_bytes(pdf)
        yield path


@dataclass(frozen=True, slots=True)
class Compacted:
    files: int
    bytes_before: int
    bytes_after: int


def compact_archive(data_dir: Path) -> Compacted:
    """Turn every plain PDF under ``<data_dir>/slips/<yyyy>/<mm>/`` (archived by a version
    before compact files) into its compact file. Safe to run again and after an interruption
    (a half-done file is redone: the PDF is removed only once its compact file reads back)."""
    slips_dir = Path(data_dir) / SLIP_DIR
    files = before = after = 0
    for pdf in sorted(slips_dir.glob(_ARCHIVED_PDFS)):
        size = pdf.stat().st_size
        try:
            compact = slip_archive.compact_file(slips_dir, pdf)
        except slip_archive.SlipArchiveError:
            continue  # not a slip PDF (a file put there by hand): left as it is
        files, before, after = files + 1, before + size, after + compact.stat().st_size
    return Compacted(files=files, bytes_before=before, bytes_after=after)
