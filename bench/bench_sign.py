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
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from tests.signing.conftest import (
    PIN,
    SOFTHSM_LIB,
    init_softhsm_token,
    make_cert,
    make_key,
    make_pdf,
    write_pkcs12,
)

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--size-mb", type=float, default=1.0)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (tests)")
    args = parser.parse_args()
    if args.smoke:  # run by tests/bench/test_bench_smoke.py
        args.runs, args.size_mb = 2, 0.05

    from counter_app.signing import open_pkcs11, open_pkcs12, validate

    pdf = make_pdf(pages=1, filler_bytes=int(args.size_mb * 1_000_000))
    token_key = make_key()
    file_key = make_key()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        token_cert = make_cert(token_key, common_name="Can bo (token)")
        conf = init_softhsm_token(folder, token_key, token_cert, label="bench")
        os.environ["SOFTHSM2_CONF"] = str(conf)
        file_cert = make_cert(file_key, common_name="Can bo (p12)")
        p12 = write_pkcs12(folder / "officer.p12", file_key, file_cert, "pw")

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
