"""A scripted morning at the counter, driven with the keyboard only.

Used by ``tests/gui/test_morning.py`` (which checks every slip that came out of a real CUPS
queue) and by ``bench/bench_morning.py`` (keystrokes and seconds per reception).

Every key goes to the widget that has the keyboard focus (``tests/gui/keyboard.py``); the
ID-card QR is typed fast into the focused field, as the USB 2D scanner does. Nothing here
calls a widget of the window: the officer only has a keyboard and a scanner.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from tests.gui import keyboard as kb

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@dataclass(frozen=True)
class Citizen:
    """One visit: what the officer types, scans and ticks, and how it ends."""

    name: str
    id_number: str
    birth: date
    sex: str
    query: str  # typed in the procedure field, without diacritics
    code: str  # the procedure the query must pick
    ticks: tuple[int, ...] = ()  # rows of the checklist ticked (0 = first row)
    outcome: str = "receive"  # receive | supplement | refuse | abandon
    phone: str = ""
    scan_into_name: bool = False  # the QR is scanned with the focus in the name field
    stated_days: int | None = None  # the procedure has no time in the catalogue
    printer_refuses: bool = False  # the queue rejects jobs when this citizen's slip prints
    reason: str = ""  # typed in the refusal dialog

    def qr(self) -> str:
        """The text the 2012/2021 card's QR carries (7 fields, '|' separated)."""
        return "|".join(
            (
                self.id_number,
                "",
                self.name,
                self.birth.strftime("%d%m%Y"),
                self.sex,
                f"Thôn {self.name.split()[-1]}, xã Minh Hòa, tỉnh Phú Thọ",
                "15062021",
            )
        )


def _citizen(n: int, name: str, sex: str, query: str, code: str, **over: object) -> Citizen:
    values: dict[str, object] = {
        "name": name,
        "id_number": f"0010{90 + n % 9}{n:06d}",
        "birth": date(1960 + n, 1 + n % 12, 1 + n),
        "sex": sex,
        "query": query,
        "code": code,
    }
    values.update(over)
    return Citizen(**values)  # type: ignore[arg-type]


BIRTH, DEATH, MARRIAGE = "1.001193", "1.000656", "1.000894"
MARITAL, COPY, SIGNATURE, RESIDENCE = "1.004873", "2.000815", "2.000884", "1.004222"
NO_TIME = "1.011606"  # no processing time in the catalogue: the officer states it

MORNING: tuple[Citizen, ...] = (
    _citizen(1, "Nguyễn Văn An", "Nam", "khai sinh", BIRTH, ticks=(0, 1), phone="0912000001"),
    _citizen(2, "Trần Thị Bình", "Nữ", "chung thuc ban sao", COPY, ticks=(0,)),
    _citizen(3, "Lê Văn Cường", "Nam", "ket hon", MARRIAGE, ticks=(0, 1, 2)),
    _citizen(4, "Phạm Thị Dung", "Nữ", "khai tu", DEATH, ticks=(0, 1), phone="0912000004"),
    _citizen(5, "Hoàng Văn Em", "Nam", "thuong tru", RESIDENCE, outcome="abandon"),
    _citizen(6, "Vũ Thị Giang", "Nữ", "xac nhan tinh trang hon nhan", MARITAL, ticks=(0,)),
    _citizen(7, "Đặng Văn Hải", "Nam", "chung thuc chu ky", SIGNATURE, ticks=(0,)),
    _citizen(8, "Bùi Thị Hoa", "Nữ", "khai sinh", BIRTH, ticks=(0,), scan_into_name=True),
    _citizen(9, "Đỗ Văn Khoa", "Nam", "thuong tru", RESIDENCE, outcome="supplement"),
    _citizen(10, "Hồ Thị Lan", "Nữ", "chung thuc ban sao", COPY, ticks=(0,), phone="0912000010"),
    _citizen(11, "Ngô Văn Minh", "Nam", "ho ngheo dinh ky", NO_TIME, ticks=(0,), stated_days=10),
    _citizen(12, "Dương Thị Nga", "Nữ", "ket hon", MARRIAGE, ticks=(0, 1)),
    _citizen(13, "Lý Văn Phúc", "Nam", "khai sinh", BIRTH, ticks=(0, 1), printer_refuses=True),
    _citizen(
        14,
        "Mai Thị Quyên",
        "Nữ",
        "chung thuc chu ky",
        SIGNATURE,
        outcome="refuse",
        reason="Giấy tờ cần chứng thực chữ ký có nội dung trái pháp luật",
    ),
    _citizen(15, "Trịnh Văn Sơn", "Nam", "khai tu", DEATH, ticks=(0,)),
    _citizen(16, "Đinh Thị Thu", "Nữ", "chung thuc ban sao", COPY, ticks=(0,)),
    _citizen(17, "Phan Văn Tuấn", "Nam", "xac nhan tinh trang hon nhan", MARITAL, ticks=(0,)),
    _citizen(18, "Tạ Thị Uyên", "Nữ", "khai sinh", BIRTH, ticks=(0, 1)),
    _citizen(19, "Lương Văn Vinh", "Nam", "thuong tru", RESIDENCE, ticks=(0, 1)),
    _citizen(20, "Châu Thị Xuân", "Nữ", "chung thuc chu ky", SIGNATURE, ticks=(0,)),
)


