"""The officer's signer: one PAdES signature per call, appended as an incremental update."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from types import TracebackType
from typing import Self

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import Signer

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.signing.certificates import check_can_sign, identity_of
from counter_app.signing.model import SignerIdentity

log = logging.getLogger(__name__)


class DocumentSigner:
    """Signs PDFs with one certificate (a PKCS#12 file or a PKCS#11 token session).

    Use it as a context manager, or call :meth:`close` when done: for a token this logs out
    and closes the session. The PIN or passphrase is not kept by this object.
    """

    def __init__(
        self,
        signer: Signer,
        *,
        on_close: Callable[[], None] | None = None,
        device_errors: tuple[type[Exception], ...] = (),
    ) -> None:
        cert = signer.signing_cert
        if cert is None:  # pragma: no cover - both factories always set it
            raise DomainError(ErrorCode.SIGNING_KEY_NOT_FOUND)
        self._signer = signer
        self._on_close = on_close
        self._device_errors = device_errors
        self.identity: SignerIdentity = identity_of(cert)

    def sign(
        self, pdf: bytes, *, reason: str, location: str, field_name: str | None = None
    ) -> bytes:
        """Return ``pdf`` with one more PAdES B-B signature appended (incremental update).

        The original bytes are kept unchanged at the start of the result, so signatures
        already present stay valid and several signatures stack. ``field_name`` defaults to
        the next free ``SignatureN``. Raises ``DomainError`` (``SIGNING_CERT_*`` when the
        certificate may not sign today, ``SIGNING_PDF_INVALID``, ``SIGNING_FAILED``); on any
        error nothing is returned and the input is untouched.
        """
        cert = self._signer.signing_cert
        assert cert is not None
        check_can_sign(cert)
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
            name = field_name or _free_field_name(writer)
        except (PdfError, ValueError, KeyError, TypeError) as exc:
            log.warning("PDF not signable: %s", exc)
            raise DomainError(ErrorCode.SIGNING_PDF_INVALID) from exc
        meta = signers.PdfSignatureMetadata(
            field_name=name,
            reason=reason,
            location=location,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
        )
        pdf_signer = signers.PdfSigner(meta, signer=self._signer)
        output = io.BytesIO()
        errors: tuple[type[BaseException], ...] = (SigningError, PdfError, *self._device_errors)
        try:
            pdf_signer.sign_pdf(writer, output=output)
        except errors as exc:
            log.warning("signing failed: %s", exc)
            raise DomainError(ErrorCode.SIGNING_FAILED, detail=str(exc)) from exc
        return output.getvalue()

    def close(self) -> None:
        """Release the key (close the token session); idempotent."""
        on_close, self._on_close = self._on_close, None
        if on_close is not None:
            on_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _free_field_name(writer: IncrementalPdfFileWriter) -> str:
    """The first ``SignatureN`` not yet used by a field of the document."""
    taken = {name for name, _, _ in fields.enumerate_sig_fields(writer)}
    number = 1
    while f"Signature{number}" in taken:
        number += 1
    return f"Signature{number}"
