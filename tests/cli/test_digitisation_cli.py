"""``attach``, ``scans``, ``scan-pdf`` and ``sign`` run as the real command, in a subprocess."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from counter_app import signing
from counter_app.services.setup import DEMO_PASSWORD
from tests.cli.test_cli import as_officer
from tests.signing.conftest import (
    SOFTHSM_LIB,
    init_softhsm_token,
    make_cert,
    make_key,
    write_pkcs12,
)

APPLICANT = {
    "name": "Nguyễn Văn Đức",
    "id_number": "001090123456",
    "birth_date": "1990-01-01",
    "sex": "Nam",
    "address": "Thôn Đông, xã Minh Hòa",
}
PASSWORD = "mật khẩu 123"
SIGNER = "Trần Văn Tiếp Nhận"


@dataclass(frozen=True)
class Station:
    root: Path
    code: str
    env: dict[str, str]

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        # The officer's password first (an acting subcommand), then a PIN (--pin-stdin).
        args, secret = as_officer(args, DEMO_PASSWORD)
        stdin = secret + (stdin or "")
        return subprocess.run(
            [sys.executable, "-m", "counter_app", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=self.env,
            input=stdin if stdin is not None else "",
            timeout=120,
            check=False,
        )

    def ok(self, *args: str, stdin: str | None = None) -> Any:
        result = self.run(*args, stdin=stdin)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    def refused(self, *args: str, stdin: str | None = None) -> str:
        result = self.run(*args, stdin=stdin)
        assert result.returncode == 2, (result.stdout, result.stderr)
        assert result.stdout == ""
        message = result.stderr.strip()
        assert message and unicodedata.is_normalized("NFC", message)
        assert "Traceback" not in message and "\n" not in message
        return message

    def waiting(self) -> int:
        """Events queued for the province: any stored change adds one."""
        return int(self.ok("info")["events_waiting"])


@pytest.fixture
def station(tmp_path: Path) -> Station:
    env = {
        **os.environ,
        "COUNTER_APP_MIRROR_DIR": str(tmp_path / "mirror"),
        "COUNTER_APP_DATA_DIR": str(tmp_path / "station"),
        "PYTHONIOENCODING": "utf-8",
    }
    applicant = tmp_path / "applicant.json"
    applicant.write_text(json.dumps(APPLICANT, ensure_ascii=False), encoding="utf-8")
    bare = Station(tmp_path, "", env)
    code = bare.ok(
        "receive", "--procedure", "1.001193", "--applicant-json", str(applicant), "--papers", "1,2"
    )
    return Station(tmp_path, code["code"], env)


@pytest.fixture(scope="module")
def p12(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An officer certificate issued by a test CA (not a trusted root here), in a .p12 file."""
    folder = tmp_path_factory.mktemp("p12")
    root_key = make_key()
    root = make_cert(root_key, common_name="Test Root CA", key_usage="ca", ca=True)
    key = make_key()
    cert = make_cert(key, common_name=SIGNER, issuer=root, issuer_key=root_key)
    return write_pkcs12(folder / "officer.p12", key, cert, PASSWORD, chain=[root])


@dataclass(frozen=True)
class SoftToken:
    conf: Path
    label: str
    pin: str


@pytest.fixture(scope="module")
def soft_token(tmp_path_factory: pytest.TempPathFactory) -> SoftToken:
    """A SoftHSM2 token of its own: its configuration goes to the subprocesses only."""
    if not Path(SOFTHSM_LIB).exists():
        pytest.skip("SoftHSM2 is not installed")
    label, pin = "CLI Token", "135790"
    key = make_key()
    conf = init_softhsm_token(
        tmp_path_factory.mktemp("softhsm-cli"),
        key,
        make_cert(key, common_name="Nguyễn Thị Hoà"),
        label=label,
        pin=pin,
        so_pin="24682468",
        key_label="k",
    )
    return SoftToken(conf=conf, label=label, pin=pin)


def _tiff(path: Path, pages: int) -> Path:
    images = [Image.new("L", (420, 594), 40 + 60 * n) for n in range(pages)]
    images[0].save(path, save_all=True, append_images=images[1:], dpi=(200, 200))
    return path


def _png(path: Path) -> Path:
    Image.new("RGB", (300, 400), (200, 30, 30)).save(path, dpi=(150, 150))
    return path


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _attach_two_files(station: Station, component: str = "1") -> dict[str, Any]:
    tiff = _tiff(station.root / "giay-khai-sinh.tif", 3)
    png = _png(station.root / "anh.png")
    out: dict[str, Any] = station.ok(
        "attach", station.code, "--component", component, str(tiff), str(png)
    )
    return out


def test_attach_scans_and_scan_pdf(station: Station) -> None:
    attached = _attach_two_files(station)
    assert attached["code"] == station.code and attached["component"] == 1
    assert attached["pages"] == 4 and attached["size"] > 0
    components = station.ok("scans", station.code)
    assert [c["index"] for c in components] == list(range(1, len(components) + 1))
    first = components[0]
    assert first["name"] == attached["name"]
    assert first["digitised"] is True and first["required"] is True
    assert first["pages"] == 4 and first["sha256"] == attached["sha256"]
    assert first["signed_by"] is None and first["status"] is None
    assert all(not c["digitised"] for c in components[1:])
    out = station.root / "ra" / "thanh-phan-1.pdf"
    written = station.ok("scan-pdf", station.code, "--component", "1", "--out", str(out))
    data = out.read_bytes()
    assert _pages(data) == 4 and written["signed"] is False
    assert hashlib.sha256(data).hexdigest() == attached["sha256"] == written["sha256"]


