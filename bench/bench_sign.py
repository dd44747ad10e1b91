"""Cost of signing one scanned component (PAdES, issue 6 / DESIGN §9).

Run: ``python bench/bench_sign.py [--runs 30] [--size-mb 1]``. Builds, in a temporary
folder, a SoftHSM2 token holding an RSA-2048 key and its certificate (``softhsm2-util`` and
``pkcs11-tool`` must be installed) and a PKCS#12 file with another key, and a ~1 MB PDF (one
text page and one page with an incompressible image, like a scanned component). Then prints
one JSON object with the median milliseconds of:

- ``pkcs11_sign``: ``DocumentSigner.sign`` on an open token session (the officer has typed
  the PIN once for the dossier) — the figure checked against the 300 ms target;
- ``pkcs11_open_sign_close``: log in with the PIN, sign, log out (one component alone);
- ``pkcs12_sign``: ``DocumentSigner.sign`` with the PKCS#12 key;
- ``validate``: ``counter_app.signing.validate`` of the signed PDF;

and two baselines measured in the same run: SHA-256 of the same bytes, and one RSA-2048
PKCS#1 v1.5 signature of them with ``cryptography`` (the raw cost of hash + private-key
operation), with each figure's ratio to the RSA baseline. Takes about half a minute.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

SOFTHSM_LIB = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "246810"
TARGET_MS = 300.0
WARMUP = 2


def _median_ms(call: Callable[[], object], runs: int) -> float:
    for _ in range(WARMUP):
        call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _cert(key: rsa.RSAPrivateKey, name: str) -> x509.Certificate:
    now = datetime.now(UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )


def _component_pdf(size_mb: float) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.drawString(72, 760, "Giay khai sinh - ban sao dien tu")
    canvas.showPage()
    side = int((size_mb * 1_000_000 / 3) ** 0.5)
    noise = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    canvas.drawImage(ImageReader(noise), 36, 36, width=520, height=520)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _softhsm_token(folder: Path, key: rsa.RSAPrivateKey, cert: x509.Certificate) -> None:
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\n", encoding="ascii")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    pem = folder / "key.pem"
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    der = folder / "cert.der"
    der.write_bytes(cert.public_bytes(serialization.Encoding.DER))
    for command in (
        ["softhsm2-util", "--init-token", "--free", "--label", "bench", "--pin", PIN,
         "--so-pin", "12345678"],
        ["softhsm2-util", "--import", str(pem), "--token", "bench", "--label", "k", "--id",
         "01", "--pin", PIN],
        ["pkcs11-tool", "--module", SOFTHSM_LIB, "--token-label", "bench", "--login", "--pin",
         PIN, "--write-object", str(der), "--type", "cert", "--id", "01", "--label", "k"],
    ):  # fmt: skip
        subprocess.run(command, check=True, capture_output=True, timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--size-mb", type=float, default=1.0)
    args = parser.parse_args()

    from counter_app.signing import open_pkcs11, open_pkcs12, validate

    pdf = _component_pdf(args.size_mb)
    token_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    file_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        _softhsm_token(folder, token_key, _cert(token_key, "Can bo (token)"))
        p12 = folder / "officer.p12"
        p12.write_bytes(
            pkcs12.serialize_key_and_certificates(
                b"o", file_key, _cert(file_key, "Can bo (p12)"), None,
                serialization.BestAvailableEncryption(b"pw"),
            )
        )  # fmt: skip

        def sign_once() -> bytes:
            with open_pkcs11(SOFTHSM_LIB, PIN) as signer:
                return signer.sign(pdf, reason="r", location="l")

        with open_pkcs11(SOFTHSM_LIB, PIN) as token_signer:
            token_ms = _median_ms(
                lambda: token_signer.sign(pdf, reason="r", location="l"), args.runs
            )
            signed = token_signer.sign(pdf, reason="r", location="l")
        open_sign_close_ms = _median_ms(sign_once, args.runs)
        with open_pkcs12(p12, "pw") as file_signer:
            p12_ms = _median_ms(lambda: file_signer.sign(pdf, reason="r", location="l"), args.runs)
        validate_ms = _median_ms(lambda: validate(signed), max(5, args.runs // 3))
        assert validate(signed).status.value == "valid_untrusted"

    sha_ms = _median_ms(lambda: hashlib.sha256(pdf).digest(), args.runs)
    rsa_ms = _median_ms(lambda: token_key.sign(pdf, padding.PKCS1v15(), hashes.SHA256()), args.runs)
    medians = {
        "pkcs11_sign": token_ms,
        "pkcs11_open_sign_close": open_sign_close_ms,
        "pkcs12_sign": p12_ms,
        "validate": validate_ms,
    }
    report = {
        "python": platform.python_version(),
        "runs": args.runs,
        "pdf_bytes": len(pdf),
        "what": "DocumentSigner.sign (PAdES B-B, incremental), SoftHSM2 and PKCS#12, RSA-2048",
        "baseline_sha256_ms": round(sha_ms, 3),
        "baseline_rsa2048_sign_ms": round(rsa_ms, 3),
        "median_ms": {name: round(value, 2) for name, value in medians.items()},
        "ratio_to_rsa_baseline": {name: round(v / rsa_ms, 1) for name, v in medians.items()},
        "target_ms": TARGET_MS,
        "meets_target": token_ms <= TARGET_MS,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
