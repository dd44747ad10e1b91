"""Signing with a PKCS#11 token (the USB tokens Vietnamese CAs issue to officials).

The PIN is used once, to log in, and is not kept. The session stays open until the
``DocumentSigner`` is closed, so several components can be signed after one PIN entry.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pkcs11
from asn1crypto import x509
from pkcs11 import Attribute, ObjectClass, TokenFlag
from pyhanko.sign.pkcs11 import PKCS11Signer

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.signing.certificates import check_can_sign
from counter_app.signing.signer import DocumentSigner

log = logging.getLogger(__name__)

# Driver file names seen with the tokens of Vietnamese CAs (Viettel-CA, VNPT-CA, FPT-CA,
# BKAV-CA, NewCA, iCA, the Government Cipher Committee's tokens) and the chips they use
# (Feitian ePass2003, SafeNet eToken), plus OpenSC and SoftHSM2. Collected from public
# integrations, not from the vendors' documentation: an officer whose driver is elsewhere
# picks the file by hand (the ``extra`` argument of find_pkcs11_libraries).
_WINDOWS_NAMES = (
    "viettel-ca_v6.dll",
    "viettel-ca_v5.dll",
    "viettel-ca_v4.dll",
    "vnpt-ca_csp11.dll",
    "vnptca_p11_v8.dll",
    "vnptca_p11_v6.dll",
    "VNPT-CA_v34.dll",
    "fpt-ca.dll",
    "bkavca_p11.dll",
    "BkavCAPKCS11.dll",
    "ncca_csp11_v1.dll",
    "ica_csp11_v1.dll",
    "SignatureP11.dll",
    "eps2003csp11.dll",
    "eps2003csp11v2.dll",
    "eTPKCS11.dll",
)
_WINDOWS_FILES = (
    r"C:\Program Files\OpenSC Project\OpenSC\pkcs11\opensc-pkcs11.dll",
    r"C:\SoftHSM2\lib\softhsm2-x64.dll",
)
_UNIX_FILES = (
    "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
    "/usr/lib/opensc-pkcs11.so",
    "/usr/lib/libeTPkcs11.so",
    "/usr/lib/libeps2003csp11.so",
    "/usr/lib/libcastle.so.1.0.0",
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)


def find_pkcs11_libraries(extra: Iterable[str] = ()) -> list[str]:
    """The PKCS#11 driver files present on this computer, ``extra`` paths first.

    ``extra`` is for a path the officer configured; missing files are left out, and each
    path appears once.
    """
    if sys.platform == "win32":
        root = Path(os.environ.get("SYSTEMROOT", r"C:\Windows"))
        candidates = [str(root / "System32" / name) for name in _WINDOWS_NAMES]
        candidates += _WINDOWS_FILES
    else:
        candidates = list(_UNIX_FILES)
    found: list[str] = []
    for path in [*extra, *candidates]:
        if path and path not in found and Path(path).is_file():
            found.append(path)
    return found


def open_pkcs11(
    lib_path: str,
    pin: str,
    *,
    token_label: str | None = None,
    key_label: str | None = None,
) -> DocumentSigner:
    """Log in to a token with ``pin`` and return a signer for its signing key.

    Without ``token_label`` the first token present is used; without ``key_label`` the first
    private key whose certificate (same ``CKA_ID``) may sign today. Close the result (or use
    it as a context manager) to log out. Raises ``DomainError``: ``SIGNING_LIBRARY_NOT_FOUND``,
    ``SIGNING_TOKEN_NOT_FOUND``, ``SIGNING_PIN_WRONG`` / ``SIGNING_PIN_FINAL_TRY`` /
    ``SIGNING_PIN_LOCKED`` (nothing changed on the token apart from its retry counter),
    ``SIGNING_KEY_NOT_FOUND``, ``SIGNING_CERT_*``.
    """
    try:
        lib = pkcs11.lib(lib_path)
    except pkcs11.PKCS11Error as exc:
        raise DomainError(ErrorCode.SIGNING_LIBRARY_NOT_FOUND, path=lib_path) from exc
    slot, token = _find_token(lib, token_label)
    try:
        session = token.open(user_pin=pin)
    except (pkcs11.PinIncorrect, pkcs11.PinLenRange, pkcs11.PinInvalid) as exc:
        raise DomainError(_wrong_pin_code(slot)) from exc
    except pkcs11.PinLocked as exc:
        raise DomainError(ErrorCode.SIGNING_PIN_LOCKED) from exc
    except (pkcs11.TokenNotPresent, pkcs11.TokenNotRecognised, pkcs11.DeviceRemoved) as exc:
        raise DomainError(ErrorCode.SIGNING_TOKEN_NOT_FOUND) from exc
    try:
        key_id, cert, others = _signing_key(session, key_label)
        signer = PKCS11Signer(
            session, key_id=key_id, cert_id=key_id, signing_cert=cert, ca_chain=others
        )
        return DocumentSigner(signer, on_close=session.close, device_errors=(pkcs11.PKCS11Error,))
    except BaseException:
        session.close()
        raise


def _find_token(lib: Any, token_label: str | None) -> tuple[Any, Any]:
    try:
        slots = lib.get_slots(token_present=True)
    except pkcs11.PKCS11Error as exc:
        raise DomainError(ErrorCode.SIGNING_TOKEN_NOT_FOUND) from exc
    for slot in slots:
        try:
            token = slot.get_token()
        except pkcs11.PKCS11Error:
            continue
        if not token.flags & TokenFlag.TOKEN_INITIALIZED:
            continue
        if token_label is None or token.label.strip() == token_label.strip():
            return slot, token
    raise DomainError(ErrorCode.SIGNING_TOKEN_NOT_FOUND)


def _wrong_pin_code(slot: Any) -> ErrorCode:
    """Read the token's flags again after a failed login: some tokens tell what is left."""
    try:
        flags = slot.get_token().flags
    except pkcs11.PKCS11Error:
        return ErrorCode.SIGNING_PIN_WRONG
    if flags & TokenFlag.USER_PIN_LOCKED:
        return ErrorCode.SIGNING_PIN_LOCKED
    if flags & TokenFlag.USER_PIN_FINAL_TRY:
        return ErrorCode.SIGNING_PIN_FINAL_TRY
    return ErrorCode.SIGNING_PIN_WRONG


def _signing_key(
    session: Any, key_label: str | None
) -> tuple[bytes, x509.Certificate, list[x509.Certificate]]:
    """The chosen key's id, its certificate, and the token's other certificates."""
    certs: dict[bytes, x509.Certificate] = {}
    for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
        try:
            certs[bytes(obj[Attribute.ID])] = x509.Certificate.load(bytes(obj[Attribute.VALUE]))
        except (pkcs11.PKCS11Error, ValueError) as exc:
            log.info("unreadable certificate object on the token: %s", exc)
    query: dict[Attribute, Any] = {Attribute.CLASS: ObjectClass.PRIVATE_KEY}
    if key_label is not None:
        query[Attribute.LABEL] = key_label
    refusal: DomainError | None = None
    for key in session.get_objects(query):
        key_id = bytes(key[Attribute.ID])
        cert = certs.get(key_id)
        if cert is None:
            continue
        try:
            check_can_sign(cert)
        except DomainError as exc:
            refusal = refusal or exc
            continue
        others = [other for other_id, other in certs.items() if other_id != key_id]
        return key_id, cert, others
    if refusal is not None:
        raise refusal
    raise DomainError(ErrorCode.SIGNING_KEY_NOT_FOUND)
