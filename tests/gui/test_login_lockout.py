"""Failed-login lockout at the login window (issue 17): typed by keys, said in Vietnamese."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from counter_app.domain.clock import FixedClock
from counter_app.services.officers import DEMO_PASSWORD, LOCK_AFTER
from counter_app.services.station import StationContext
from counter_app.ui.dialogs.login_dialog import LoginDialog
from tests.gui.keyboard import CTRL, key, keys


def test_five_wrong_passwords_lock_the_login_and_say_for_how_long(
    qtbot, station: StationContext
) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(station)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.password_edit)
    for _ in range(LOCK_AFTER):
        key(Qt.Key.Key_A, CTRL)
        keys("sai-mat-khau")
        key(Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.officer is None
    assert "đợi 30 giây" in dialog.error_label.text()
    key(Qt.Key.Key_A, CTRL)
    keys(DEMO_PASSWORD)  # even the right password waits
    key(Qt.Key.Key_Return)
    assert dialog.isVisible() and "giây" in dialog.error_label.text()
    clock = station.clock
    assert isinstance(clock, FixedClock)
    clock.advance(seconds=30)
    key(Qt.Key.Key_A, CTRL)
    keys(DEMO_PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        key(Qt.Key.Key_Return)
    assert dialog.officer is not None
