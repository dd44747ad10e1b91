"""Signing with a PKCS#12 file (``.p12``/``.pfx``) protected by a passphrase."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.sign.signers import SimpleSigner

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.signing.certificates import check_can_sign
from counter_app.signing.signer import DocumentSigner


def open_pkcs12(path: Path, passphrase: str) -> DocumentSigner:
    """A signer from the PKCS#12 file at ``path``.

    Raises ``DomainError``: ``FILE_UNREADABLE`` (no such file), ``SIGNING_PKCS12_UNREADABLE``
    (wrong passphrase or not PKCS#12), ``SIGNING_CERT_*`` (expired, not for signing).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DomainError(ErrorCode.FILE_UNREADABLE, path=str(path)) from exc
    try:
        loaded = SimpleSigner.load_pkcs12_data(
            data, other_certs=(), passphrase=passphrase.encode("utf-8") if passphrase else None
        )
    except (ValueError, TypeError) as exc:
        raise DomainError(ErrorCode.SIGNING_PKCS12_UNREADABLE, path=str(path)) from exc
    cert = loaded.signing_cert
    if cert is None or loaded.signing_key is None:
        raise DomainError(ErrorCode.SIGNING_PKCS12_UNREADABLE, path=str(path))
    check_can_sign(cert)
    return DocumentSigner(_KeptKeySigner(loaded))


class _KeptKeySigner(SimpleSigner):
    """pyHanko's SimpleSigner, but the RSA key is parsed once instead of at every signature.

    ``SimpleSigner.sign_raw`` re-imports the key for each signature, and cryptography checks
    an imported RSA key thoroughly (about 150 ms for 2048 bits): most of the time of a
    signature. Other key types and RSA-PSS go through the inherited code unchanged.
    """

    def __init__(self, loaded: SimpleSigner) -> None:
        super().__init__(
            signing_cert=loaded.signing_cert,
            signing_key=loaded.signing_key,
            cert_registry=loaded.cert_registry,
        )
        self._private_key: Any = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if mechanism.signature_algo != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)
        if self._private_key is None:
            from cryptography.hazmat.primitives import serialization

            self._private_key = serialization.load_der_private_key(
                self.signing_key.dump(), password=None
            )
        key = self._private_key
        assert isinstance(key, RSAPrivateKey)
        algorithm = getattr(hashes, digest_algorithm.upper())()
        return key.sign(data, PKCS1v15(), algorithm)
