"""Login with cached accounts (offline, argon2) and the idle lock."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from counter_app.printing.printer import FolderPrinter
from counter_app.services.setup import DEMO_PASSWORD
from counter_app.services.station import StationContext
from counter_app.texts import window as t
from counter_app.ui import app as ui_app
from counter_app.ui.dialogs.login_dialog import LoginDialog
from counter_app.ui.main_window import MainWindow


def test_good_password_logs_in(qtbot, station: StationContext) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(station)
    qtbot.addWidget(dialog)
    dialog.open()
    assert dialog.officer_combo.count() == 3
    dialog.select_username("lanhdao")
    qtbot.keyClicks(dialog.password_edit, DEMO_PASSWORD)
    with qtbot.waitSignal(dialog.accepted):
        dialog.login_button.click()
    assert dialog.officer is not None and dialog.officer.username == "lanhdao"
    assert dialog.login_button.text() == "Đăng nhập" and dialog.quit_button.text() == "Thoát"


def test_the_demo_office_says_so_at_login(qtbot, station: StationContext) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    def labels(dialog: LoginDialog) -> list[str]:
        return [label.text() for label in dialog.findChildren(QLabel)]

    demo = LoginDialog(station)
    qtbot.addWidget(demo)
    assert any("DEMO" in text and station.office().unit_name in text for text in labels(demo))
    stored = station.store.config.get("office")
    assert stored["is_demo"] is True
    with station.store.db.atomic():
        station.store.config.set("office", {**stored, "is_demo": False})
    assert not station.office().is_demo
    other = LoginDialog(station)
    qtbot.addWidget(other)
    assert not any("DEMO" in text for text in labels(other))


def test_wrong_password_is_refused_in_vietnamese(qtbot, station: StationContext) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(station)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.keyClicks(dialog.password_edit, "sai-mat-khau")
    dialog.login_button.click()
    assert dialog.isVisible() and dialog.officer is None
    assert dialog.error_label.text() == "Sai mật khẩu."
    actions = [e["action"] for e in station.store.audit.entries(limit=5)]
    assert "login_failed" in actions


def test_run_window_logs_in_then_opens_the_main_window(
    qtbot, monkeypatch: pytest.MonkeyPatch, station: StationContext, folder_printer: FolderPrinter
) -> None:  # type: ignore[no-untyped-def]
    seen: list[MainWindow] = []

    class _App:
        """Stands for the QApplication's main loop (quitting the real one breaks later tests)."""

        def exec(self) -> int:
            windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
            seen.extend(w for w in windows if w.isVisible())
            for window in seen:
                window.close()
            return 0

    def log_in() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, LoginDialog)
        dialog.password_edit.setText(DEMO_PASSWORD)
        dialog.login_button.click()

    assert ui_app.application([]) is QApplication.instance()
    monkeypatch.setattr(ui_app, "application", lambda _argv: _App())
    QTimer.singleShot(50, log_in)
    code = ui_app.run_window(station, [], make_printer=lambda _n: folder_printer, offer_setup=False)
    assert code == 0
    assert seen and seen[0].officer_label.text().startswith("Cán bộ: Nguyễn Thị Hoà")
    assert seen[0].sync_label.text() == t.SYNC_NOT_CONNECTED
    assert seen[0].size().width() == 1366


def test_idle_lock_covers_the_window_until_the_same_password(
    qtbot, make_window: Callable[..., MainWindow], folder_printer: FolderPrinter
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(folder_printer, idle_minutes=0.005)  # 300 ms
    qtbot.waitUntil(lambda: window.lock_dialog is not None, timeout=3000)
    lock = window.lock_dialog
    assert lock is not None and lock.isVisible()
    assert window.lock_cover.isVisible()
    assert lock.unlock_button.text() == t.LOCK_UNLOCK
    lock.reject()  # Escape keeps the screen locked
    assert lock.isVisible()
    lock.password_edit.setText("sai")
    lock.unlock_button.click()
    assert lock.isVisible() and lock.error_label.text() == "Sai mật khẩu."
    lock.password_edit.setText(DEMO_PASSWORD)
    lock.unlock_button.click()
    assert window.lock_dialog is None and not window.lock_cover.isVisible()
    assert window.isVisible()
