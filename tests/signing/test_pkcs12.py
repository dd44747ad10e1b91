"""PAdES signatures from a PKCS#12 file; certificate checks; stacked signatures."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter_app import texts
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.signing import (
    SignatureStatus,
    find_pkcs11_libraries,
    open_pkcs11,
    open_pkcs12,
    validate,
)
from tests.signing.conftest import (
    SOFTHSM_LIB,
    Pkcs12File,
    Token,
    make_cert,
    make_key,
    make_pdf,
    write_pkcs12,
)


def test_pkcs12_signature_chains_to_the_given_root(
    pkcs12_file: Pkcs12File, sample_pdf: bytes
) -> None:
    with open_pkcs12(pkcs12_file.path, pkcs12_file.passphrase) as signer:
        assert signer.identity.common_name == "Trần Văn Tiếp Nhận"
        assert signer.identity.issuer == "Test Root CA"
        signed = signer.sign(sample_pdf, reason="Ký số", location="Quầy 1", field_name="CanBo")
    trusted = validate(signed, trust_roots=[pkcs12_file.root])
    assert trusted.status is SignatureStatus.VALID
    assert trusted.signatures[0].field_name == "CanBo"
    # Without the root (the national root CA is not installed) the signature stays sound.
    assert validate(signed).status is SignatureStatus.VALID_UNTRUSTED
    other_root = make_cert(make_key(), common_name="Other Root", key_usage="ca", ca=True)
    assert validate(signed, trust_roots=[other_root]).status is SignatureStatus.VALID_UNTRUSTED


def test_pkcs12_byte_flip_is_detected(pkcs12_file: Pkcs12File, sample_pdf: bytes) -> None:
    with open_pkcs12(pkcs12_file.path, pkcs12_file.passphrase) as signer:
        signed = signer.sign(sample_pdf, reason="Ký số", location="Quầy 1")
    # A byte in the middle of the first signed range (the original document).
    at = len(sample_pdf) // 2
    tampered = signed[:at] + bytes([signed[at] ^ 0x20]) + signed[at + 1 :]
    assert validate(tampered).status in (SignatureStatus.MODIFIED, SignatureStatus.INVALID)
    assert not validate(tampered).signatures[0].intact


def test_wrong_passphrase_is_refused(pkcs12_file: Pkcs12File) -> None:
    with pytest.raises(DomainError) as caught:
        open_pkcs12(pkcs12_file.path, "wrong")
    assert caught.value.code is ErrorCode.SIGNING_PKCS12_UNREADABLE
    assert "sai mật khẩu" in texts.error_message(caught.value)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DomainError) as caught:
        open_pkcs12(tmp_path / "none.p12", "x")
    assert caught.value.code is ErrorCode.FILE_UNREADABLE


def test_expired_certificate_is_refused(tmp_path: Path) -> None:
    key = make_key()
    cert = make_cert(key, common_name="Hết Hạn", days=(-400, -1))
    path = write_pkcs12(tmp_path / "old.p12", key, cert, "pw")
    with pytest.raises(DomainError) as caught:
        open_pkcs12(path, "pw")
    assert caught.value.code is ErrorCode.SIGNING_CERT_EXPIRED
    message = texts.error_message(caught.value)
    assert "Hết Hạn" in message and "hết hạn ngày" in message


def test_certificate_without_signing_key_usage_is_refused(tmp_path: Path) -> None:
    key = make_key()
    cert = make_cert(key, common_name="Chỉ Mã Hóa", key_usage="encrypt")
    path = write_pkcs12(tmp_path / "enc.p12", key, cert, "pw")
    with pytest.raises(DomainError) as caught:
        open_pkcs12(path, "pw")
    assert caught.value.code is ErrorCode.SIGNING_CERT_NOT_FOR_SIGNING


def test_signatures_stack_and_all_stay_valid(
    softhsm_token: Token, pkcs12_file: Pkcs12File, sample_pdf: bytes
) -> None:
    with open_pkcs11(softhsm_token.lib, softhsm_token.pin) as token_signer:
        once = token_signer.sign(sample_pdf, reason="Ký lần 1", location="Quầy 1")
    with open_pkcs12(pkcs12_file.path, pkcs12_file.passphrase) as file_signer:
        twice = file_signer.sign(once, reason="Ký lần 2", location="Quầy 1")
    report = validate(twice, trust_roots=[softhsm_token.cert, pkcs12_file.root])
    assert [s.field_name for s in report.signatures] == ["Signature1", "Signature2"]
    assert [s.status for s in report.signatures] == [SignatureStatus.VALID] * 2
    first, second = report.signatures
    assert not first.covers_whole_document and not first.changed_after_signing
    assert second.covers_whole_document
    assert report.status is SignatureStatus.VALID


def test_unsigned_and_unreadable_documents() -> None:
    assert validate(make_pdf()).status is SignatureStatus.NONE
    assert validate(make_pdf()).signatures == ()
    with pytest.raises(DomainError) as caught:
        validate(b"not a pdf at all")
    assert caught.value.code is ErrorCode.SIGNING_PDF_INVALID


def test_signing_a_non_pdf_is_refused(pkcs12_file: Pkcs12File) -> None:
    with (
        open_pkcs12(pkcs12_file.path, pkcs12_file.passphrase) as signer,
        pytest.raises(DomainError) as caught,
    ):
        signer.sign(b"%PDF-1.7 broken", reason="r", location="l")
    assert caught.value.code is ErrorCode.SIGNING_PDF_INVALID


def test_find_pkcs11_libraries(tmp_path: Path) -> None:
    configured = tmp_path / "vendor-pkcs11.so"
    configured.write_bytes(b"\x7fELF")
    found = find_pkcs11_libraries([str(configured), str(tmp_path / "missing.so")])
    assert found[0] == str(configured)
    assert SOFTHSM_LIB in found
    assert str(tmp_path / "missing.so") not in found
    assert len(found) == len(set(found))


def test_signature_status_labels_cover_every_status() -> None:
    from counter_app.texts.signing import SIGNATURE_STATUS_LABELS

    assert set(SIGNATURE_STATUS_LABELS) == {status.value for status in SignatureStatus}
    assert SIGNATURE_STATUS_LABELS[SignatureStatus.NONE] == "Chưa ký"
