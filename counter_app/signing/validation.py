"""Checking the signatures of a PDF with pyHanko's validator (offline: nothing is fetched)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from typing import Any, TypeAlias

from asn1crypto import pem, x509
from cryptography import x509 as pyca_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.signing.model import SignatureInfo, SignatureReport, SignatureStatus

log = logging.getLogger(__name__)
# pyHanko logs every certificate it cannot chain to a trusted root as a warning with two
# chained tracebacks. At a counter that is every signature until the national root CA is
# configured, and the verdict is reported by SignatureReport anyway: keep it out of the log.
logging.getLogger("pyhanko.sign.validation.generic_cms").setLevel(logging.ERROR)

# Worst last: the document's verdict is the worst verdict among its signatures.
_SEVERITY = (
    SignatureStatus.VALID,
    SignatureStatus.VALID_UNTRUSTED,
    SignatureStatus.MODIFIED,
    SignatureStatus.INVALID,
)
# Later revisions that only add signatures, form data or validation data leave a signature
# standing; anything else (a changed page, an added annotation) counts as changed content.
_BENIGN = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)
_KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)

# A trust root: DER or PEM bytes, an asn1crypto or a cryptography certificate.
Certificate: TypeAlias = bytes | x509.Certificate | pyca_x509.Certificate


def validate(pdf: bytes, *, trust_roots: Iterable[Certificate] | None = None) -> SignatureReport:
    """Every signature in ``pdf``, checked, and the document's overall status.

    ``trust_roots`` are the root certificates to trust (e.g. the national root CA); without
    them a sound signature is ``VALID_UNTRUSTED``, never ``VALID``. The system's trust store
    is not used and no revocation data is fetched (the counter works offline). Raises
    ``DomainError(SIGNING_PDF_INVALID)`` when ``pdf`` cannot be read as a PDF at all.
    """
    roots = [_as_asn1(cert) for cert in trust_roots or ()]
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_regular_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise DomainError(ErrorCode.SIGNING_PDF_INVALID) from exc
    signatures = tuple(_check(sig, roots) for sig in embedded)
    if not signatures:
        return SignatureReport(signatures=(), status=SignatureStatus.NONE)
    worst = max((info.status for info in signatures), key=_SEVERITY.index)
    return SignatureReport(signatures=signatures, status=worst)


def _check(embedded: Any, roots: list[x509.Certificate]) -> SignatureInfo:
    context = ValidationContext(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
    )
    field_name = str(embedded.field_name)
    try:
        status = validate_pdf_signature(
            embedded, signer_validation_context=context, key_usage_settings=_KEY_USAGE
        )
    except Exception as exc:  # any failure to verify is a verdict, not a crash
        log.warning("signature %s could not be validated: %s", field_name, exc)
        return SignatureInfo(
            field_name=field_name,
            common_name=_common_name(getattr(embedded, "signer_cert", None)),
            signed_at=None,
            intact=False,
            valid=False,
            trusted=False,
            covers_whole_document=False,
            changed_after_signing=False,
            status=SignatureStatus.INVALID,
        )
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    level = status.modification_level
    changed = not whole and (level is None or level not in _BENIGN or status.docmdp_ok is False)
    if not status.intact or changed:
        verdict = SignatureStatus.MODIFIED
    elif not status.valid:
        verdict = SignatureStatus.INVALID
    elif status.trusted:
        verdict = SignatureStatus.VALID
    else:
        verdict = SignatureStatus.VALID_UNTRUSTED
    return SignatureInfo(
        field_name=field_name,
        common_name=_common_name(status.signing_cert),
        signed_at=status.signer_reported_dt,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_document=whole,
        changed_after_signing=changed,
        status=verdict,
    )


def _common_name(cert: x509.Certificate | None) -> str:
    if cert is None:
        return ""
    return str(cert.subject.native.get("common_name") or cert.subject.human_friendly)


def _as_asn1(cert: Certificate) -> x509.Certificate:
    if isinstance(cert, x509.Certificate):
        return cert
    if isinstance(cert, bytes):
        der = pem.unarmor(cert)[2] if pem.detect(cert) else cert
        return x509.Certificate.load(der)
    return x509.Certificate.load(cert.public_bytes(Encoding.DER))
