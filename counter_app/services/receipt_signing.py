"""The officer's signed electronic copy of a dossier's receipt (Mẫu 01, issue 6).

The receipt is rendered exactly as :mod:`counter_app.services.slips` renders it for a print,
on A4 (an electronic document has no roll or A5 printer behind it), and **without** a reprint
or re-issue mark: the signed PDF is an electronic original made from the dossier's current data,
not a copy of an earlier paper print, and when it was signed is in the signature and in the
event. It is not a print either: no print row and no ``slip_printed`` event, so whether the
next paper receipt is a reprint does not change.

Guarantees:

- a dossier without a receipt (guided or refused at the counter, or its result collected) is
  refused with ``RECEIPT_NOT_AVAILABLE`` before anything is rendered or signed;
- signing (slow with a token) happens before the transaction; then, in ONE transaction, the
  receipt is rendered again from the stored dossier and the signed PDF must be that very
  receipt with a signature appended (else ``RECEIPT_SIGNED_MISMATCH``), and the signed PDF
  (a local blob, queued for upload by the attachment sync), the ``receipt_signed`` event with
  its outbox entry, the projection and the audit entry are written together;
- a later signature replaces the dossier's signed receipt; a correction marks it outdated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from counter_app.domain.changes import Changes
from counter_app.domain.digitisation import ReceiptSignature
from counter_app.domain.dossier import Dossier, EventKind, check_allowed
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.domain.text import nfc
from counter_app.printing.printer import PaperSize
from counter_app.services import slips
from counter_app.services.station import StationContext, append_event
from counter_app.signing.model import SignerIdentity
from counter_app.texts.digitisation import RECEIPT_SIGN_REASON

PDF_MIME = "application/pdf"
RECEIPT_SIZE = PaperSize.A4


class ReceiptSigner(Protocol):
    """What signing needs of ``counter_app.signing.DocumentSigner`` (a token or a .p12 file)."""

    @property
    def identity(self) -> SignerIdentity: ...

    def sign(self, pdf: bytes, *, reason: str, location: str) -> bytes: ...


def has_receipt(dossier: Dossier) -> bool:
    """True when the dossier has a receipt (Mẫu 01) that can be signed now."""
    return slips.SlipForm.RECEIPT in slips.allowed_forms(dossier)


def _check_receipt(dossier: Dossier) -> None:
    if not has_receipt(dossier):
        raise DomainError(ErrorCode.RECEIPT_NOT_AVAILABLE, code=dossier.code or dossier.uuid)
    check_allowed(dossier, EventKind.RECEIPT_SIGNED)


def _render(ctx: StationContext, dossier: Dossier) -> bytes:
    return slips.render(ctx, dossier, form=slips.SlipForm.RECEIPT, size=RECEIPT_SIZE)


def receipt_to_sign(ctx: StationContext, dossier_uuid: str) -> bytes:
    """The unsigned receipt PDF of the dossier as it stands (same bytes for the same data).
    Writes nothing; RECEIPT_NOT_AVAILABLE for a dossier without a receipt."""
    dossier = ctx.dossier_by_uuid(dossier_uuid)
    _check_receipt(dossier)
    return _render(ctx, dossier)


def record_receipt_signature(
    ctx: StationContext,
    dossier_uuid: str,
    signed_pdf: bytes,
    *,
    signer_name: str,
    officer: str,
    signed_at: datetime | None = None,
) -> tuple[ReceiptSignature, Changes]:
    """Store ``signed_pdf`` (the current receipt with a signature appended) as the dossier's
    signed receipt, in one transaction (see the module guarantees)."""
    signer = nfc(signer_name)
    if not signer:
        raise DomainError(ErrorCode.SIGNER_NAME_MISSING)
    with ctx.store.db.atomic():
        dossier = ctx.dossier_by_uuid(dossier_uuid)
        _check_receipt(dossier)
        receipt = _render(ctx, dossier)
        if len(signed_pdf) <= len(receipt) or not signed_pdf.startswith(receipt):
            raise DomainError(ErrorCode.RECEIPT_SIGNED_MISMATCH, code=dossier.code or "")
        now = ctx.clock.now()
        digest = ctx.store.blobs.put(signed_pdf, PDF_MIME, at=now)
        body: dict[str, object] = {
            "sha256": digest,
            "signer": signer,
            "signed_at": (signed_at or now).astimezone(VN_TZ).isoformat(),
        }
        updated = append_event(
            ctx,
            dossier,
            EventKind.RECEIPT_SIGNED,
            officer=officer,
            payload=body,
            detail={"sha256": digest},
        )
    assert updated.signed_receipt is not None
    return updated.signed_receipt, Changes(dossiers=True)


def sign_receipt(
    ctx: StationContext, dossier_uuid: str, signer: ReceiptSigner, *, officer: str
) -> tuple[ReceiptSignature, Changes]:
    """Render the dossier's receipt, sign it with ``signer`` and record it (one transaction).

    Blocking (a token signature takes a moment): call it from a worker with its own
    connection, or sign with :func:`receipt_to_sign` on a worker and record with
    :func:`record_receipt_signature` on the main thread, as the window does."""
    pdf = receipt_to_sign(ctx, dossier_uuid)
    signed = signer.sign(pdf, reason=RECEIPT_SIGN_REASON, location=ctx.office().place_name)
    return record_receipt_signature(
        ctx, dossier_uuid, signed, signer_name=signer.identity.common_name, officer=officer
    )


def signed_receipt_pdf(ctx: StationContext, dossier_uuid: str) -> bytes | None:
    """The signed receipt's PDF; None when the receipt is not signed, or signed at another
    station and its bytes are not here yet."""
    dossier = ctx.dossier_by_uuid(dossier_uuid)
    receipt = dossier.signed_receipt
    return ctx.store.blobs.get(receipt.sha256) if receipt else None


def signed_receipt_of(ctx: StationContext, dossier_uuid: str) -> ReceiptSignature | None:
    """The dossier's signed receipt record (None: not signed)."""
    return ctx.dossier_by_uuid(dossier_uuid).signed_receipt


@dataclass(frozen=True, slots=True)
class ReceiptState:
    """What the dossier screen shows of the receipt: can it be signed now, is it signed, and
    are the signed PDF's bytes at this station (signed elsewhere and not fetched yet: no)."""

    available: bool
    signed: ReceiptSignature | None
    here: bool = False


def receipt_state(ctx: StationContext, dossier_uuid: str) -> ReceiptState:
    """The receipt's state for the dossier screen (reads only)."""
    dossier = ctx.dossier_by_uuid(dossier_uuid)
    signed = dossier.signed_receipt
    return ReceiptState(
        available=has_receipt(dossier),
        signed=signed,
        here=signed is not None and ctx.store.blobs.has(signed.sha256),
    )
