"""The signed receipt (Mẫu 01) through the real service: a real station database, a real
PKCS#12 file and a real SoftHSM2 token, the signature checked by pyHanko's validator."""

from __future__ import annotations

import io
from dataclasses import replace

import pypdf
import pytest

from counter_app.domain.dossier import Dossier, project
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.printing.printer import PaperSize
from counter_app.services import receipt_signing as rs
from counter_app.services.actions import Action, record_action
from counter_app.services.intake import ReceptionRequest, receive_dossier, refuse_dossier
from counter_app.services.slips import SlipForm, issue_slip
from counter_app.services.station import StationContext
from counter_app.signing import SignatureStatus, open_pkcs11, open_pkcs12, validate
from counter_app.storage.blob_sync import BlobSyncRepository
from counter_app.texts import error_message
from sync_protocol.hlc import HLC_KEY
from tests.conftest import make_applicant
from tests.signing.conftest import Pkcs12File, Token

REQUEST = ReceptionRequest(procedure_code="1.001193", applicant=make_applicant())


def _receive(station: StationContext) -> Dossier:
    return receive_dossier(station, REQUEST, officer="canbo")[0]


def _counts(station: StationContext) -> tuple[int, ...]:
    conn = station.store.db.conn
    return tuple(
        conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("events", "outbox", "audit_log", "blobs", "blob_uploads", "prints")
    )


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _check_signed(station: StationContext, dossier: Dossier, signer_name: str) -> bytes:
    stored = station.store.dossiers.by_uuid(dossier.uuid)
    assert stored is not None and stored.signed_receipt is not None
    assert stored.signed_receipt.signer == signer_name and not stored.signed_receipt.outdated
    events = station.store.dossiers.events_of(dossier.uuid)
    assert events[-1].kind == "receipt_signed"
    # the hybrid logical clock stamp rides in every event a counter creates
    assert set(events[-1].payload) == {"sha256", "signer", "signed_at", HLC_KEY}
    assert project(events) == stored  # another station rebuilds the same record
    signed = rs.signed_receipt_pdf(station, dossier.uuid)
    assert signed is not None
    assert events[-1].payload["sha256"] == stored.signed_receipt.sha256
    assert signed.startswith(rs.receipt_to_sign(station, dossier.uuid))
    assert validate(signed).status is SignatureStatus.VALID_UNTRUSTED
    queued = [p.sha256 for p in BlobSyncRepository(station.store.db, station.store.blobs).pending()]
    assert stored.signed_receipt.sha256 in queued  # the attachment sync uploads it
    return signed


def test_a_receipt_signed_with_a_p12_file_is_stored_projected_and_queued(
    station: StationContext, pkcs12_file: Pkcs12File
) -> None:
    dossier = _receive(station)
    # A paper receipt was printed already: the signed copy must not say "reprint".
    issue_slip(station, dossier, form=SlipForm.RECEIPT, size=PaperSize.A5, officer="canbo")
    before = _counts(station)
    assert rs.signed_receipt_pdf(station, dossier.uuid) is None
    with open_pkcs12(pkcs12_file.path, pkcs12_file.passphrase) as signer:
        record, changes = rs.sign_receipt(station, dossier.uuid, signer, officer="canbo")
    assert changes.dossiers and record.signer == "Trần Văn Tiếp Nhận"
    signed = _check_signed(station, dossier, "Trần Văn Tiếp Nhận")
    after = _counts(station)
    # one event + outbox entry + audit entry + blob queued; no print recorded
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 1, 1, 1, 0]
    text = _text(signed)
    assert dossier.code is not None and dossier.code in text
    assert "IN LẠI" not in text and "CẤP LẠI" not in text
    assert validate(signed).signatures[0].common_name == "Trần Văn Tiếp Nhận"


def test_a_receipt_signed_on_a_token_is_valid_and_a_correction_outdates_it(
    station: StationContext, softhsm_token: Token
) -> None:
    dossier = _receive(station)
    with open_pkcs11(softhsm_token.lib, softhsm_token.pin) as signer:
        rs.sign_receipt(station, dossier.uuid, signer, officer="canbo")
    _check_signed(station, dossier, "Nguyễn Thị Cán Bộ")
    current = station.store.dossiers.by_uuid(dossier.uuid)
    assert current is not None
    record_action(
        station, current, Action.CORRECT, officer="lanhdao", payload={"changes": {"sets": 2}}
    )
    corrected = rs.signed_receipt_of(station, dossier.uuid)
    assert corrected is not None and corrected.outdated
    with open_pkcs11(softhsm_token.lib, softhsm_token.pin) as signer:
        again, _ = rs.sign_receipt(station, dossier.uuid, signer, officer="canbo")
    assert not again.outdated and again.sha256 != corrected.sha256


def test_a_dossier_without_a_receipt_is_refused_and_nothing_changes(
    station: StationContext, pkcs12_file: Pkcs12File
) -> None:
    refused = refuse_dossier(station, REQUEST, reason="Không thuộc thẩm quyền", officer="c")[0]
    before = _counts(station)
    with (
        open_pkcs12(pkcs12_file.path, pkcs12_file.passphrase) as signer,
        pytest.raises(DomainError) as caught,
    ):
        rs.sign_receipt(station, refused.uuid, signer, officer="canbo")
    assert caught.value.code is ErrorCode.RECEIPT_NOT_AVAILABLE
    assert "không có phiếu tiếp nhận" in error_message(caught.value)
    assert _counts(station) == before
    stored = station.store.dossiers.by_uuid(refused.uuid)
    assert stored is not None and stored.signed_receipt is None


def test_a_signed_pdf_that_is_not_the_current_receipt_is_refused(
    station: StationContext, pkcs12_file: Pkcs12File
) -> None:
    dossier = _receive(station)
    other = receive_dossier(station, replace(REQUEST, sets=3), officer="canbo")[0]
    with open_pkcs12(pkcs12_file.path, pkcs12_file.passphrase) as signer:
        wrong = signer.sign(rs.receipt_to_sign(station, other.uuid), reason="x", location="y")
    before = _counts(station)
    with pytest.raises(DomainError) as caught:
        rs.record_receipt_signature(
            station, dossier.uuid, wrong, signer_name="Trần Văn Tiếp Nhận", officer="canbo"
        )
    assert caught.value.code is ErrorCode.RECEIPT_SIGNED_MISMATCH
    assert _counts(station) == before
