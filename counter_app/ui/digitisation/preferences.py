"""Workstation preferences of digitisation, kept next to the station's database.

They describe this computer, not the office (which scanner, which folder the scanner writes to,
where the officer's token library or certificate file is), so they live in a small INI file
(``QSettings`` IniFormat) beside the station's data, and every key is declared once here.
A PIN or passphrase is never written here or anywhere else.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from counter_app.services.station import StationContext

FILE_NAME = "workstation.ini"
SCANNER_FOLDER = "digitisation/scanner_folder"
SCANNER_ID = "digitisation/scanner_id"
CERT_KIND = "signing/source"  # "pkcs11" or "pkcs12"
PKCS11_LIBRARY = "signing/pkcs11_library"
PKCS12_FILE = "signing/pkcs12_file"
KIND_PKCS11 = "pkcs11"
KIND_PKCS12 = "pkcs12"


class WorkstationPreferences:
    """Typed access to the declared keys; every setter writes through at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._settings = QSettings(str(path), QSettings.Format.IniFormat)

    @classmethod
    def of_station(cls, ctx: StationContext) -> WorkstationPreferences:
        return cls(Path(ctx.store.db_path).parent / FILE_NAME)

    def _text(self, key: str) -> str:
        value = self._settings.value(key, "")
        return value if isinstance(value, str) else ""

    def _set(self, key: str, value: str) -> None:
        self._settings.setValue(key, value)
        self._settings.sync()

    @property
    def scanner_folder(self) -> Path | None:
        text = self._text(SCANNER_FOLDER)
        return Path(text) if text else None

    @scanner_folder.setter
    def scanner_folder(self, folder: Path | None) -> None:
        self._set(SCANNER_FOLDER, str(folder) if folder else "")

    @property
    def scanner_id(self) -> str:
        return self._text(SCANNER_ID)

    @scanner_id.setter
    def scanner_id(self, value: str) -> None:
        self._set(SCANNER_ID, value)

    @property
    def cert_kind(self) -> str:
        return self._text(CERT_KIND) or KIND_PKCS11

    @cert_kind.setter
    def cert_kind(self, value: str) -> None:
        self._set(CERT_KIND, value)

    @property
    def pkcs11_library(self) -> str:
        return self._text(PKCS11_LIBRARY)

    @pkcs11_library.setter
    def pkcs11_library(self, value: str) -> None:
        self._set(PKCS11_LIBRARY, value)

    @property
    def pkcs12_file(self) -> str:
        return self._text(PKCS12_FILE)

    @pkcs12_file.setter
    def pkcs12_file(self, value: str) -> None:
        self._set(PKCS12_FILE, value)