def test_a_text_file_is_refused_and_nothing_is_stored(station: Station) -> None:
    before = station.waiting()
    note = station.root / "ghi-chu.txt"
    note.write_text("không phải bản quét", encoding="utf-8")
    png = _png(station.root / "anh.png")
    assert "PDF, JPEG, PNG hoặc TIFF" in station.refused(
        "attach", station.code, "--component", "1", str(note)
    )
    # all files or none: a good file before the bad one is not stored either
    station.refused("attach", station.code, "--component", "1", str(png), str(note))
    assert "Không đọc được" in station.refused(
        "attach", station.code, "--component", "1", str(station.root / "khong-co.png")
    )
    assert not any(c["digitised"] for c in station.ok("scans", station.code))
    assert station.waiting() == before


def test_refusals_change_nothing(station: Station, p12: Path) -> None:
    png = str(_png(station.root / "anh.png"))
    before = station.waiting()
    unknown = "000.00.19.H56-260213-009999"
    assert "Không tìm thấy hồ sơ" in station.refused("attach", unknown, "--component", "1", png)
    assert "Không tìm thấy hồ sơ" in station.refused("scans", unknown)
    for number in ("0", "99", "-1"):
        assert f"thành phần giấy tờ số {number}" in station.refused(
            "attach", station.code, "--component", number, png
        )
    assert "giá trị" in station.refused("attach", station.code, "--component", "một", png)
    out = str(station.root / "x.pdf")
    assert "chưa được số hóa" in station.refused(
        "scan-pdf", station.code, "--component", "2", "--out", out
    )
    assert not Path(out).exists()
    # nothing to sign: refused before any password is read
    assert "chưa được số hóa" in station.refused(
        "sign", station.code, "--component", "1", "--p12", str(p12), "--pin-stdin"
    )
    assert "--token" in station.refused(
        "sign", station.code, "--receipt", "--p12", str(p12), "--token", "A", "--pin-stdin"
    )
    assert "cần một trong các tham số" in station.refused("sign", station.code, "--p12", str(p12))
    assert "cán bộ" in station.refused(
        "attach", station.code, "--component", "1", png, "--officer", "khong-co"
    )
    assert station.waiting() == before


def test_sign_a_component_with_a_p12_file(station: Station, p12: Path) -> None:
    attached = _attach_two_files(station)
    before = station.waiting()
    args = ("sign", station.code, "--component", "1", "--p12", str(p12), "--pin-stdin")
    assert "sai mật khẩu" in station.refused(*args, stdin="mật khẩu sai\n")
    assert station.ok("scans", station.code)[0]["signed_by"] is None
    assert station.waiting() == before

    signed = station.ok(*args, stdin=PASSWORD + "\n")
    assert signed["code"] == station.code and signed["component"] == 1
    assert signed["signer"] == SIGNER and signed["status"] == "valid_untrusted"
    first = station.ok("scans", station.code)[0]
    assert first["signed_by"] == SIGNER and first["signed_at"]
    assert first["status"] == "valid_untrusted" and first["sha256"] == attached["sha256"]
    out = station.root / "da-ky.pdf"
    written = station.ok("scan-pdf", station.code, "--component", "1", "--out", str(out))
    data = out.read_bytes()
    assert written["signed"] is True and _pages(data) == 4
    assert signing.validate(data).status == "valid_untrusted"
    assert station.waiting() == before + 1


def test_sign_the_receipt_with_a_p12_file(station: Station, p12: Path) -> None:
    signed = station.ok(
        "sign", station.code, "--receipt", "--p12", str(p12), "--pin-stdin", stdin=PASSWORD
    )
    assert signed["receipt"] is True and "component" not in signed
    assert signed["signer"] == SIGNER and signed["status"] == "valid_untrusted"


def test_sign_with_a_pkcs11_token(station: Station, soft_token: SoftToken) -> None:
    _attach_two_files(station, component="2")
    token = Station(
        station.root, station.code, {**station.env, "SOFTHSM2_CONF": str(soft_token.conf)}
    )
    args = ("sign", station.code, "--component", "2", "--pkcs11", SOFTHSM_LIB, "--token",
            soft_token.label, "--pin-stdin")  # fmt: skip
    before = station.waiting()
    assert "PIN" in token.refused(*args, stdin="000000\n")
    assert station.waiting() == before
    signed = token.ok(*args, stdin=soft_token.pin + "\n")
    assert signed["signer"] == "Nguyễn Thị Hoà" and signed["status"] == "valid_untrusted"
    assert station.ok("scans", station.code)[1]["signed_by"] == "Nguyễn Thị Hoà"


def test_help_counts_components_from_one(station: Station) -> None:
    for command in ("attach", "scans", "scan-pdf", "sign"):
        result = station.run(command, "--help")
        assert result.returncode == 0
        assert result.stdout.startswith("cách dùng: counter-app ")
        assert "tùy chọn" in result.stdout
    assert "đếm từ 1" in station.run("attach", "--help").stdout