@dataclass
class Tally:
    """What the officer did: keys pressed (the scanner's characters counted apart)."""

    keys: int = 0
    scanned_chars: int = 0
    seconds: list[float] = field(default_factory=list)


class Officer:
    """Presses keys where the focus is, counting them; waits as a person would for the screen."""

    def __init__(self, qtbot, view: QWidget, tally: Tally | None = None) -> None:  # type: ignore[no-untyped-def]
        self.qtbot = qtbot
        self.view = view  # the reception tab: only looked at, never called
        self.tally = tally or Tally()

    def key(self, qt_key: Qt.Key, modifier: Qt.KeyboardModifier = kb.NO_MODIFIER) -> None:
        self.tally.keys += 1
        kb.key(qt_key, modifier)

    def type(self, text: str) -> None:
        self.tally.keys += len(text)
        kb.keys(text)

    def scan(self, text: str) -> None:
        self.tally.scanned_chars += len(text) + 1
        kb.scan(text)

    def widget(self, path: str) -> QWidget:
        """A widget of the reception tab by attribute path, e.g. ``applicant_form.phone_edit``."""
        found: object = self.view
        for part in path.split("."):
            found = getattr(found, part)
        assert isinstance(found, QWidget)
        return found

    def focus_is(self, path: str) -> bool:
        return QApplication.focusWidget() is self.widget(path)

    def wait_focus_named(self, path: str) -> QWidget:
        """Wait until the keyboard is in that widget (fails after 10 s)."""
        self.settle()

        def arrived() -> bool:
            # A progress box of the background print may open and close while we wait: on
            # the offscreen platform nobody gives the activation back, a window manager would.
            self._reactivate()
            return self.focus_is(path)

        try:
            self.qtbot.waitUntil(arrived, timeout=10_000)
        except Exception:
            focus = QApplication.focusWidget()
            message = self.widget("message_label").text()  # type: ignore[attr-defined]
            where = f"{type(focus).__name__} {focus.objectName()!r}" if focus else "nothing"
            active = QApplication.activeWindow()
            where += f" (active window: {type(active).__name__ if active else None})"
            raise AssertionError(
                f"focus on {where}, not {path}; the form says {message!r}"
            ) from None
        return kb.focused()

    def _reactivate(self) -> None:
        """Give the main window the activation back when no window holds it (never steals
        it from an open dialog or pop-up)."""
        if QApplication.activeWindow() is None and QApplication.activePopupWidget() is None:
            self.view.window().activateWindow()

    def settle(self) -> None:
        """What a window manager does when a pop-up or a progress dialog closes: the main
        window gets the activation back (the offscreen platform leaves none active)."""
        window = self.view.window()
        self.qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=5_000)
        active = QApplication.activeWindow()
        dialog_open = active is not None and active is not window and active.isModal()
        if not dialog_open and (active is not window or QApplication.focusWidget() is None):
            window.activateWindow()
            self.qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def _wait_dialog(qtbot) -> QWidget:  # type: ignore[no-untyped-def]
    """The keyboard is in a newly opened dialog (a modal box or a reason dialog)."""

    def in_dialog() -> bool:
        widget = QApplication.focusWidget()
        return widget is not None and widget.window().isModal()

    qtbot.waitUntil(in_dialog, timeout=10_000)
    return kb.focused().window()


