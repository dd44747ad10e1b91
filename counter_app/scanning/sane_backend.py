"""SANE scanners through python-sane (Linux and other Unixes).

libsane reads its configuration (``SANE_CONFIG_DIR``, ``dll.conf``) once per process, on the
first ``sane_init``; a later ``sane_exit``/``sane_init`` does not read it again. The library is
therefore initialised lazily, once, under a lock, and never shut down while the process runs.
Each ``scan`` opens the device, sets it up, acquires and closes it again, so a scanner that was
unplugged between two scans gives a clear error instead of a stale handle.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

import sane
from PIL import Image

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.scanning import ScannerInfo, find_scanner, page_limit

log = logging.getLogger(__name__)

_init_lock = threading.Lock()
_initialised = False
# What libsane says when a feeder has no (more) paper (SANE_STATUS_NO_DOCS).
_NO_DOCS = "Document feeder out of documents"
_COLOUR_MODES = ("color", "colour", "24bit color", "rgb")
_GREY_MODES = ("gray", "grey", "grayscale", "greyscale", "8bit gray")
_FEEDER_WORDS = ("adf", "feeder", "automatic document", "duplex")


def _ensure_initialised() -> None:
    global _initialised
    with _init_lock:
        if not _initialised:
            version = sane.init()
            log.info("SANE initialised: %s", version)
            _initialised = True


def list_scanners() -> list[ScannerInfo]:
    """The SANE devices visible now (local and network), in libsane's order."""
    _ensure_initialised()
    try:
        devices = sane.get_devices()
    except sane._sane.error as exc:
        log.warning("SANE could not list devices: %s", exc)
        return []
    return [
        ScannerInfo(id=name, label=_label(vendor, model, name))
        for name, vendor, model, _ in devices
    ]


def open_scanner(scanner_id: str) -> SaneScanner:
    """A :class:`SaneScanner` for ``scanner_id``; ``SCANNER_NOT_FOUND`` if it is not there."""
    return SaneScanner(find_scanner(list_scanners(), scanner_id))


def _label(vendor: str, model: str, name: str) -> str:
    text = " ".join(part for part in (vendor, model) if part and part != "Noname")
    return f"{text} ({name})" if text else name


@dataclass(frozen=True, slots=True)
class SaneScanner:
    """One SANE device; see ``counter_app.scanning.Scanner``."""

    info: ScannerInfo

    def scan(
        self,
        *,
        dpi: int = 200,
        colour: bool = False,
        max_pages: int | None = None,
        feeder: bool | None = None,
    ) -> list[Image.Image]:
        """Scan pages (all of the feeder, or one from the flatbed) as 8-bit L or RGB images."""
        _ensure_initialised()
        try:
            device = sane.open(self.info.id)
        except sane._sane.error as exc:
            raise DomainError(ErrorCode.SCANNER_NOT_FOUND, scanner=self.info.id) from exc
        try:
            from_feeder = _configure(device, dpi=dpi, colour=colour, feeder=feeder)
            actual_dpi = _current_dpi(device, dpi)
            limit = page_limit(max_pages, from_feeder=from_feeder)
            pages = _acquire(device, limit=limit, from_feeder=from_feeder)
        except sane._sane.error as exc:
            raise DomainError(ErrorCode.SCANNER_FAILED, detail=str(exc)) from exc
        finally:
            device.close()
        for page in pages:
            page.info["dpi"] = (actual_dpi, actual_dpi)
        return pages


def _configure(device: Any, *, dpi: int, colour: bool, feeder: bool | None) -> bool:
    """Set mode, depth, resolution and source; return whether pages come from a feeder."""
    _set_choice(device, "mode", _COLOUR_MODES if colour else _GREY_MODES)
    if _settable(device, "depth") and 8 in (device["depth"].constraint or [8]):
        device.depth = 8
    if _settable(device, "resolution"):
        device.resolution = _nearest(device["resolution"].constraint, dpi)
    if feeder is not None and _settable(device, "source"):
        sources = device["source"].constraint or []
        wanted = [s for s in sources if _is_feeder(s) == feeder]
        if feeder and not wanted:
            raise DomainError(ErrorCode.SCANNER_NO_FEEDER, scanner=device.devname)
        if wanted:
            device.source = wanted[0]
    if "source" in device.opt and device["source"].is_active():
        return _is_feeder(device.source)
    return False


def _acquire(device: Any, *, limit: int, from_feeder: bool) -> list[Image.Image]:
    pages: list[Image.Image] = []
    try:
        while len(pages) < limit:
            try:
                device.start()
            except sane._sane.error as exc:
                if from_feeder and str(exc) == _NO_DOCS:
                    break
                raise
            pages.append(_normalised(device.snap(no_cancel=from_feeder)))
    finally:
        device.cancel()
    if not pages:
        raise DomainError(ErrorCode.SCANNER_FEEDER_EMPTY)
    return pages


def _normalised(image: Image.Image) -> Image.Image:
    # python-sane wraps the driver's buffer; copy so the page owns its pixels. Line-art (1-bit)
    # scans come back as "L" already; anything unusual is converted to greyscale.
    if image.mode not in ("L", "RGB"):
        return image.convert("L")
    return image.copy()


def _settable(device: Any, name: str) -> bool:
    if name not in device.opt:
        return False
    option = device[name]
    return bool(option.is_active() and option.is_settable())


def _set_choice(device: Any, name: str, preferred: tuple[str, ...]) -> None:
    if not _settable(device, name):
        return
    choices = device[name].constraint or []
    for wanted in preferred:
        for choice in choices:
            if isinstance(choice, str) and choice.lower() == wanted:
                setattr(device, name, choice)
                return


def _nearest(constraint: Any, dpi: int) -> int | float:
    """The allowed resolution nearest to ``dpi`` (a range ``(min, max, step)`` or a list)."""
    if isinstance(constraint, tuple) and len(constraint) == 3:
        low, high, step = constraint
        value = min(max(dpi, low), high)
        if step:
            value = low + round((value - low) / step) * step
        return float(value) if isinstance(low, float) else int(value)
    if isinstance(constraint, list) and constraint:
        nearest = min(constraint, key=lambda allowed: abs(allowed - dpi))
        return float(nearest) if isinstance(nearest, float) else int(nearest)
    return dpi


def _current_dpi(device: Any, requested: int) -> int:
    if "resolution" in device.opt and device["resolution"].is_active():
        return round(float(device.resolution))
    return requested


def _is_feeder(source: object) -> bool:
    return isinstance(source, str) and any(word in source.lower() for word in _FEEDER_WORDS)
