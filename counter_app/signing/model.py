"""Plain results of the signing package: who signs, and what a validation found.

No pyHanko here, so services and the UI can import these types without loading the crypto
stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class SignerIdentity:
    """The certificate holder as shown to the officer before signing.

    ``serial_hex`` is the certificate serial number in lower-case hexadecimal; ``issuer`` the
    issuing CA's common name (or its full name when it has none); ``not_after`` is aware (UTC).
    """

    common_name: str
    serial_hex: str
    issuer: str
    not_after: datetime


class SignatureStatus(StrEnum):
    """The verdict on one signature, or on a whole document (the worst of its signatures).

    Ordered from best to worst: ``VALID`` (intact, cryptographically valid and chained to a
    trusted root); ``VALID_UNTRUSTED`` (intact and valid, but no trusted root was given or the
    chain does not reach one: typically the national root CA is not installed); ``MODIFIED``
    (bytes covered by the signature changed, or content was changed after signing);
    ``INVALID`` (the signature itself does not verify or cannot be read); ``NONE`` (a document
    without signatures).
    """

    VALID = "valid"
    VALID_UNTRUSTED = "valid_untrusted"
    MODIFIED = "modified"
    INVALID = "invalid"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class SignatureInfo:
    """One signature of a PDF, as found by :func:`counter_app.signing.validate`.

    ``intact``: the signed bytes are unchanged. ``valid``: the cryptographic signature over
    them verifies. ``trusted``: the signer's certificate chains to one of the given roots.
    ``covers_whole_document``: nothing at all was appended after this signature.
    ``changed_after_signing``: a later revision changed content (not merely added another
    signature or validation data).
    """

    field_name: str
    common_name: str
    signed_at: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_document: bool
    changed_after_signing: bool
    status: SignatureStatus


@dataclass(frozen=True, slots=True)
class SignatureReport:
    """Every signature of a document, in signing order, and the overall verdict."""

    signatures: tuple[SignatureInfo, ...]
    status: SignatureStatus
