"""Digitisation at reception (issue 6): scans of each document component of a dossier.

The screen builds a :class:`ScanDraft` per component (files, a scanner's images, the watched
scanner folder), lets the officer order, turn and remove pages with previews, then stores it
with :func:`attach_component`: one PDF per component, kept in the blob store, and a
``component_digitised`` event that carries the record to every station (sync). The officer's
personal signature of that PDF (made by ``counter_app.signing``) is recorded with
:func:`record_signature`.

Guarantees: every use case validates first and writes in one transaction (the blob, the
event with its outbox entry, the dossier's projection and the audit entry together), so a
refusal or a crash stores nothing; slow work (decoding, compressing) happens before the
transaction. Bad files raise ``DomainError`` with a SCAN_* code and leave the draft as it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from PIL import Image

from counter_app.domain.changes import Changes
from counter_app.domain.digitisation import ComponentRecord, component_records
from counter_app.domain.dossier import Dossier, EventKind, check_allowed
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.domain.text import nfc
from counter_app.imaging import (
    SUPPORTED_SUFFIXES,
    Page,
    compose_pdf,
    from_image,
    load_pages,
    pdf_page_count,
    thumbnail,
)
from counter_app.imaging.pages import detect_type
from counter_app.services.station import StationContext, append_event

PDF_MIME = "application/pdf"


class ScanDraft:
    """The pages of one component being scanned, in order, before they are stored.

    Every method either does all it says or raises and changes nothing. Page positions are
    0-based in the API; error messages count from 1 as the officer does.
    """

    def __init__(self) -> None:
        self._pages: list[Page] = []

    @property
    def pages(self) -> tuple[Page, ...]:
        return tuple(self._pages)

    def __len__(self) -> int:
        return len(self._pages)

    @property
    def filename(self) -> str:
        """The name of the first file the pages came from ("" for a scanner's images)."""
        return next((p.source for p in self._pages if p.source), "")

    def add_file(self, data: bytes, filename: str) -> int:
        """Append the pages of one file (PDF, JPEG, PNG, TIFF); the number of pages added."""
        pages = load_pages(data, filename)
        self._pages.extend(pages)
        return len(pages)

    def add_files(self, paths: Iterable[Path]) -> int:
        """Append the pages of several files in the given order; all files or none."""
        loaded: list[Page] = []
        for path in paths:
            loaded.extend(load_pages(_read(path), path.name))
        self._pages.extend(loaded)
        return len(loaded)

    def add_images(self, images: Iterable[Image.Image], *, dpi: float = 0.0) -> int:
        """Append images a scanner driver delivered (upright by EXIF, copied)."""
        pages = [from_image(image, dpi=dpi) for image in images]
        self._pages.extend(pages)
        return len(pages)

    def _check(self, index: int) -> None:
        if not 0 <= index < len(self._pages):
            raise DomainError(ErrorCode.SCAN_PAGE_NOT_FOUND, page=index + 1)

    def move(self, index: int, to: int) -> None:
        """Move page ``index`` so that it becomes page ``to``."""
        self._check(index)
        self._check(to)
        self._pages.insert(to, self._pages.pop(index))

    def rotate(self, index: int, degrees: int = 90) -> None:
        """Turn page ``index`` clockwise by ``degrees`` (a multiple of 90)."""
        self._check(index)
        self._pages[index] = self._pages[index].rotated(degrees)

    def remove(self, index: int) -> None:
        self._check(index)
        del self._pages[index]

    def clear(self) -> None:
        self._pages.clear()

    def thumbnail(self, index: int, max_px: int = 256) -> bytes:
        """A PNG preview of page ``index`` as it will be stored (rotation applied)."""
        self._check(index)
        return thumbnail(self._pages[index], max_px)

    def thumbnails(self, max_px: int = 256) -> list[bytes]:
        return [thumbnail(page, max_px) for page in self._pages]

    def to_pdf(self) -> bytes:
        """The pages joined into one compressed PDF (SCAN_NO_PAGES when empty)."""
        return compose_pdf(self._pages)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        raise DomainError(ErrorCode.SCAN_FILE_UNREADABLE, filename=path.name) from None


def pdf_of(source: ScanDraft | bytes, filename: str = "") -> tuple[bytes, int]:
    """The PDF to store for ``source`` and its page count: a draft is composed; the bytes of
    a file are checked, a light PDF kept as it is, anything else composed from its pages."""
    if isinstance(source, ScanDraft):
        return source.to_pdf(), len(source)
    pages = load_pages(source, filename or "scan.pdf")
    if detect_type(source) == "pdf" and all(p.is_pdf for p in pages):
        return source, len(pages)
    return compose_pdf(pages), len(pages)


def _component(dossier: Dossier, component: int) -> None:
    if not 0 <= component < len(dossier.documents):
        raise DomainError(ErrorCode.COMPONENT_NOT_FOUND, component=component + 1)


def attach_component(
    ctx: StationContext,
    dossier_uuid: str,
    component: int,
    source: ScanDraft | bytes,
    *,
    officer: str,
    filename: str = "",
) -> tuple[ComponentRecord, Changes]:
    """Store the scan of ``component`` (0-based checklist position) of a received dossier.

    ``source`` is a :class:`ScanDraft`, or the bytes of one file (a PDF is kept as it is
    unless heavy; an image is composed). A component scanned again gets the new scan and loses
    its signature. Refused (nothing stored): unknown dossier or component, a dossier not
    received (guided, refused), a bad file, no pages. Returns the component's new record.
    """
    dossier = ctx.dossier_by_uuid(dossier_uuid)
    _component(dossier, component)
    check_allowed(dossier, EventKind.COMPONENT_DIGITISED)
    pdf, pages = pdf_of(source, filename)
    name = nfc(filename) or (source.filename if isinstance(source, ScanDraft) else "")
    with ctx.store.db.atomic():
        current = ctx.dossier_by_uuid(dossier_uuid)
        _component(current, component)
        check_allowed(current, EventKind.COMPONENT_DIGITISED)
        digest = ctx.store.blobs.put(pdf, PDF_MIME, at=ctx.clock.now())
        body: dict[str, object] = {
            "component": component,
            "name": current.documents[component].name,
            "sha256": digest,
            "pages": pages,
            "size": len(pdf),
            "filename": name,
        }
        updated = append_event(
            ctx,
            current,
            EventKind.COMPONENT_DIGITISED,
            officer=officer,
            payload=body,
            detail={"component": component},
        )
    return _record(updated, component), Changes(dossiers=True)


def record_signature(
    ctx: StationContext,
    dossier_uuid: str,
    component: int,
    signed_pdf: bytes,
    *,
    signer_name: str,
    officer: str,
    signed_at: datetime | None = None,
) -> tuple[ComponentRecord, Changes]:
    """Record the officer's digital signature of ``component``'s current scan.

    ``signed_pdf`` is :func:`pdf_to_sign` with a signature appended (an incremental update, as
    PAdES signing does): the component's current signed copy when it has one, so signatures
    stack (every earlier signature stays, byte for byte, and stays valid), else the scan.
    Anything else is refused with SIGNED_PDF_MISMATCH, so a record can only say "signed" of
    the exact pages that were digitised and never silently drops an earlier signature (a
    colleague's signature synced in meanwhile: sign again). ``signer_name`` is the
    certificate holder's name. The signed PDF is stored beside the scan.
    """
    signer = nfc(signer_name)
    if not signer:
        raise DomainError(ErrorCode.SIGNER_NAME_MISSING)
    if not signed_pdf.lstrip()[:5] == b"%PDF-":
        raise DomainError(ErrorCode.SIGNED_PDF_INVALID)
    pdf_page_count(signed_pdf)
    with ctx.store.db.atomic():
        dossier = ctx.dossier_by_uuid(dossier_uuid)
        _component(dossier, component)
        check_allowed(dossier, EventKind.COMPONENT_SIGNED)
        record = _record(dossier, component)
        scan = ctx.store.blobs.get(record.sha256) if record.sha256 else None
        if scan is None:
            raise DomainError(ErrorCode.COMPONENT_NOT_DIGITISED, component=component + 1)
        base = scan
        if record.signed_sha256:  # the new signature must stack on the current ones
            base = ctx.store.blobs.get(record.signed_sha256) or b""
        if not base or len(signed_pdf) <= len(base) or not signed_pdf.startswith(base):
            raise DomainError(ErrorCode.SIGNED_PDF_MISMATCH, component=component + 1)
        now = ctx.clock.now()
        digest = ctx.store.blobs.put(signed_pdf, PDF_MIME, at=now)
        body: dict[str, object] = {
            "component": component,
            "sha256": digest,
            "scan_sha256": record.sha256,
            "signer": signer,
            "signed_at": (signed_at or now).astimezone(VN_TZ).isoformat(),
        }
        updated = append_event(
            ctx,
            dossier,
            EventKind.COMPONENT_SIGNED,
            officer=officer,
            payload=body,
            detail={"component": component},
        )
    return _record(updated, component), Changes(dossiers=True)


def _record(dossier: Dossier, component: int) -> ComponentRecord:
    return component_records(dossier.documents, dossier.scans)[component]


def components_of(ctx: StationContext, dossier_uuid: str) -> list[ComponentRecord]:
    """One record per checklist item of the dossier, in checklist order."""
    dossier = ctx.dossier_by_uuid(dossier_uuid)
    return list(component_records(dossier.documents, dossier.scans))


def component_pdf(
    ctx: StationContext, dossier_uuid: str, component: int, *, signed: bool = True
) -> bytes | None:
    """The PDF of ``component``: the signed one when there is one (and ``signed``), else the
    scan; None when the component is not digitised or its bytes are not at this station yet
    (a scan made at another station, not downloaded)."""
    dossier = ctx.dossier_by_uuid(dossier_uuid)
    _component(dossier, component)
    record = _record(dossier, component)
    digest = record.signed_sha256 if signed and record.signed_sha256 else record.sha256
    return ctx.store.blobs.get(digest) if digest else None


def pdf_to_sign(ctx: StationContext, dossier_uuid: str, component: int) -> bytes | None:
    """What a new signature of ``component`` is appended to: its current signed copy when it
    has one (signatures stack: a second PAdES signature is an incremental update that keeps
    the first valid), else its scan; None when not digitised or not at this station."""
    return component_pdf(ctx, dossier_uuid, component, signed=True)


def new_scans(folder: Path, seen: dict[str, tuple[int, int] | None]) -> list[Path]:
    """Files of the scanner's output ``folder`` that are new and completely written.

    Call it from a timer (every second or two) with the same ``seen`` dict each time: a file
    is returned once, at the first poll where its size and modification time are the same
    as at the previous poll (a scanner still writing it changes them). Only files with a
    scan suffix (PDF, JPEG, PNG, TIFF) count; empty and hidden files are skipped; files
    that disappeared are forgotten. SCAN_FOLDER_UNREADABLE when the folder cannot be read.
    """
    try:
        entries = list(os.scandir(folder))
    except OSError:
        raise DomainError(ErrorCode.SCAN_FOLDER_UNREADABLE, path=str(folder)) from None
    ready: list[tuple[int, str, Path]] = []
    present = set()
    for entry in entries:
        name = entry.name
        if name.startswith(".") or Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        try:
            if not entry.is_file():
                continue
            stat = entry.stat()
        except OSError:
            continue
        present.add(name)
        state = (stat.st_size, stat.st_mtime_ns)
        if name in seen and seen[name] is None:
            continue  # already reported
        if stat.st_size > 0 and seen.get(name) == state:
            seen[name] = None
            ready.append((stat.st_mtime_ns, name, Path(entry.path)))
        else:
            seen[name] = state
    for name in [n for n in seen if n not in present]:
        del seen[name]
    return [path for _, _, path in sorted(ready)]
