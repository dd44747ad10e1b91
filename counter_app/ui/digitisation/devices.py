"""The scanner and signing back ends as the digitisation screens use them (worker-safe).

Every function here takes and returns plain data and never touches a widget, so it can run in
``run_in_background``. The PIN is only passed through, never kept.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from counter_app.scanning import ScannerInfo, open_scanner
from counter_app.scanning import list_scanners as _list_scanners
from counter_app.ui.digitisation.components_model import Validity
from counter_app.ui.digitisation.preferences import KIND_PKCS12
from counter_app.ui.digitisation.sign_dialog import SignRequest

SCAN_DPI = 200


def list_scanners() -> list[ScannerInfo]:
    """The scanners this computer sees now (slow with SANE: call it from a worker)."""
    return _list_scanners()


def scan(scanner_id: str) -> list[Any]:
    """Pages from ``scanner_id``: grey-scale at 200 dpi (what a dossier copy needs)."""
    return open_scanner(scanner_id).scan(dpi=SCAN_DPI, colour=False)


# --- signing ----------------------------------------------------------------------------------


def pkcs11_libraries() -> list[str]:
    """PKCS#11 libraries of USB tokens installed on this computer (may be empty)."""
    from counter_app import signing

    return [str(p) for p in signing.find_pkcs11_libraries()]


def signing_job(
    request: SignRequest, pdf: bytes, *, reason: str, location: str
) -> Callable[[], tuple[bytes, str]]:
    """A worker job that opens the certificate, signs ``pdf`` and returns ``(signed, name)``.

    The PIN stays in the job's closure only; the token session is closed before it returns.
    """
    kind, path, pin = request.kind, request.path, request.pin

    def job() -> tuple[bytes, str]:
        from counter_app import signing

        if kind == KIND_PKCS12:
            signer = signing.open_pkcs12(Path(path), pin)
        else:
            signer = signing.open_pkcs11(path, pin)
        try:
            signed = signer.sign(pdf, reason=reason, location=location)
            return signed, signer.identity.common_name
        finally:
            close = getattr(signer, "close", None)
            if close is not None:
                close()

    return job


def validity_of(pdf: bytes) -> Validity:
    """The overall signature status of ``pdf`` and its signers (slow: call from a worker)."""
    from counter_app import signing

    report = signing.validate(pdf)
    return Validity(
        status=str(report.status), signers=tuple(s.common_name for s in report.signatures)
    )
