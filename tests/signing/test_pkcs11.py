"""PAdES signatures made on a real PKCS#11 token (SoftHSM2), checked with pyHanko's validator."""

from __future__ import annotations

import io

import pytest
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.signing import SignatureStatus, open_pkcs11, validate
from tests.signing.conftest import KEY_LABEL, MARKER, Token

REASON = "Chứng thực bản điện tử đúng với bản giấy"
LOCATION = "Bộ phận Một cửa xã Minh Hòa"


def _sign(token: Token, pdf: bytes) -> bytes:
    with open_pkcs11(token.lib, token.pin, token_label=token.label) as signer:
        return signer.sign(pdf, reason=REASON, location=LOCATION)


def _der(token: Token) -> bytes:
    return token.cert.public_bytes(serialization.Encoding.DER)


def test_token_signature_is_valid_but_untrusted_without_a_root(
    softhsm_token: Token, sample_pdf: bytes
) -> None:
    with open_pkcs11(softhsm_token.lib, softhsm_token.pin) as signer:
        assert signer.identity.common_name == "Nguyễn Thị Cán Bộ"
        assert signer.identity.serial_hex == format(softhsm_token.cert.serial_number, "x")
        signed = signer.sign(sample_pdf, reason=REASON, location=LOCATION)
    assert signed.startswith(sample_pdf)  # incremental update: the original bytes are kept
    report = validate(signed)
    assert report.status is SignatureStatus.VALID_UNTRUSTED
    (info,) = report.signatures
    assert (info.intact, info.valid, info.trusted) == (True, True, False)
    assert info.covers_whole_document and not info.changed_after_signing
    assert info.common_name == "Nguyễn Thị Cán Bộ"
    assert info.signed_at is not None
    assert info.field_name == "Signature1"


def test_token_signature_is_valid_with_its_certificate_as_trust_root(
    softhsm_token: Token, sample_pdf: bytes
) -> None:
    signed = _sign(softhsm_token, sample_pdf)
    report = validate(signed, trust_roots=[_der(softhsm_token)])
    assert report.status is SignatureStatus.VALID
    assert report.signatures[0].trusted


def test_a_byte_changed_in_the_signed_range_is_detected(
    softhsm_token: Token, sample_pdf: bytes
) -> None:
    signed = _sign(softhsm_token, sample_pdf)
    at = signed.index(MARKER) + 4
    tampered = signed[:at] + bytes([signed[at] ^ 0x01]) + signed[at + 1 :]
    report = validate(tampered, trust_roots=[_der(softhsm_token)])
    assert report.status is SignatureStatus.MODIFIED
    assert not report.signatures[0].intact


def test_content_added_after_signing_is_reported(softhsm_token: Token, sample_pdf: bytes) -> None:
    signed = _sign(softhsm_token, sample_pdf)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    text = generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 700 Td (Them sau khi ky) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(text))  # type: ignore[no-untyped-call]
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]
    report = validate(out.getvalue(), trust_roots=[_der(softhsm_token)])
    (info,) = report.signatures
    assert info.intact and info.valid  # the signed revision itself is untouched
    assert not info.covers_whole_document
    assert info.changed_after_signing
    assert report.status is SignatureStatus.MODIFIED


def test_bytes_appended_after_signing_are_not_covered(
    softhsm_token: Token, sample_pdf: bytes
) -> None:
    signed = _sign(softhsm_token, sample_pdf)
    report = validate(signed + b"\n% appended\n")
    assert not report.signatures[0].covers_whole_document
    assert validate(signed).signatures[0].covers_whole_document


def test_wrong_pin_is_refused_and_changes_nothing(softhsm_token: Token, sample_pdf: bytes) -> None:
    with pytest.raises(DomainError) as caught:
        open_pkcs11(softhsm_token.lib, "000000", token_label=softhsm_token.label)
    assert caught.value.code is ErrorCode.SIGNING_PIN_WRONG
    # The token still works with the right PIN afterwards.
    assert validate(_sign(softhsm_token, sample_pdf)).status is SignatureStatus.VALID_UNTRUSTED


def test_key_chosen_by_label_and_unknown_key_label_refused(softhsm_token: Token) -> None:
    with open_pkcs11(softhsm_token.lib, softhsm_token.pin, key_label=KEY_LABEL) as signer:
        assert signer.identity.common_name == "Nguyễn Thị Cán Bộ"
    with pytest.raises(DomainError) as caught:
        open_pkcs11(softhsm_token.lib, softhsm_token.pin, key_label="no-such-key")
    assert caught.value.code is ErrorCode.SIGNING_KEY_NOT_FOUND


def test_missing_token_and_missing_driver_are_clear_errors(softhsm_token: Token) -> None:
    with pytest.raises(DomainError) as caught:
        open_pkcs11(softhsm_token.lib, softhsm_token.pin, token_label="Not plugged in")
    assert caught.value.code is ErrorCode.SIGNING_TOKEN_NOT_FOUND
    with pytest.raises(DomainError) as caught:
        open_pkcs11("/nonexistent/libvendor-pkcs11.so", softhsm_token.pin)
    assert caught.value.code is ErrorCode.SIGNING_LIBRARY_NOT_FOUND
    assert caught.value.params == {"path": "/nonexistent/libvendor-pkcs11.so"}


def test_closed_session_cannot_sign(softhsm_token: Token, sample_pdf: bytes) -> None:
    signer = open_pkcs11(softhsm_token.lib, softhsm_token.pin)
    signer.close()
    signer.close()  # idempotent
    with pytest.raises(DomainError) as caught:
        signer.sign(sample_pdf, reason=REASON, location=LOCATION)
    assert caught.value.code is ErrorCode.SIGNING_FAILED
