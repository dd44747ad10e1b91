"""Windows Image Acquisition (WIA 2.0 automation layer) through pywin32.

UNTESTED: the test suite runs on Linux, where this module is never imported. It follows the
documented WIA automation object model (``WIA.DeviceManager`` → ``DeviceInfo.Connect()`` →
``Device.Items(1).Transfer(format)``) and keeps to the properties every TWAIN/WIA document
scanner exposes. ``win32com`` is imported lazily so that importing this module elsewhere is
harmless.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any

from PIL import Image

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.scanning import ScannerInfo, find_scanner, page_limit

log = logging.getLogger(__name__)

_SCANNER_DEVICE_TYPE = 1  # WiaDeviceType.ScannerDeviceType
_FORMAT_PNG = "{B96B3CAF-0728-11D3-9D7B-0000F81EF32E}"  # wiaFormatPNG
# WIA property ids (wiadef.h)
_NAME = 7  # WIA_DIP_DEV_NAME
_DOCUMENT_HANDLING_SELECT = 3088  # on the device: 1 = FEEDER, 2 = FLATBED
_DOCUMENT_HANDLING_STATUS = 3087  # on the device: bit 1 = FEED_READY
_CURRENT_INTENT = 6146  # on the item: 1 = colour, 2 = greyscale
_HORIZONTAL_RESOLUTION = 6147
_VERTICAL_RESOLUTION = 6148
_FEEDER, _FLATBED, _FEED_READY = 1, 2, 1
_INTENT_COLOUR, _INTENT_GREY = 1, 2
# HRESULTs that mean "the feeder has no (more) paper".
_PAPER_EMPTY = {-2145320957, 0x80210003}  # WIA_ERROR_PAPER_EMPTY


def _device_manager() -> Any:
    try:
        import win32com.client
    except ImportError as exc:
        raise DomainError(ErrorCode.SCANNER_UNSUPPORTED) from exc
    return win32com.client.Dispatch("WIA.DeviceManager")


def list_scanners() -> list[ScannerInfo]:
    """The WIA scanners connected now."""
    try:
        infos = _device_manager().DeviceInfos
        return [
            ScannerInfo(id=str(info.DeviceID), label=str(_property(info.Properties, _NAME)))
            for info in infos
            if info.Type == _SCANNER_DEVICE_TYPE
        ]
    except DomainError:
        return []
    except Exception as exc:  # COM errors (pywintypes.com_error)
        log.warning("WIA could not list scanners: %s", exc)
        return []


def open_scanner(scanner_id: str) -> WiaScanner:
    """A :class:`WiaScanner` for ``scanner_id``; ``SCANNER_NOT_FOUND`` if it is not there."""
    return WiaScanner(find_scanner(list_scanners(), scanner_id))


@dataclass(frozen=True, slots=True)
class WiaScanner:
    """One WIA scanner; see ``counter_app.scanning.Scanner``."""

    info: ScannerInfo

    def scan(
        self,
        *,
        dpi: int = 200,
        colour: bool = False,
        max_pages: int | None = None,
        feeder: bool | None = None,
    ) -> list[Image.Image]:
        """Scan pages through WIA (untested, see the module docstring)."""
        device = self._connect()
        try:
            if feeder is not None:
                _set_property(
                    device.Properties, _DOCUMENT_HANDLING_SELECT, _FEEDER if feeder else _FLATBED
                )
            from_feeder = _property(device.Properties, _DOCUMENT_HANDLING_SELECT) == _FEEDER
            item = device.Items.Item(1)
            _set_property(
                item.Properties, _CURRENT_INTENT, _INTENT_COLOUR if colour else _INTENT_GREY
            )
            _set_property(item.Properties, _HORIZONTAL_RESOLUTION, dpi)
            _set_property(item.Properties, _VERTICAL_RESOLUTION, dpi)
            limit = page_limit(max_pages, from_feeder=from_feeder)
            pages: list[Image.Image] = []
            while len(pages) < limit:
                if from_feeder and pages and not _feed_ready(device):
                    break
                try:
                    image_file = item.Transfer(_FORMAT_PNG)
                except Exception as exc:
                    if from_feeder and _hresult(exc) in _PAPER_EMPTY:
                        break
                    raise
                pages.append(_to_image(image_file, dpi=dpi, colour=colour))
        except DomainError:
            raise
        except Exception as exc:  # COM errors
            raise DomainError(ErrorCode.SCANNER_FAILED, detail=str(exc)) from exc
        if not pages:
            raise DomainError(ErrorCode.SCANNER_FEEDER_EMPTY)
        return pages

    def _connect(self) -> Any:
        try:
            for info in _device_manager().DeviceInfos:
                if str(info.DeviceID) == self.info.id:
                    return info.Connect()
        except Exception as exc:
            raise DomainError(ErrorCode.SCANNER_NOT_FOUND, scanner=self.info.id) from exc
        raise DomainError(ErrorCode.SCANNER_NOT_FOUND, scanner=self.info.id)


def _property(properties: Any, property_id: int) -> Any:
    for prop in properties:
        if prop.PropertyID == property_id:
            return prop.Value
    return None


def _set_property(properties: Any, property_id: int, value: int) -> None:
    for prop in properties:
        if prop.PropertyID == property_id:
            try:
                prop.Value = value
            except Exception as exc:  # read-only or out of range on this model
                log.info("WIA property %s not set to %s: %s", property_id, value, exc)
            return


def _feed_ready(device: Any) -> bool:
    status = _property(device.Properties, _DOCUMENT_HANDLING_STATUS)
    return status is None or bool(int(status) & _FEED_READY)


def _hresult(exc: Exception) -> int | None:
    code = getattr(exc, "hresult", None)
    if code is None and exc.args and isinstance(exc.args[0], int):
        code = exc.args[0]
    excepinfo = exc.args[2] if len(exc.args) > 2 else None
    if isinstance(excepinfo, tuple) and len(excepinfo) > 5 and isinstance(excepinfo[5], int):
        code = excepinfo[5]  # the scode inside pywintypes.com_error's excepinfo
    return code


def _to_image(image_file: Any, *, dpi: int, colour: bool) -> Image.Image:
    data = bytes(image_file.FileData.BinaryData)
    with Image.open(io.BytesIO(data)) as raw:
        image = raw.convert("RGB" if colour else "L")
    image.info["dpi"] = (dpi, dpi)
    return image