def serve(
    officer: Officer,
    citizen: Citizen,
    *,
    wait_printed: Callable[[], None],
    printer: object | None = None,
) -> None:
    """One citizen at the counter, from the procedure field back to the procedure field."""
    qtbot = officer.qtbot
    started = time.perf_counter()
    officer.wait_focus_named("picker.search_edit")
    officer.type(citizen.query)
    officer.key(Qt.Key.Key_Return)
    officer.settle()
    if citizen.scan_into_name:
        officer.key(Qt.Key.Key_Q, CTRL)  # the scan field
        officer.key(Qt.Key.Key_Tab)  # the name field: the officer missed the scan field
        officer.wait_focus_named("applicant_form.name_edit")
    else:
        officer.key(Qt.Key.Key_Q, CTRL)
        officer.wait_focus_named("applicant_form.scan_edit")
    officer.scan(citizen.qr())
    if citizen.phone:
        officer.wait_focus_named("applicant_form.phone_edit")
        officer.type(citizen.phone)
    if citizen.stated_days is not None:
        officer.key(Qt.Key.Key_T, CTRL)  # the stated time's amount
        officer.wait_focus_named("due_panel.stated_amount")
        officer.key(Qt.Key.Key_A, CTRL)
        officer.type(str(citizen.stated_days))
    if citizen.outcome == "abandon":
        officer.key(Qt.Key.Key_N, CTRL)  # the citizen leaves: a new dossier, asked first
        _wait_dialog(qtbot)
        officer.key(Qt.Key.Key_B, ALT)  # "Bỏ và nhập hồ sơ mới"
        officer.wait_focus_named("picker.search_edit")
        officer.tally.seconds.append(time.perf_counter() - started)
        return
    if citizen.ticks:
        officer.key(Qt.Key.Key_G, CTRL)  # the checklist, on its first row
        officer.wait_focus_named("checklist.table")
        row = 0
        for tick in citizen.ticks:
            while row < tick:
                officer.key(Qt.Key.Key_Down)
                row += 1
            officer.key(Qt.Key.Key_Space)
    if citizen.printer_refuses and printer is not None:
        printer.reject()  # type: ignore[attr-defined]
    if citizen.outcome == "receive":
        officer.key(Qt.Key.Key_F5)
    elif citizen.outcome == "supplement":
        officer.key(Qt.Key.Key_F6)
        _wait_dialog(qtbot)
        officer.key(Qt.Key.Key_Return, CTRL)  # every missing paper is listed: confirm
    elif citizen.outcome == "refuse":
        officer.key(Qt.Key.Key_F7)
        _wait_dialog(qtbot)
        officer.type(citizen.reason)
        officer.key(Qt.Key.Key_Return)
    if citizen.printer_refuses and printer is not None:
        wait_printed()  # the refusal is said in a box: the officer reads it, Enter closes it
        _wait_dialog(qtbot)
        officer.key(Qt.Key.Key_Return)
        printer.accept()  # type: ignore[attr-defined]  # the printer is switched back on
        officer.wait_focus_named("picker.search_edit")
        officer.key(Qt.Key.Key_P, CTRL)  # print again
    wait_printed()
    officer.wait_focus_named("picker.search_edit")
    officer.tally.seconds.append(time.perf_counter() - started)


def login(qtbot, dialog: QWidget, password: str) -> None:  # type: ignore[no-untyped-def]
    """The login window: the focus is in the password field; type it and press Enter."""
    kb.wait_focus_in(qtbot, dialog)
    kb.keys(password)
    kb.key(Qt.Key.Key_Return)


def press_keys(widget: QWidget, text: str) -> None:  # pragma: no cover - debugging aid
    QTest.keyClicks(widget, text)
