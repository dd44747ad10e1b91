"""Keystrokes and seconds per reception in the scripted morning (issue 11).

Runs the morning of ``tests/gui/morning.py`` (20 citizens, 8 procedures: one abandoned
attempt, one supplement request, one refusal, a QR scanned into the name field, a procedure
without a catalogue time) through the real window offscreen, with key events only, printing
into a folder printer (the CUPS round trip is the acceptance test's business). Reports:

- ``keys_per_citizen``: keys the officer pressed (the scanner's characters counted apart,
  in ``scanned_chars_per_citizen``), mean over the morning;
- ``seconds_per_citizen``: median wall time from the procedure field to the procedure field
  again, slip rendered and "printed";
- baseline in the same run: the same receptions through the services alone (receive +
  render and archive the slip), median seconds per citizen, and the ratio.

```sh
.venv/bin/python bench/bench_morning.py [--rounds 3]
```
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


class _Bot:
    """The two calls of pytest-qt's qtbot that the morning script uses."""

    def waitUntil(self, condition: Callable[[], object], timeout: int = 5000) -> None:  # noqa: N802
        from PySide6.QtWidgets import QApplication

        deadline = time.monotonic() + timeout / 1000
        while True:
            QApplication.processEvents()
            try:
                if condition() in (None, True):
                    return
            except AssertionError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"waitUntil timed out in {timeout} milliseconds")
            time.sleep(0.002)


def _morning(folder: Path) -> dict[str, object]:
    from counter_app.app import open_station
    from counter_app.domain.clock import FixedClock
    from counter_app.domain.models import VN_TZ
    from counter_app.printing.printer import FolderPrinter
    from counter_app.services.setup import DEMO_PASSWORD
    from counter_app.ui.app import application, build_main_window
    from counter_app.ui.dialogs.login_dialog import LoginDialog
    from tests.gui.morning import MORNING, Officer, Tally, login, serve

    application([])
    bot = _Bot()
    clock = FixedClock(datetime(2026, 12, 7, 7, 30, tzinfo=VN_TZ))
    ctx = open_station(folder / "station", clock=clock)
    printer = FolderPrinter(folder / "printed", name="QUAY-1")
    dialog = LoginDialog(ctx)
    dialog.show()
    dialog.activateWindow()
    login(bot, dialog, DEMO_PASSWORD)
    bot.waitUntil(lambda: dialog.officer is not None)
    assert dialog.officer is not None
    window = build_main_window(ctx, dialog.officer, make_printer=lambda _n: printer)
    window.show()
    window.activateWindow()
    desk = window.intake_view.desk
    done: list[object] = []
    desk.print_succeeded.connect(lambda *a: done.append(a))
    desk.print_failed.connect(lambda *a: done.append(a))
    tally = Tally()
    officer = Officer(bot, window.intake_view, tally)
    for citizen in MORNING:
        if citizen.printer_refuses:  # a folder printer does not refuse: serve it plainly
            citizen = type(citizen)(**{**citizen.__dict__, "printer_refuses": False})
        seen = len(done)

        def wait_printed(seen: int = seen) -> None:
            bot.waitUntil(lambda: len(done) > seen, timeout=60_000)

        serve(officer, citizen, wait_printed=wait_printed)
        clock.advance(minutes=11)
    window.close()
    ctx.store.close()
    return {
        "keys": tally.keys,
        "scanned_chars": tally.scanned_chars,
        "seconds": tally.seconds,
        "citizens": len(MORNING),
    }


def _baseline(folder: Path) -> list[float]:
    """The same receptions through the services: receive, then render and archive Mẫu 01."""
    from dataclasses import replace

    from counter_app.app import open_station
    from counter_app.domain.clock import FixedClock
    from counter_app.domain.models import VN_TZ, Applicant
    from counter_app.domain.processing_time import ProcessingTime, TimeUnit
    from counter_app.printing.printer import PaperSize
    from counter_app.services import intake
    from counter_app.services.slips import SlipForm, issue_slip
    from tests.gui.morning import MORNING

    clock = FixedClock(datetime(2026, 12, 7, 7, 30, tzinfo=VN_TZ))
    ctx = open_station(folder / "baseline", clock=clock)
    seconds = []
    for citizen in MORNING:
        if citizen.outcome != "receive":
            continue
        procedure = ctx.store.reference.procedure(citizen.code)
        assert procedure is not None
        started = time.perf_counter()
        documents = tuple(
            replace(d, received=i in citizen.ticks) for i, d in enumerate(procedure.documents)
        )
        stated = citizen.stated_days
        request = intake.ReceptionRequest(
            procedure_code=citizen.code,
            applicant=Applicant(
                name=citizen.name,
                id_number=citizen.id_number,
                birth_date=citizen.birth,
                sex=citizen.sex,
                address="Thôn Đông, xã Minh Hòa",
                phone=citizen.phone or None,
            ),
            documents=documents,
            time=ProcessingTime(TimeUnit.WORKING_DAYS, float(stated)) if stated else None,
        )
        dossier, _changes = intake.receive_dossier(ctx, request, officer="canbo")
        issue_slip(ctx, dossier, form=SlipForm.RECEIPT, size=PaperSize.A5, officer="canbo")
        seconds.append(time.perf_counter() - started)
        clock.advance(minutes=11)
    ctx.store.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (tests)")
    args = parser.parse_args()
    if args.smoke:  # run by tests/bench/test_bench_smoke.py
        args.rounds = 1
    rounds = []
    base: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-morning-") as tmp:
        os.environ["COUNTER_APP_MIRROR_DIR"] = str(Path(tmp) / "mirror")
        os.environ["COUNTER_APP_DATA_DIR"] = str(Path(tmp) / "default")
        for n in range(args.rounds):
            rounds.append(_morning(Path(tmp) / f"round{n}"))
            base += _baseline(Path(tmp) / f"base{n}")
            print(f"round {n + 1}/{args.rounds} done", file=sys.stderr)
    seconds = [s for r in rounds for s in r["seconds"]]  # type: ignore[attr-defined]
    citizens = rounds[0]["citizens"]
    median_s = statistics.median(seconds)
    base_s = statistics.median(base)
    print(
        json.dumps(
            {
                "citizens": citizens,
                "rounds": args.rounds,
                "keys_per_citizen": rounds[0]["keys"] / citizens,  # type: ignore[operator]
                "scanned_chars_per_citizen": rounds[0]["scanned_chars"] / citizens,  # type: ignore[operator]
                "seconds_per_citizen_median": round(median_s, 4),
                "seconds_per_citizen_p90": round(
                    statistics.quantiles(seconds, n=10)[-1] if len(seconds) > 9 else max(seconds),
                    4,
                ),
                "baseline_service_seconds_median": round(base_s, 4),
                "ratio_to_baseline": round(median_s / base_s, 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
