"""Real key material for signing tests: a SoftHSM2 token and PKCS#12 files, made here.

The SoftHSM2 token is created once per test session: the PKCS#11 library reads
``SOFTHSM2_CONF`` when it is first loaded into the process and stays loaded.
"""

from __future__ import annotations

import io
import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

SOFTHSM_LIB = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_LABEL = "Officer Token"
PIN = "246810"
SO_PIN = "13572468"
KEY_LABEL = "officer-key"
# Plain text in the sample PDF's uncompressed content stream: a byte inside the signed range.
MARKER = b"Ban sao dien tu tu ban chinh"


@dataclass(frozen=True)
class Token:
    lib: str
    label: str
    pin: str
    cert: x509.Certificate


@dataclass(frozen=True)
class Pkcs12File:
    path: Path
    passphrase: str
    cert: x509.Certificate
    root: x509.Certificate


def make_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_cert(
    key: rsa.RSAPrivateKey,
    *,
    common_name: str,
    issuer_key: rsa.RSAPrivateKey | None = None,
    issuer: x509.Certificate | None = None,
    days: tuple[int, int] = (-1, 365),
    key_usage: str = "sign",
    ca: bool = False,
) -> x509.Certificate:
    """A certificate for ``key``: self-signed unless ``issuer``/``issuer_key`` are given."""
    now = datetime.now(UTC)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    usage = {
        "digital_signature": key_usage in ("sign", "ca"),
        "content_commitment": key_usage == "sign",
        "key_encipherment": key_usage == "encrypt",
        "data_encipherment": False,
        "key_agreement": False,
        "key_cert_sign": key_usage == "ca" or (issuer is None and key_usage == "sign"),
        "crl_sign": key_usage == "ca",
        "encipher_only": False,
        "decipher_only": False,
    }
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + timedelta(days=days[0]))
        .not_valid_after(now + timedelta(days=days[1]))
        .add_extension(x509.KeyUsage(**usage), critical=True)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    return builder.sign(issuer_key or key, hashes.SHA256())


def make_pdf(pages: int = 1, *, filler_bytes: int = 0) -> bytes:
    """A small uncompressed PDF (reportlab); ``filler_bytes`` of incompressible image data."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=0)
    for number in range(pages):
        canvas.drawString(72, 760, MARKER.decode("ascii"))
        canvas.drawString(72, 740, f"Trang {number + 1}")
        canvas.showPage()
    if filler_bytes:
        from PIL import Image
        from reportlab.lib.utils import ImageReader

        side = int((filler_bytes / 3) ** 0.5)
        noise = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
        canvas.drawImage(ImageReader(noise), 72, 72, width=400, height=400)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def write_pkcs12(
    path: Path,
    key: rsa.RSAPrivateKey,
    cert: x509.Certificate,
    passphrase: str,
    chain: list[x509.Certificate] | None = None,
) -> Path:
    data = pkcs12.serialize_key_and_certificates(
        b"officer",
        key,
        cert,
        chain,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    path.write_bytes(data)
    return path


def init_softhsm_token(
    folder: Path,
    key: rsa.RSAPrivateKey,
    cert: x509.Certificate,
    *,
    label: str = TOKEN_LABEL,
    pin: str = PIN,
    so_pin: str = SO_PIN,
    key_label: str = KEY_LABEL,
) -> Path:
    """A SoftHSM2 token in ``folder`` holding ``key`` and ``cert`` (id 01); its configuration
    file, to be named by ``SOFTHSM2_CONF`` in whatever process loads the PKCS#11 library."""
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n"
        "log.level = ERROR\nslots.removable = false\n",
        encoding="ascii",
    )
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    key_pem = folder / "key.pem"
    key_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_der = folder / "cert.der"
    cert_der.write_bytes(cert.public_bytes(serialization.Encoding.DER))
    commands = [
        ["softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin,
         "--so-pin", so_pin],
        ["softhsm2-util", "--import", str(key_pem), "--token", label, "--label", key_label,
         "--id", "01", "--pin", pin],
        ["pkcs11-tool", "--module", SOFTHSM_LIB, "--token-label", label, "--login", "--pin",
         pin, "--write-object", str(cert_der), "--type", "cert", "--id", "01",
         "--label", key_label],
    ]  # fmt: skip
    for command in commands:
        subprocess.run(command, check=True, capture_output=True, timeout=60, env=env)
    key_pem.unlink()
    return conf


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory: pytest.TempPathFactory) -> Token:
    """A SoftHSM2 token holding an RSA key and its self-signed certificate (id 01)."""
    key = make_key()
    cert = make_cert(key, common_name="Nguyễn Thị Cán Bộ")
    conf = init_softhsm_token(tmp_path_factory.mktemp("softhsm"), key, cert)
    os.environ["SOFTHSM2_CONF"] = str(conf)
    return Token(lib=SOFTHSM_LIB, label=TOKEN_LABEL, pin=PIN, cert=cert)


@pytest.fixture(scope="session")
def pkcs12_file(tmp_path_factory: pytest.TempPathFactory) -> Pkcs12File:
    """An officer certificate issued by a test CA, in a PKCS#12 file with the CA certificate."""
    folder = tmp_path_factory.mktemp("pkcs12")
    root_key = make_key()
    root = make_cert(
        root_key, common_name="Test Root CA", key_usage="ca", ca=True, days=(-30, 3650)
    )
    key = make_key()
    cert = make_cert(key, common_name="Trần Văn Tiếp Nhận", issuer=root, issuer_key=root_key)
    path = write_pkcs12(folder / "officer.p12", key, cert, "mật khẩu 123", chain=[root])
    return Pkcs12File(path=path, passphrase="mật khẩu 123", cert=cert, root=root)


@pytest.fixture(scope="session")
def sample_pdf() -> bytes:
    return make_pdf(pages=2)
