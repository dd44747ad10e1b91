"""Reading the signer's certificate: who it names and whether it may sign today."""

from __future__ import annotations

from datetime import UTC, datetime

from asn1crypto import x509

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.signing.model import SignerIdentity

# A signature on a document needs one of these key usages (RFC 5280 §4.2.1.3:
# digitalSignature, or contentCommitment, formerly nonRepudiation). A certificate without the
# key usage extension is not restricted.
_SIGNING_USAGES = {"digital_signature", "non_repudiation"}


def identity_of(cert: x509.Certificate) -> SignerIdentity:
    """The :class:`SignerIdentity` shown for ``cert``."""
    subject = cert.subject.native
    issuer = cert.issuer.native
    not_after: datetime = cert["tbs_certificate"]["validity"]["not_after"].native
    return SignerIdentity(
        common_name=str(subject.get("common_name") or cert.subject.human_friendly),
        serial_hex=format(cert.serial_number, "x"),
        issuer=str(issuer.get("common_name") or cert.issuer.human_friendly),
        not_after=not_after.astimezone(UTC),
    )


def check_can_sign(cert: x509.Certificate, *, now: datetime | None = None) -> None:
    """Refuse a certificate that is expired, not yet valid or not meant for signatures.

    Raises ``DomainError`` with ``SIGNING_CERT_EXPIRED``, ``SIGNING_CERT_NOT_YET_VALID`` or
    ``SIGNING_CERT_NOT_FOR_SIGNING``; returns quietly otherwise.
    """
    moment = now or datetime.now(UTC)
    identity = identity_of(cert)
    validity = cert["tbs_certificate"]["validity"]
    not_before: datetime = validity["not_before"].native
    if moment > identity.not_after:
        raise DomainError(
            ErrorCode.SIGNING_CERT_EXPIRED,
            common_name=identity.common_name,
            not_after=f"{identity.not_after:%d/%m/%Y}",
        )
    if moment < not_before:
        raise DomainError(
            ErrorCode.SIGNING_CERT_NOT_YET_VALID,
            common_name=identity.common_name,
            not_before=f"{not_before:%d/%m/%Y}",
        )
    usage = cert.key_usage_value
    if usage is not None and not (set(usage.native) & _SIGNING_USAGES):
        raise DomainError(ErrorCode.SIGNING_CERT_NOT_FOR_SIGNING, common_name=identity.common_name)
