"""Cost of logging in with the lockout and password checks vs one bare argon2 verify (issue 17).

Run: ``python bench/bench_login.py [--rounds 5] [--ops 20]``. A fresh station in a temporary
folder (deleted at the end). Interleaved round after round, on the same station:

- bare: ``argon2.PasswordHasher().verify(hash, password)`` of the stored hash alone;
- login: ``services.officers.authenticate`` with the right password (the lockout read, the
  verify, the reset of the failures and the audit entry, one durable transaction);
- refused: ``authenticate`` with a wrong password on an account below the lockout (the verify
  and the durable write of the failure count with its audit entry);
- locked: ``authenticate`` of an account that is locked out (no argon2 at all: the refusal
  costs only the stored count; what a password-guessing script gets);
- policy: ``check_password`` of a new password (length, demo password, login name).

Prints one JSON object: per-operation median and p95 (ms) of each, and the ratios of the
login and refused medians to the bare verify's median (argon2 dominates: both stay close
to 1). Takes a few seconds: each argon2 verify costs tens of milliseconds by design.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from argon2 import PasswordHasher

from counter_app.app import open_station
from counter_app.domain.clock import FixedClock
from counter_app.domain.errors import DomainError, ErrorCode
from counter_app.domain.models import VN_TZ
from counter_app.services import officers

ROUNDS = 5
OPS = 20
PASSWORD = officers.DEMO_PASSWORD  # the seeded demo accounts (canbo, lanhdao, quantri)


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 4),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 4),
    }


def _timed(fn: object, ops: int) -> list[float]:
    out = []
    for _ in range(ops):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--ops", type=int, default=OPS)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (tests)")
    args = parser.parse_args()
    if args.smoke:  # run by tests/bench/test_bench_smoke.py
        args.rounds, args.ops = 1, 2
    folder = Path(tempfile.mkdtemp(prefix="bench-login-"))
    clock = FixedClock(datetime(2026, 2, 13, 10, 0, tzinfo=VN_TZ))
    ctx = open_station(folder / "station", clock=clock)
    hasher = PasswordHasher()
    found = ctx.store.officers.get("canbo")
    assert found is not None
    stored = found[1]

    def bare() -> None:
        hasher.verify(stored, PASSWORD)

    def login() -> None:
        officers.authenticate(ctx, username="canbo", password=PASSWORD)

    def refused() -> None:
        try:
            officers.authenticate(ctx, username="lanhdao", password="sai-mat-khau")
        except DomainError as exc:
            assert exc.code is ErrorCode.OFFICER_BAD_PASSWORD
        officers.authenticate(ctx, username="lanhdao", password=PASSWORD)  # reset, untimed

    # (the reset is timed too; subtract a login below)

    def locked() -> None:
        try:
            officers.authenticate(ctx, username="quantri", password=PASSWORD)
        except DomainError as exc:
            assert exc.code is ErrorCode.OFFICER_LOCKED_OUT

    def policy() -> None:
        officers.check_password("mat-khau-moi-2026", username="hoa.nt")

    for _ in range(officers.LOCK_AFTER):  # lock quantri out (the clock never moves)
        with contextlib.suppress(DomainError):
            officers.authenticate(ctx, username="quantri", password="sai")
    samples: dict[str, list[float]] = {k: [] for k in ("bare", "login", "wrong", "locked")}
    policy_samples: list[float] = []
    try:
        for _ in range(args.rounds):
            samples["bare"] += _timed(bare, args.ops)
            samples["login"] += _timed(login, args.ops)
            samples["wrong"] += _timed(refused, args.ops)
            samples["locked"] += _timed(locked, args.ops)
            policy_samples += _timed(policy, args.ops * 50)
    finally:
        ctx.store.close()
        shutil.rmtree(folder, ignore_errors=True)
    # ``wrong`` timed a wrong try plus the login that resets it: take one login off.
    login_median = statistics.median(samples["login"])
    wrong = [s - login_median for s in samples["wrong"]]
    result = {
        "bench": "login",
        "python": platform.python_version(),
        "rounds": args.rounds,
        "ops": args.ops,
        "bare_argon2_verify": _ms(samples["bare"]),
        "login": _ms(samples["login"]),
        "wrong_password": _ms(wrong),
        "locked_out": _ms(samples["locked"]),
        "password_policy": _ms(policy_samples),
        "login_ratio_to_bare": round(login_median / statistics.median(samples["bare"]), 3),
        "wrong_ratio_to_bare": round(
            statistics.median(wrong) / statistics.median(samples["bare"]), 3
        ),
    }
    sys.stdout.write(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
