"""Start of the application to a usable window (target ≤ 2 s), and keystrokes of a reception.

Each measurement is a fresh process (QT_QPA_PLATFORM=offscreen), timed from spawn to the
moment the window has been shown and Qt's event queue processed:

- baseline: a bare PySide6 QApplication showing one QWidget;
- login: ``counter-app``'s path to the login dialog (open + migrate + check the station,
  build the dialog);
- main window: the main window of a logged-in officer with today's dossiers loaded.

Then one reception is driven through the real widgets, counting the officer's key presses
(the ID-card scanner's typing is not the officer's and is reported separately).

Run: ``.venv/bin/python bench/bench_startup.py [--runs 7]``. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BASELINE = """
import time, sys
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv)
w = QWidget(); w.resize(1366, 740); w.show(); app.processEvents()
print("shown")
"""

LOGIN = """
import sys
from pathlib import Path
from counter_app.app import open_station
from counter_app.ui.app import application
from counter_app.ui.dialogs.login_dialog import LoginDialog
ctx = open_station(Path(sys.argv[1]))
app = application(sys.argv[:1])
d = LoginDialog(ctx); d.show(); app.processEvents()
print("shown")
"""

MAIN = """
import sys
from pathlib import Path
from counter_app.app import open_station
from counter_app.services.officers import authenticate
from counter_app.ui.app import application, build_main_window
from counter_app.printing.printer import FolderPrinter
ctx = open_station(Path(sys.argv[1]))
app = application(sys.argv[:1])
officer = authenticate(ctx, username="canbo", password="demo1234")
w = build_main_window(ctx, officer, make_printer=lambda name: FolderPrinter(Path(sys.argv[1])))
w.show(); app.processEvents()
print("shown")
"""


def _time_script(code: str, data_dir: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code, str(data_dir)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    elapsed = time.perf_counter() - start
    assert "shown" in out.stdout, out.stderr
    return elapsed


def _keystrokes(data_dir: Path) -> dict[str, int | str]:
    """One reception through the widgets, counting the officer's keys."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from counter_app.app import open_station
    from counter_app.printing.printer import FolderPrinter
    from counter_app.services.officers import authenticate
    from counter_app.ui.app import application, build_main_window

    ctx = open_station(data_dir)
    app = application([])
    officer = authenticate(ctx, username="canbo", password="demo1234")
    window = build_main_window(ctx, officer, make_printer=lambda name: FolderPrinter(data_dir))
    window.show()
    view = window.intake_view
    keys = {"officer": 0, "scanner": 0}

    def key(widget, k, text="", mods=Qt.KeyboardModifier.NoModifier, who="officer"):  # type: ignore[no-untyped-def]
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, k, mods, text))
        app.processEvents()
        keys[who] += 1

    picker = view.picker.search_edit
    picker.setFocus()
    for ch in "khai sinh":
        key(picker, Qt.Key.Key_unknown, ch)
    popup = view.picker.completer.popup()
    model = popup.model()
    target = next(
        r for r in range(model.rowCount()) if model.index(r, 0).data().startswith("1.001193 ")
    )
    for _ in range(target + 1):  # the first Down highlights the first row
        key(popup, Qt.Key.Key_Down)
    key(popup, Qt.Key.Key_Return, "\r")
    scan = view.applicant_form.scan_edit
    scan.setFocus()
    keys["officer"] += 1  # Ctrl+Q or a click to put the cursor in the scan field
    qr = "001090123456||NGUYỄN VĂN ĐỨC|01011990|Nam|Thôn Đông, Xã Minh Hòa|15042021"
    for ch in qr:
        key(scan, Qt.Key.Key_unknown, ch, who="scanner")
    key(scan, Qt.Key.Key_Return, "\r", who="scanner")
    before = ctx.store.dossiers.count()
    window.activateWindow()
    view.applicant_form.phone_edit.setFocus()
    app.processEvents()
    QTest.keyClick(view.applicant_form.phone_edit, Qt.Key.Key_F5)
    keys["officer"] += 1
    app.processEvents()
    saved = ctx.store.dossiers.count() - before
    after_save = view.message_label.text()
    picked = view.picker.procedure()
    return {
        "procedure": picked.code if picked else None,
        "message": after_save,
        "officer_keys": keys["officer"],
        "scanner_chars": keys["scanner"],
        "dossiers_saved": saved,
        "sequence": "'khai sinh' + arrow keys to the procedure + Enter, Ctrl+Q, scan, F5",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds (tests)")
    args = parser.parse_args()
    if args.smoke:  # run by tests/bench/test_bench_smoke.py
        args.runs = 1
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    tmp = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    env = {**os.environ, "COUNTER_APP_MIRROR_DIR": str(tmp / "mirror")}
    os.environ["COUNTER_APP_MIRROR_DIR"] = env["COUNTER_APP_MIRROR_DIR"]
    station = tmp / "station"
    _time_script(LOGIN, station, env)  # first start seeds the station; not measured
    times: dict[str, list[float]] = {"baseline_bare_qt": [], "login_dialog": [], "main_window": []}
    for _ in range(args.runs):  # interleaved, so machine noise hits all three alike
        times["baseline_bare_qt"].append(_time_script(BASELINE, station, env))
        times["login_dialog"].append(_time_script(LOGIN, station, env))
        times["main_window"].append(_time_script(MAIN, station, env))
    medians = {k: round(statistics.median(v), 3) for k, v in times.items()}
    base = medians["baseline_bare_qt"]
    result = {
        "runs": args.runs,
        "median_s": medians,
        "ratio_to_baseline": {k: round(v / base, 2) for k, v in medians.items()},
        "target_s": 2.0,
        "meets_target": max(medians["login_dialog"], medians["main_window"]) <= 2.0,
        "reception_keystrokes": _keystrokes(station),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
