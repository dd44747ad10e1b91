"""The officer's digital signature on scanned components and receipts (issue 6).

Decree 118/2025 Art. 17.1.c: the reception officer signs the electronic copy of each paper
document with their personal digital signature. This package makes PAdES signatures (PAdES
B-B: ``ETSI.CAdES.detached``, SHA-256, signing certificate attribute; no timestamp, as the
counter works offline) with pyHanko, from a PKCS#11 USB token or a PKCS#12 file, and checks
the signatures of a PDF.

Public API::

    find_pkcs11_libraries(extra=()) -> list[str]          # token drivers present here
    open_pkcs11(lib_path, pin, *, token_label=None, key_label=None) -> DocumentSigner
    open_pkcs12(path, passphrase) -> DocumentSigner
    DocumentSigner.identity -> SignerIdentity             # show before asking to sign
    DocumentSigner.sign(pdf, *, reason, location, field_name=None) -> bytes
    DocumentSigner.close()  /  with open_pkcs11(...) as signer: ...
    validate(pdf, *, trust_roots=None) -> SignatureReport  # .status, .signatures

``sign`` appends an incremental update, so signatures stack and earlier ones stay valid. The
PIN or passphrase is passed in by the caller, used once and never stored. Every refusal is a
``DomainError`` (``SIGNING_*`` codes; messages in ``counter_app.texts.signing``). Signing
checks that the certificate is within its validity period and allowed to sign
(digitalSignature or nonRepudiation key usage). All calls are blocking (a token signature
takes tens to hundreds of milliseconds): run them in a background worker.

pyHanko is imported on first use, not when this package is imported, so the types below are
cheap to import anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from counter_app.signing.model import (
    SignatureInfo,
    SignatureReport,
    SignatureStatus,
    SignerIdentity,
)

if TYPE_CHECKING:
    from counter_app.signing.signer import DocumentSigner
    from counter_app.signing.validation import Certificate

__all__ = [
    "DocumentSigner",
    "SignatureInfo",
    "SignatureReport",
    "SignatureStatus",
    "SignerIdentity",
    "find_pkcs11_libraries",
    "open_pkcs11",
    "open_pkcs12",
    "validate",
]


def find_pkcs11_libraries(extra: Iterable[str] = ()) -> list[str]:
    """The PKCS#11 driver files present on this computer, ``extra`` (configured) paths first."""
    from counter_app.signing import tokens

    return tokens.find_pkcs11_libraries(extra)


def open_pkcs11(
    lib_path: str,
    pin: str,
    *,
    token_label: str | None = None,
    key_label: str | None = None,
) -> DocumentSigner:
    """Log in to a PKCS#11 token; see :func:`counter_app.signing.tokens.open_pkcs11`."""
    from counter_app.signing import tokens

    return tokens.open_pkcs11(lib_path, pin, token_label=token_label, key_label=key_label)


def open_pkcs12(path: Path, passphrase: str) -> DocumentSigner:
    """Open a ``.p12``/``.pfx`` file; see :func:`counter_app.signing.pkcs12_file.open_pkcs12`."""
    from counter_app.signing import pkcs12_file

    return pkcs12_file.open_pkcs12(path, passphrase)


def validate(pdf: bytes, *, trust_roots: Iterable[Certificate] | None = None) -> SignatureReport:
    """Check every signature of ``pdf``; see :func:`counter_app.signing.validation.validate`."""
    from counter_app.signing import validation

    return validation.validate(pdf, trust_roots=trust_roots)


def __getattr__(name: str) -> object:
    # ``from counter_app.signing import DocumentSigner`` at run time (for isinstance checks).
    if name == "DocumentSigner":
        from counter_app.signing.signer import DocumentSigner

        return DocumentSigner
    raise AttributeError(name)
