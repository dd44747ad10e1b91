"""Signatures stack (issue 12 item 8): a second ``sign`` of a signed component appends a
PAdES signature as an incremental update; the first one stays valid, byte for byte."""

from __future__ import annotations

from pathlib import Path

from counter_app import signing
from tests.cli.test_digitisation_cli import (
    PASSWORD,
    SIGNER,
    SoftToken,
    Station,
    _attach_two_files,
    p12,
    soft_token,
    station,
)

__all__ = ["p12", "soft_token", "station"]  # fixtures


def test_a_second_signature_keeps_the_first_valid(
    station: Station, p12: Path, soft_token: SoftToken
) -> None:
    _attach_two_files(station)
    p12_args = ("sign", station.code, "--component", "1", "--p12", str(p12), "--pin-stdin")
    first = station.ok(*p12_args, stdin=PASSWORD + "\n")
    once = station.root / "mot-chu-ky.pdf"
    station.ok("scan-pdf", station.code, "--component", "1", "--out", str(once))

    token = Station(
        station.root, station.code, {**station.env, "SOFTHSM2_CONF": str(soft_token.conf)}
    )
    second = token.ok(
        "sign", station.code, "--component", "1", "--pkcs11", "/usr/lib/softhsm/libsofthsm2.so",
        "--token", soft_token.label, "--pin-stdin", stdin=soft_token.pin + "\n",
    )  # fmt: skip
    assert second["status"] == "valid_untrusted" and second["sha256"] != first["sha256"]
    twice = station.root / "hai-chu-ky.pdf"
    station.ok("scan-pdf", station.code, "--component", "1", "--out", str(twice))
    data = twice.read_bytes()
    assert data.startswith(once.read_bytes())  # an incremental update of the first copy
    report = signing.validate(data)
    assert [s.common_name for s in report.signatures] == [SIGNER, "Nguyễn Thị Hoà"]
    assert all(s.intact and s.valid for s in report.signatures)
    assert [str(s.status) for s in report.signatures] == ["valid_untrusted"] * 2
    assert not report.signatures[0].covers_whole_document  # the second came after it
    assert report.signatures[1].covers_whole_document
    listed = station.ok("scans", station.code)[0]
    assert listed["signers"] == [SIGNER, "Nguyễn Thị Hoà"]
    assert listed["signed_by"] == "Nguyễn Thị Hoà" and listed["status"] == "valid_untrusted"
